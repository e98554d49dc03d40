import IntoneRandom

/// scikit-learn's `DecisionTreeClassifier(criterion='gini', splitter='best')`.
public struct DecisionTreeClassifier: Estimator {
    public var parameters: TreeParameters
    public var name: String { "DecisionTreeClassifier" }

    public init(parameters: TreeParameters = TreeParameters()) { self.parameters = parameters }

    public func fit(_ data: Dataset, seed: UInt64) throws(LearningError) -> any TrainedClassifier {
        guard data.count > 0 else { throw LearningError("cannot fit a decision tree on no samples") }
        var random = SeededRandom(seed: seed, stream: "tree")
        return TreeBuilder.fit(data, parameters: parameters, random: &random)
    }
}

extension DecisionTree: TrainedClassifier {
    public func probabilities(_ x: Matrix) -> [Double] {
        var p = [Double](repeating: 0, count: x.rows * classCount)
        accumulateProbabilities(x, into: &p)
        return p
    }
}
