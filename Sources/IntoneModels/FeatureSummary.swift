import IntoneFeatures

/// How a clip's stored MFCC matrix (coefficients × frames) becomes the fixed-length vector a classic
/// classifier takes; sweep specs name it (`features:`) and classic models store it (`summary`).
public enum FeatureSummary: String, Equatable, Sendable, Codable {
    /// The mean of each coefficient over time (40 values): what the seed tool used.
    case mean
    /// Mean and standard deviation of each coefficient (80 values).
    case meanStd = "mean_std"

    /// Per-row summary of `m`: means, then (for `meanStd`) population standard deviations. A matrix
    /// without frames gives zeros.
    public func summarise(_ m: FeatureMatrix) -> [Float] {
        let mean = m.meanOverTime()
        guard self == .meanStd else { return mean }
        var std = [Float](repeating: 0, count: m.rows)
        for r in 0..<m.rows where m.frames > 0 {
            var s = 0.0
            for t in 0..<m.frames { let d = Double(m[r, t]) - Double(mean[r]); s += d * d }
            std[r] = Float((s / Double(m.frames)).squareRoot())
        }
        return mean + std
    }
}
