import Foundation

/// The input one openSMILE `cFunctionals` instance hands to each of its sub-functionals when it
/// runs with `frameMode = full` (one vector over the whole contour).
///
/// Mirrors `cFunctionals::doProcess`: with `nonZeroFuncts = 1` the zero frames are dropped first;
/// the remaining values are sorted ascending (for `cFunctionalPercentiles`), and the minimum and
/// maximum (in `Float`) and the arithmetic mean (summed in `Double`, then passed on rounded to
/// `Float`) are computed once and shared by all sub-functionals.
public struct ContourFunctionalInput: Sendable {
    /// The contour values the functionals see (zero frames removed if `nonZeroOnly`).
    public let values: [Float]
    /// `values` sorted ascending.
    public let sorted: [Float]
    /// Smallest value (0 when `values` is empty).
    public let minimum: Float
    /// Largest value (0 when `values` is empty).
    public let maximum: Float
    /// Arithmetic mean as openSMILE passes it on: accumulated in `Double`, rounded to `Float`.
    public let mean: Float
    /// Frame period of the input level in seconds (openSMILE's `getInputPeriod()`).
    public let framePeriod: Double

    /// Prepares `contour` like `cFunctionals` does; `nonZeroOnly` mirrors `nonZeroFuncts = 1`.
    public init(_ contour: [Float], nonZeroOnly: Bool, framePeriod: Double) {
        let kept = nonZeroOnly ? contour.filter { $0 != 0 } : contour
        values = kept
        sorted = kept.sorted()
        self.framePeriod = framePeriod
        guard let first = kept.first else {
            minimum = 0; maximum = 0; mean = 0
            return
        }
        var lo = first, hi = first
        var sum = Double(first)
        for v in kept.dropFirst() {
            if v < lo { lo = v }
            if v > hi { hi = v }
            sum += Double(v)
        }
        minimum = lo
        maximum = hi
        mean = Float(sum / Double(kept.count))
    }

    /// Number of values the functionals see (openSMILE's `Nin`).
    public var count: Int { values.count }
}
