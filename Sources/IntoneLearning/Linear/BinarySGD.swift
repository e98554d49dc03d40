import IntoneRandom

/// One binary problem of an `SGDClassifier`: scikit-learn's `_plain_sgd` for dense data with the
/// `optimal` learning rate, no averaging and no early stopping.
///
/// Per sample, in a (seeded) shuffled order each epoch, with `t` counting samples from 1:
///
///     p   = w·x + b
///     η   = 1 / (alpha · (t₀ + t − 1))                 t₀ = 1 / (alpha · sqrt(1/sqrt(alpha)))
///     u   = −η · clip(∂loss/∂p, ±1e12)
///     w  ← w · max(0, 1 − (1 − ρ)·η·alpha)             l2 and elasticnet only
///     w  ← w + u·x,  b ← b + u                          (b only with fit_intercept)
///     L1 truncated gradient with cumulative penalty Σ ρ·η·alpha      l1 and elasticnet only
///
/// `t₀` is scikit-learn's heuristic, chosen so that the first step is `typw = sqrt(1/sqrt(alpha))`
/// (a typical weight norm) divided by `max(1, ∂loss/∂p at y = 1, p = −typw)`; that derivative is
/// negative for every loss here, so the first step is `typw`. After each epoch the mean training
/// objective (loss plus the penalty at each step) is compared with the best so far:
/// `n_iter_no_change` epochs in a row that fail to improve it by `tol` stop training (scikit-learn
/// 1.9, the reference, compares this objective; older versions compared the mean loss alone).
///
/// Weights are float64 (scikit-learn keeps float32 weights for float32 input) and the sums use four
/// partial accumulators, so values agree with scikit-learn's to rounding, not bit for bit.
struct BinarySGD {
    var loss: SGDLoss
    var penalty: SGDPenalty
    var alpha: Double
    var l1Ratio: Double
    var maxIter: Int
    var tol: Double?
    var nIterNoChange: Int
    var fitIntercept: Bool
    var shuffle: Bool

    /// The fitted weights, intercept and the epochs run.
    struct Result {
        var weights: [Double]
        var intercept: Double
        var epochs: Int
    }

    /// Fits on `x` (`n × d` row-major, double) with labels `y ∈ {−1, +1}`.
    ///
    /// - Throws: `LearningError` if the weights overflow (unscaled features with a large step).
    func fit(x: [Double], y: [Double], featureCount d: Int, random: inout SeededRandom) throws(LearningError) -> Result {
        let n = y.count
        let typw = (1 / alpha.squareRoot()).squareRoot()
        let initialEta = typw / max(1, loss.gradient(1, -typw))
        var state = State(featureCount: d, optimalInit: 1 / (initialEta * alpha))
        var order = Array(0..<n)
        var best = Double.infinity, noImprovement = 0
        var epochs = 0
        for epoch in 0..<maxIter {
            epochs = epoch + 1
            if shuffle { order = random.shuffled(order) }
            let objective = x.withUnsafeBufferPointer { x in
                y.withUnsafeBufferPointer { y in runEpoch(order, x: x, y: y, state: &state) }
            }
            guard state.intercept.isFinite, state.weights.allSatisfy(\.isFinite) else {
                throw LearningError("SGDClassifier: floating-point overflow at epoch \(epochs); standardise the features (StandardScaler) or raise alpha")
            }
            if let tol {
                let mean = objective / Double(n)
                if mean > best - tol { noImprovement += 1 } else { noImprovement = 0 }
                best = min(best, mean)
                if noImprovement >= nIterNoChange { break }
            }
        }
        return Result(weights: state.weights, intercept: state.intercept, epochs: epochs)
    }

    /// What evolves during training.
    private struct State {
        var weights: [Double]
        /// L1 penalty actually applied to each weight so far (truncated gradient).
        var applied: [Double]
        var intercept = 0.0
        /// Samples seen + 1 (scikit-learn's `t`).
        var t = 1.0
        /// Total L1 penalty per weight so far, `Σ ρ·η·alpha`.
        var u = 0.0
        /// ‖w‖² and ‖w‖₁ after the last step.
        var squares = 0.0, absolutes = 0.0
        let optimalInit: Double

