import IntoneRandom

/// scikit-learn's `RandomForestClassifier`: trees on bootstrap samples, each split choosing among a
/// random subset of features; class probabilities averaged.
public struct RandomForestClassifier: Estimator {
    /// `n_estimators`, default 100.
    public var estimators: Int
    /// Tree settings; `max_features` defaults to `"sqrt"` here as in scikit-learn.
    public var tree: TreeParameters
    /// `bootstrap`: draw n samples with replacement per tree (default true); false uses all samples.
    public var bootstrap: Bool

    public var name: String { "RandomForestClassifier" }

    public init(estimators: Int = 100, tree: TreeParameters = TreeParameters(maxFeatures: .sqrt), bootstrap: Bool = true) {
        self.estimators = estimators
        self.tree = tree
        self.bootstrap = bootstrap
    }

    public func fit(_ data: Dataset, seed: UInt64) throws(LearningError) -> any TrainedClassifier {
        guard estimators >= 1 else { throw LearningError("n_estimators must be at least 1 (got \(estimators))") }
        guard data.count > 0 else { throw LearningError("cannot fit a random forest on no samples") }
        var trees: [DecisionTree] = []
        for t in 0..<estimators {
            var random = SeededRandom(seed: seed, stream: "forest/\(t)")
            var weights = [Double](repeating: bootstrap ? 0 : 1, count: data.count)
            if bootstrap { for _ in 0..<data.count { weights[random.integer(below: data.count)] += 1 } }
            trees.append(TreeBuilder.fit(data, sampleWeight: weights, parameters: tree, random: &random))
        }
        return TreeEnsemble(trees: trees, weights: [Double](repeating: 1, count: trees.count), featureSubsets: [],
                            combination: .averageProbabilities, classCount: data.classCount)
    }
}
