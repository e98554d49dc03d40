import Foundation

/// openSMILE's `cFunctionalPercentiles` with `interp = 1`: linearly interpolated percentiles of
/// the sorted input, and percentile ranges (`pctlrange`, absolute difference of two percentiles).
public enum ContourPercentiles {
    /// The `p` percentile (0...1) of `sorted` (ascending), interpolated between the two nearest
    /// ranks with `Float` weights as openSMILE does; 0 for empty input.
    public static func percentile(_ p: Double, sorted: [Float]) -> Float {
        let n = sorted.count
        guard n > 0 else { return 0 }
        let index = p * Double(n - 1)
        var i1 = Int(index.rounded(.down)), i2 = Int(index.rounded(.up))
        i1 = min(max(i1, 0), n - 1)
        i2 = min(max(i2, 0), n - 1)
        guard i1 != i2 else { return sorted[i1] }
        let w1 = Float(index - Double(i1)), w2 = Float(Double(i2) - index)
        return sorted[i1] * w2 + sorted[i2] * w1
    }

    /// `pctlrange`: |upper − lower| in `Float`.
    public static func range(_ lower: Float, _ upper: Float) -> Float {
        abs(upper - lower)
    }
}
