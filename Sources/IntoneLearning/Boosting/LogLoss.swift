import Foundation

/// scikit-learn's `log_loss` for gradient boosting (`sklearn/_loss`): `HalfBinomialLoss` with one
/// raw score per sample for two classes, `HalfMultinomialLoss` with one per class for more.
///
/// Raw scores are row-major, `samples × trees` (trees = 1 or K). With `p = softmax(raw)` (or
/// `p = expit(raw)` for two classes) and `y` the encoded label:
/// - loss per sample: `log Σ_k exp(raw_k) − raw_y` (binary: `log(1 + exp(raw)) − y·raw`);
/// - gradient `p_k − [y = k]`, hessian `p_k (1 − p_k)` (the diagonal of the class Hessian),
///   computed in float64 and stored as float32 as scikit-learn does;
/// - baseline (the raw score before any tree): multinomial `log p_k − mean_j log p_j` with `p_k`
///   the class frequencies clipped to [ε, 1 − ε] (symmetric multinomial logit); binomial
///   `logit(mean y)` with the mean clipped to [10ε, 1 − 10ε].
///
/// Every step follows scikit-learn's (and scipy's) floating-point operations, so raw scores match
/// scikit-learn's bit for bit on data where no randomness is involved.
enum LogLoss {
    case binomial
    case multinomial(classes: Int)

    init(classes: Int) { self = classes <= 2 ? .binomial : .multinomial(classes: classes) }

    /// Raw scores per sample: 1 (binary) or the number of classes.
    var trees: Int {
        switch self {
        case .binomial: return 1
        case .multinomial(let k): return k
        }
    }

    /// `fit_intercept_only`: the constant raw score that minimises the loss on `labels` (0..<classes).
    func baseline(_ labels: [Int]) -> [Double] {
        let n = Double(labels.count)
        switch self {
        case .binomial:
            let eps = 10 * Double.ulpOfOne
            let mean = min(max(Double(labels.lazy.filter { $0 == 1 }.count) / n, eps), 1 - eps)
            return [Self.logit(mean)]
        case .multinomial(let k):
            var counts = [Int](repeating: 0, count: k)
            for y in labels { counts[y] += 1 }
            let p = counts.map { min(max(Double($0) / n, Double.ulpOfOne), 1 - Double.ulpOfOne) }
            // scipy.stats.gmean: exp(mean(log p)); link: log(p / gmean).
            let logs = p.map { Foundation.log($0) }
            let meanLog = logs.withUnsafeBufferPointer { numpyPairwiseSum($0.baseAddress!, count: k) } / Double(k)
            let g = Foundation.exp(meanLog)
            return p.map { Foundation.log($0 / g) }
        }
    }

    /// Gradients and hessians of every sample, stored tree-major: tree `k`'s values for sample `i`
    /// at `k * samples + i`.
    func gradients(labels: [Int], raw: UnsafePointer<Double>, gradients: UnsafeMutablePointer<Float>, hessians: UnsafeMutablePointer<Float>) {
        let n = labels.count
        switch self {
        case .binomial:
            for i in 0..<n {
                let y = Double(labels[i]), r = raw[i]
                if r > -37 {
                    let e = Foundation.exp(-r)
                    gradients[i] = Float(((1 - y) - y * e) / (1 + e))
                    let d = 1 + e
                    hessians[i] = Float(e / (d * d))
                } else {
                    let e = Foundation.exp(r)
                    gradients[i] = Float(e - y)
                    hessians[i] = Float(e)
                }
            }
        case .multinomial(let k):
            var p = [Double](repeating: 0, count: k)
            for i in 0..<n {
                let row = raw + i * k
                var m = row[0]
                for c in 1..<k where m < row[c] { m = row[c] }
                var sum = 0.0
                for c in 0..<k { p[c] = Foundation.exp(row[c] - m); sum += p[c] }
                for c in 0..<k {
                    p[c] /= sum
                    gradients[c * n + i] = Float(p[c] - (labels[i] == c ? 1 : 0))
                    hessians[c * n + i] = Float(p[c] * (1 - p[c]))
                }
            }
        }
    }

    /// Mean loss over the samples (early stopping's score is its negative).
    func meanLoss(labels: [Int], raw: UnsafePointer<Double>) -> Double {
        let n = labels.count
        guard n > 0 else { return 0 }
        var losses = [Double](repeating: 0, count: n)
        switch self {
        case .binomial:
            for i in 0..<n { losses[i] = Self.log1pexp(raw[i]) - Double(labels[i]) * raw[i] }
        case .multinomial(let k):
            for i in 0..<n {
                let row = raw + i * k
                var m = row[0]
                for c in 1..<k where m < row[c] { m = row[c] }
                var sum = 0.0
                for c in 0..<k { sum += Foundation.exp(row[c] - m) }
                losses[i] = Foundation.log(sum) + m - row[labels[i]]
            }
        }
        return losses.withUnsafeBufferPointer { numpyPairwiseSum($0.baseAddress!, count: n) } / Double(n)
    }

    /// Class probabilities of one sample from its raw scores (`trees` values), written to `out`
    /// (2 values for the binomial loss, K otherwise).
    func probabilities(raw: UnsafePointer<Double>, into out: UnsafeMutablePointer<Double>) {
        switch self {
        case .binomial:
            let p = 1 / (1 + Foundation.exp(-raw[0]))
            out[0] = 1 - p
            out[1] = p
        case .multinomial(let k):
            var m = raw[0]
            for c in 1..<k where m < raw[c] { m = raw[c] }
            var sum = 0.0
            for c in 0..<k { out[c] = Foundation.exp(raw[c] - m); sum += out[c] }
            for c in 0..<k { out[c] /= sum }
        }
    }

    /// scipy's `logit`: `log(x / (1 − x))`, or `log1p(2(x − ½)) − log1p(−2(x − ½))` for x in
    /// [0.3, 0.65] where the plain formula loses precision.
    static func logit(_ x: Double) -> Double {
        if x < 0.3 || x > 0.65 { return Foundation.log(x / (1 - x)) }
        let s = 2 * (x - 0.5)
        return Foundation.log1p(s) - Foundation.log1p(-s)
    }

    /// `log(1 + exp(x))` accurate to float64 precision (scikit-learn's `log1pexp`).
    static func log1pexp(_ x: Double) -> Double {
        if x <= -37 { return Foundation.exp(x) }
        if x <= -2 { return Foundation.log1p(Foundation.exp(x)) }
        if x <= 18 { return Foundation.log(1 + Foundation.exp(x)) }
        if x <= 33.3 { return x + Foundation.exp(-x) }
        return x
    }
}
