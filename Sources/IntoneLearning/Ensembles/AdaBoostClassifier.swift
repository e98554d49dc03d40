import Foundation
import IntoneRandom

/// scikit-learn's `AdaBoostClassifier(algorithm='SAMME')` over decision trees of depth `max_depth`.
///
/// Each round fits a tree to the weighted samples; with weighted error e over K classes the tree's weight
/// is `α = learning_rate · (log((1 − e)/e) + log(K − 1))` and misclassified samples' weights are multiplied
/// by `exp(α)`, then normalised. Boosting stops early on a perfect tree (kept with weight 1) or one no
/// better than chance (`e ≥ 1 − 1/K`; dropped, unless it is the first).
public struct AdaBoostClassifier: Estimator {
    /// `n_estimators`, default 50.
    public var estimators: Int
    /// `learning_rate`, default 1.
    public var learningRate: Double
    /// Depth of each tree (`estimator=DecisionTreeClassifier(max_depth=...)`), default 1 (stumps).
    public var maxDepth: Int

    public var name: String { "AdaBoostClassifier" }

    public init(estimators: Int = 50, learningRate: Double = 1, maxDepth: Int = 1) {
        self.estimators = estimators
        self.learningRate = learningRate
        self.maxDepth = maxDepth
    }

    public func fit(_ data: Dataset, seed: UInt64) throws(LearningError) -> any TrainedClassifier {
        guard estimators >= 1 else { throw LearningError("n_estimators must be at least 1 (got \(estimators))") }
        guard learningRate > 0 else { throw LearningError("learning_rate must be positive (got \(learningRate))") }
        guard maxDepth >= 1 else { throw LearningError("max_depth must be at least 1 (got \(maxDepth))") }
        let n = data.count, k = Double(data.classCount)
        var w = [Double](repeating: 1 / Double(n), count: n)
        var trees: [DecisionTree] = [], alphas: [Double] = []
        for m in 0..<estimators {
            var random = SeededRandom(seed: seed, stream: "adaboost/\(m)")
            let tree = TreeBuilder.fit(data, sampleWeight: w, parameters: TreeParameters(maxDepth: maxDepth), random: &random)
            let predicted = tree.predict(data.features)
            var error = 0.0, total = 0.0
            for i in 0..<n {
                total += w[i]
                if predicted[i] != data.labels[i] { error += w[i] }
            }
            error /= total
            if error <= 0 {
                trees.append(tree); alphas.append(1)
                break
            }
            if error >= 1 - 1 / k {
                if trees.isEmpty { trees.append(tree); alphas.append(1) }
                break
            }
            let alpha = learningRate * (log((1 - error) / error) + log(k - 1))
            trees.append(tree); alphas.append(alpha)
            if m == estimators - 1 { break }
            var sum = 0.0
            for i in 0..<n {
                if predicted[i] != data.labels[i] { w[i] *= exp(alpha) }
                sum += w[i]
            }
            for i in 0..<n { w[i] /= sum }
        }
        return TreeEnsemble(trees: trees, weights: alphas, featureSubsets: [], combination: .samme, classCount: data.classCount)
    }
}
