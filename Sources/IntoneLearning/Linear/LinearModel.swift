import Foundation

/// A fitted linear classifier (scikit-learn's `coef_` and `intercept_`): one weight vector and
/// intercept per one-vs-rest problem, or a single one for two classes.
///
/// Decision values are `x·wₖ + bₖ`, in double precision. How they become probabilities depends on
/// the loss the model was trained with (`mapping`); see `ProbabilityMapping`.
public struct LinearModel: Codable, Equatable, Sendable, TrainedClassifier {
    /// How decision values become class probabilities.
    public enum ProbabilityMapping: String, Codable, Sendable {
        /// scikit-learn's `predict_proba` for `log_loss`: `σ(dₖ)` per class, divided by the row sum
        /// (one-vs-rest normalisation; a row summing to 0 becomes uniform). Binary: `[1 − σ(d), σ(d)]`.
        case normalisedLogistic
        /// scikit-learn's `predict_proba` for `modified_huber`: `(clip(dₖ, −1, 1) + 1) / 2`, divided by
        /// the row sum (all zero → uniform). Binary: `[1 − pr, pr]` with `pr = (clip(d, −1, 1) + 1)/2`.
        case clippedLinear
        /// For `hinge`, which has no probabilities in scikit-learn: softmax of the decision values,
        /// `exp(dₖ) / Σⱼ exp(dⱼ)`. Binary: the scores `(0, d)`, i.e. `[1 − σ(d), σ(d)]`. Monotone in the
        /// decision values, so the most probable class is the predicted one; not calibrated.
        case softmax
    }

    /// Weights, `outputs × featureCount`, row-major (`outputs` is 1 for two classes, else `classCount`).
    public var coefficients: [Double]
    /// Intercept per output.
    public var intercepts: [Double]
    public var featureCount: Int
    public var classCount: Int
    public var mapping: ProbabilityMapping
    /// Epochs run (the largest over the one-vs-rest problems, scikit-learn's `n_iter_`).
    public var iterations: Int

    public init(coefficients: [Double], intercepts: [Double], featureCount: Int, classCount: Int,
                mapping: ProbabilityMapping, iterations: Int) {
        precondition(coefficients.count == intercepts.count * featureCount, "LinearModel: coefficient shape")
        precondition(intercepts.count == (classCount == 2 ? 1 : classCount), "LinearModel: one output per class (one for two classes)")
        self.coefficients = coefficients
        self.intercepts = intercepts
        self.featureCount = featureCount
        self.classCount = classCount
        self.mapping = mapping
        self.iterations = iterations
    }

    /// Number of decision values per row: 1 for two classes, else `classCount`.
    public var outputs: Int { intercepts.count }

    /// scikit-learn's `decision_function`: `x.rows × outputs`, row-major.
    public func decisionFunction(_ x: Matrix) -> [Double] {
        precondition(x.columns == featureCount, "LinearModel: \(x.columns) features, trained on \(featureCount)")
        let k = outputs, d = featureCount
        var out = [Double](repeating: 0, count: x.rows * k)
        x.values.withUnsafeBufferPointer { xs in
            coefficients.withUnsafeBufferPointer { w in
                for i in 0..<x.rows {
                    for c in 0..<k {
                        var s = intercepts[c]
                        for j in 0..<d { s += w[c * d + j] * Double(xs[i * d + j]) }
                        out[i * k + c] = s
                    }
                }
            }
        }
        return out
    }

    /// scikit-learn's `predict`: the class with the largest decision value (first on ties); for two
    /// classes, class 1 where the decision value is positive.
    ///
    /// This can differ from the protocol's argmax of `probabilities` only for `modified_huber`, whose
    /// clipping makes classes with decision values ≥ 1 tie in probability.
    public func predict(_ x: Matrix) -> [Int] {
        let d = decisionFunction(x)
        if outputs == 1 { return d.map { $0 > 0 ? 1 : 0 } }
        return argmaxRows(d, columns: outputs)
    }

    public func probabilities(_ x: Matrix) -> [Double] {
        let d = decisionFunction(x)
        if outputs == 1 {
            var out = [Double](repeating: 0, count: x.rows * 2)
            for i in 0..<x.rows {
                let p: Double = switch mapping {
                case .normalisedLogistic, .softmax: logistic(d[i])
                case .clippedLinear: (min(max(d[i], -1), 1) + 1) / 2
                }
                out[2 * i] = 1 - p
                out[2 * i + 1] = p
            }
            return out
        }
        let k = outputs
        var out = d
        for i in 0..<x.rows {
            let row = i * k
            switch mapping {
            case .normalisedLogistic, .clippedLinear:
                var sum = 0.0
                for c in 0..<k {
                    let v = out[row + c]
                    out[row + c] = mapping == .normalisedLogistic ? logistic(v) : (min(max(v, -1), 1) + 1) / 2
                    sum += out[row + c]
                }
                if sum == 0 {
                    for c in 0..<k { out[row + c] = 1 / Double(k) }
                } else {
                    for c in 0..<k { out[row + c] /= sum }
                }
            case .softmax:
                var m = -Double.infinity
                for c in 0..<k { m = max(m, out[row + c]) }
                var sum = 0.0
                for c in 0..<k { out[row + c] = Foundation.exp(out[row + c] - m); sum += out[row + c] }
                for c in 0..<k { out[row + c] /= sum }
            }
        }
        return out
    }

    /// `1 / (1 + exp(−v))` without overflow.
    private func logistic(_ v: Double) -> Double {
        v >= 0 ? 1 / (1 + Foundation.exp(-v)) : Foundation.exp(v) / (1 + Foundation.exp(v))
    }
}
