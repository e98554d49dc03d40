import Foundation

/// Temperature scaling (Guo et al., "On Calibration of Modern Neural Networks", ICML 2017): class
/// probabilities `p` become `softmax(log p / T)`. One parameter, fitted on held-out rows by
/// minimising the negative log-likelihood; the most probable class never changes, only how sure
/// the model says it is (T > 1 softens over-confident models, T < 1 sharpens timid ones).
public enum TemperatureScaling {
    /// Smallest probability taken into the logarithm.
    static let floor = 1e-12

    /// `p` scaled by `temperature` (a probability vector again).
    public static func scaled(_ p: [Double], temperature: Double) -> [Double] {
        guard !p.isEmpty, temperature.isFinite, temperature > 0 else { return p }
        let z = p.map { log(max($0, floor)) / temperature }
        let top = z.max() ?? 0
        let e = z.map { exp($0 - top) }
        let sum = e.reduce(0, +)
        return e.map { $0 / sum }
    }

    /// Mean negative log-likelihood of `labels` under the scaled probabilities.
    public static func negativeLogLikelihood(_ probabilities: [[Double]], labels: [Int], temperature: Double) -> Double {
        guard !labels.isEmpty else { return 0 }
        var total = 0.0
        for (p, y) in zip(probabilities, labels) {
            let q = scaled(p, temperature: temperature)
            total -= log(max(y < q.count ? q[y] : 0, floor))
        }
        return total / Double(labels.count)
    }

    /// The temperature in [0.05, 20] that minimises the negative log-likelihood of `labels`
    /// (golden-section search on log T, to 1e-4 in log T; the NLL is unimodal there). No rows: 1.
    public static func fit(_ probabilities: [[Double]], labels: [Int]) -> Double {
        guard !labels.isEmpty else { return 1 }
        let ratio = (5.0.squareRoot() - 1) / 2
        var lo = log(0.05), hi = log(20.0)
        func loss(_ logT: Double) -> Double { negativeLogLikelihood(probabilities, labels: labels, temperature: exp(logT)) }
        var a = hi - ratio * (hi - lo), b = lo + ratio * (hi - lo)
        var fa = loss(a), fb = loss(b)
        while hi - lo > 1e-4 {
            if fa <= fb { hi = b; b = a; fb = fa; a = hi - ratio * (hi - lo); fa = loss(a) }
            else { lo = a; a = b; fa = fb; b = lo + ratio * (hi - lo); fb = loss(b) }
        }
        return exp((lo + hi) / 2)
    }
}

/// Expected calibration error of the top class (Naeini et al. 2015; Guo et al. 2017): rows binned
/// by their highest probability into `bins` equal-width bins over (0, 1]; the row-weighted mean of
/// |accuracy − mean confidence| over the bins. 0 is perfectly calibrated.
public enum ExpectedCalibrationError {
    /// The ECE of `probabilities` (one vector per row) against `labels`. No rows: 0.
    public static func compute(_ probabilities: [[Double]], labels: [Int], bins: Int = 15) -> Double {
        guard !labels.isEmpty, bins > 0 else { return 0 }
        var count = [Int](repeating: 0, count: bins)
        var correct = [Int](repeating: 0, count: bins)
        var confidence = [Double](repeating: 0, count: bins)
        for (p, y) in zip(probabilities, labels) {
            guard let top = p.indices.max(by: { p[$0] < p[$1] }) else { continue }
            let c = p[top]
            let bin = min(bins - 1, max(0, Int((c * Double(bins)).rounded(.up)) - 1))
            count[bin] += 1
            confidence[bin] += c
            if top == y { correct[bin] += 1 }
        }
        let n = Double(labels.count)
        var ece = 0.0
        for b in 0..<bins where count[b] > 0 {
            let m = Double(count[b])
            ece += m / n * abs(Double(correct[b]) / m - confidence[b] / m)
        }
        return ece
    }
}