        init(featureCount d: Int, optimalInit: Double) {
            weights = [Double](repeating: 0, count: d)
            applied = [Double](repeating: 0, count: d)
            self.optimalInit = optimalInit
        }
    }

    /// One pass over the samples in `order`; returns the summed objective (loss plus penalty at each step).
    private func runEpoch(_ order: [Int], x: UnsafeBufferPointer<Double>, y: UnsafeBufferPointer<Double>, state s: inout State) -> Double {
        let d = s.weights.count
        let rho = penalty.l1Share(l1Ratio)
        let usesL1 = penalty != .l2, usesDecay = penalty != .l1
        var objective = 0.0
        var b = s.intercept, t = s.t, u = s.u, squares = s.squares, absolutes = s.absolutes
        s.weights.withUnsafeMutableBufferPointer { w in
            s.applied.withUnsafeMutableBufferPointer { q in
                for i in order {
                    let row = x.baseAddress! + i * d
                    let p = b + Self.dot(UnsafePointer(w.baseAddress!), row, d)
                    let eta = 1 / (alpha * (s.optimalInit + t - 1))
                    // The objective at this step, with ‖w‖² and ‖w‖₁ as the previous step left them.
                    objective += loss.loss(y[i], p) + alpha * ((1 - rho) * 0.5 * squares + rho * absolutes)

                    let update = -eta * min(max(loss.gradient(y[i], p), -1e12), 1e12)
                    let decay = usesDecay ? max(0, 1 - (1 - rho) * eta * alpha) : 1
                    if fitIntercept { b += update }
                    // Decay, gradient step and L1 truncation fused into one pass over w.
                    squares = 0
                    absolutes = 0
                    if usesL1 {
                        u += rho * eta * alpha
                        for j in 0..<d {
                            let z = w[j] * decay + update * row[j], qj = q[j]
                            // Towards zero by what is still owed, never across it (selects, not branches).
                            let down = max(0, z - (u + qj)), up = min(0, z + (u - qj))
                            let v = z > 0 ? down : (z < 0 ? up : z)
                            q[j] = qj + (v - z)
                            w[j] = v
                            squares += v * v
                            absolutes += Swift.abs(v)
                        }
                    } else {
                        squares = Self.scaleAndAdd(w.baseAddress!, decay, update, row, d)
                    }
                    t += 1
                }
            }
        }
        s.intercept = b
        s.t = t
        s.u = u
        s.squares = squares
        s.absolutes = absolutes
        return objective
    }

    /// `Σ a[j]·b[j]` with four partial sums (shorter dependency chains than one running sum).
    @inline(__always)
    private static func dot(_ a: UnsafePointer<Double>, _ b: UnsafePointer<Double>, _ n: Int) -> Double {
        var s0 = 0.0, s1 = 0.0, s2 = 0.0, s3 = 0.0
        var j = 0
        while j + 4 <= n {
            s0 += a[j] * b[j]; s1 += a[j + 1] * b[j + 1]; s2 += a[j + 2] * b[j + 2]; s3 += a[j + 3] * b[j + 3]
            j += 4
        }
        while j < n { s0 += a[j] * b[j]; j += 1 }
        return (s0 + s1) + (s2 + s3)
    }

    /// `w ← c·w + u·x`, returning the new `‖w‖²` (four partial sums).
    @inline(__always)
    private static func scaleAndAdd(_ w: UnsafeMutablePointer<Double>, _ c: Double, _ u: Double, _ x: UnsafePointer<Double>, _ n: Int) -> Double {
        var s0 = 0.0, s1 = 0.0, s2 = 0.0, s3 = 0.0
        var j = 0
        while j + 4 <= n {
            let v0 = w[j] * c + u * x[j], v1 = w[j + 1] * c + u * x[j + 1]
            let v2 = w[j + 2] * c + u * x[j + 2], v3 = w[j + 3] * c + u * x[j + 3]
            w[j] = v0; w[j + 1] = v1; w[j + 2] = v2; w[j + 3] = v3
            s0 += v0 * v0; s1 += v1 * v1; s2 += v2 * v2; s3 += v3 * v3
            j += 4
        }
        while j < n { let v = w[j] * c + u * x[j]; w[j] = v; s0 += v * v; j += 1 }
        return (s0 + s1) + (s2 + s3)
    }
}
