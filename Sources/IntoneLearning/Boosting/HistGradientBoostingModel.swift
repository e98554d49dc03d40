/// A fitted `HistGradientBoostingClassifier`: a baseline plus the sum of its trees' leaf values gives
/// raw scores, turned into probabilities by softmax (more than two classes, one tree per class and
/// iteration) or by the logistic function (two classes, one tree per iteration).
public struct HistGradientBoostingModel: TrainedClassifier, Codable, Equatable, Sendable {
    /// Columns of `probabilities`: the dataset's class count (classes unseen in training get 0).
    public var classCount: Int
    /// The classes seen in training, increasing (scikit-learn's `classes_`): raw score column `j`
    /// belongs to class `classes[j]` (two classes: the single score is that of `classes[1]`).
    public var classes: [Int]
    /// Trees per iteration: 1 for two classes, else `classes.count`.
    public var treesPerIteration: Int
    /// The raw score before any tree, one per tree of an iteration (`_baseline_prediction`).
    public var baseline: [Double]
    /// All trees, iteration-major: tree `k` of iteration `t` is `trees[t * treesPerIteration + k]`.
    public var trees: [BoostedTree]
    /// The bin thresholds the trees were grown on.
    public var binner: FeatureBinner
    /// With early stopping: `−loss` on the training part before the first and after every
    /// iteration (`train_score_`); empty otherwise.
    public var trainScore: [Double]
    /// With early stopping on a validation split: `−loss` on it (`validation_score_`); empty otherwise.
    public var validationScore: [Double]

    /// Boosting iterations actually run (`n_iter_`), fewer than `max_iter` after early stopping.
    public var iterations: Int { treesPerIteration > 0 ? trees.count / treesPerIteration : 0 }

    var loss: LogLoss { treesPerIteration == 1 ? .binomial : .multinomial(classes: treesPerIteration) }

    /// Raw scores (`decision_function`), `x.rows × treesPerIteration`, row-major. `x` must have the
    /// training data's feature count.
    public func rawPredictions(_ x: Matrix) -> [Double] {
        precondition(x.columns == binner.thresholds.count,
                     "HistGradientBoostingModel: \(x.columns) features, fitted on \(binner.thresholds.count)")
        let k = treesPerIteration
        var raw = [Double](repeating: 0, count: x.rows * k)
        for i in 0..<x.rows { for c in 0..<k { raw[i * k + c] = baseline[c] } }
        x.values.withUnsafeBufferPointer { xs in
            raw.withUnsafeMutableBufferPointer { out in
                guard let base = xs.baseAddress else { return }
                for (t, tree) in trees.enumerated() {
                    let c = t % k
                    for i in 0..<x.rows { out[i * k + c] += tree.predict(base + i * x.columns) }
                }
            }
        }
        return raw
    }

    /// Class probabilities, `x.rows × classCount`, row-major; each row sums to 1.
    public func probabilities(_ x: Matrix) -> [Double] {
        let raw = rawPredictions(x)
        let k = treesPerIteration, m = classes.count
        var out = [Double](repeating: 0, count: x.rows * classCount)
        var p = [Double](repeating: 0, count: m)
        let loss = self.loss
        raw.withUnsafeBufferPointer { r in
            p.withUnsafeMutableBufferPointer { pp in
                for i in 0..<x.rows {
                    loss.probabilities(raw: r.baseAddress! + i * k, into: pp.baseAddress!)
                    for j in 0..<m { out[i * classCount + classes[j]] = pp[j] }
                }
            }
        }
        return out
    }
}
