import IntoneRandom

/// scikit-learn's `BaggingClassifier` over fully grown decision trees: each tree sees a bootstrap
/// sample of `max_samples` rows and a random subset of `max_features` columns (drawn without
/// replacement); class probabilities averaged.
public struct BaggingClassifier: Estimator {
    /// `n_estimators`, default 10.
    public var estimators: Int
    /// `max_samples`: rows drawn (with replacement) per tree, a count or a fraction of n. Default 1.0.
    public var maxSamples: CountOrFraction
    /// `max_features`: columns per tree, a count or a fraction (`int(f × d)`, at least 1). Default 1.0.
    public var maxFeatures: CountOrFraction

    public var name: String { "BaggingClassifier" }

    public init(estimators: Int = 10, maxSamples: CountOrFraction = .fraction(1.0), maxFeatures: CountOrFraction = .fraction(1.0)) {
        self.estimators = estimators
        self.maxSamples = maxSamples
        self.maxFeatures = maxFeatures
    }

    public func fit(_ data: Dataset, seed: UInt64) throws(LearningError) -> any TrainedClassifier {
        guard estimators >= 1 else { throw LearningError("n_estimators must be at least 1 (got \(estimators))") }
        let n = data.count, d = data.featureCount
        let rows: Int
        switch maxSamples {
        case .count(let c): rows = c
        case .fraction(let f): rows = Int(f * Double(n))
        }
        let columns: Int
        switch maxFeatures {
        case .count(let c): columns = c
        case .fraction(let f): columns = max(1, Int(f * Double(d)))
        }
        guard rows >= 1, rows <= n else { throw LearningError("max_samples must give between 1 and \(n) samples (got \(rows))") }
        guard columns >= 1, columns <= d else { throw LearningError("max_features must be between 1 and \(d) features (got \(columns))") }
        var trees: [DecisionTree] = [], subsets: [[Int]] = []
        for t in 0..<estimators {
            var random = SeededRandom(seed: seed, stream: "bagging/\(t)")
            let features = columns == d ? Array(0..<d) : Array(random.shuffled(Array(0..<d)).prefix(columns)).sorted()
            var weights = [Double](repeating: 0, count: n)
            for _ in 0..<rows { weights[random.integer(below: n)] += 1 }
            let projected = project(data, features)
            trees.append(TreeBuilder.fit(projected, sampleWeight: weights, parameters: TreeParameters(), random: &random))
            subsets.append(columns == d ? [] : features)
        }
        return TreeEnsemble(trees: trees, weights: [Double](repeating: 1, count: trees.count), featureSubsets: subsets,
                            combination: .averageProbabilities, classCount: data.classCount)
    }

    private func project(_ data: Dataset, _ features: [Int]) -> Dataset {
        if features.count == data.featureCount { return data }
        var values = [Float](repeating: 0, count: data.count * features.count)
        for i in 0..<data.count {
            for (j, f) in features.enumerated() { values[i * features.count + j] = data.features.values[i * data.featureCount + f] }
        }
        return Dataset(features: Matrix(rows: data.count, columns: features.count, values: values), labels: data.labels,
                       classCount: data.classCount, groups: data.groups)
    }
}
