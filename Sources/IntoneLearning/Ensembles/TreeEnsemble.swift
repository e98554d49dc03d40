import Foundation

/// Several trees whose probabilities are averaged with weights (random forest, bagging) — or, for
/// AdaBoost, combined by SAMME's weighted vote.
public struct TreeEnsemble: Codable, Equatable, Sendable, TrainedClassifier {
    /// How members are combined.
    public enum Combination: String, Codable, Sendable {
        /// Mean of the members' class probabilities (random forest, bagging).
        case averageProbabilities
        /// SAMME: class scores `Σ αₘ · (1 if hₘ(x) = k else −1/(K−1))`, probabilities by softmax of scores/(K−1).
        case samme
    }

    public var trees: [DecisionTree]
    /// Per tree: weight (1 for averaging; αₘ for SAMME).
    public var weights: [Double]
    /// Per tree: the features it was trained on (bagging's feature subsets), or empty for all.
    public var featureSubsets: [[Int]]
    public var combination: Combination
    public var classCount: Int

    public func probabilities(_ x: Matrix) -> [Double] {
        let k = classCount
        var out = [Double](repeating: 0, count: x.rows * k)
        switch combination {
        case .averageProbabilities:
            let total = weights.reduce(0, +)
            for (t, tree) in trees.enumerated() {
                tree.accumulateProbabilities(project(x, t), weight: weights[t] / total, into: &out)
            }
        case .samme:
            for (t, tree) in trees.enumerated() {
                let predicted = tree.predict(project(x, t))
                for i in 0..<x.rows {
                    for c in 0..<k {
                        out[i * k + c] += weights[t] * (predicted[i] == c ? 1 : -1 / Double(k - 1))
                    }
                }
            }
            // sklearn: decision / n_classes - 1 → softmax.
            for i in 0..<x.rows {
                var m = -Double.infinity
                for c in 0..<k { out[i * k + c] /= Double(k - 1); m = max(m, out[i * k + c]) }
                var s = 0.0
                for c in 0..<k { out[i * k + c] = Foundation.exp(out[i * k + c] - m); s += out[i * k + c] }
                for c in 0..<k { out[i * k + c] /= s }
            }
        }
        return out
    }

    private func project(_ x: Matrix, _ t: Int) -> Matrix {
        guard t < featureSubsets.count, !featureSubsets[t].isEmpty else { return x }
        let f = featureSubsets[t]
        var values = [Float](repeating: 0, count: x.rows * f.count)
        for i in 0..<x.rows { for (j, c) in f.enumerated() { values[i * f.count + j] = x.values[i * x.columns + c] } }
        return Matrix(rows: x.rows, columns: f.count, values: values)
    }
}
