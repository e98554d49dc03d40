import Foundation

/// openSMILE's `cVectorOperation` with `operation = dBp`: power to decibels, `10/ln(10) · ln(x)`,
/// in `Float`, with inputs at or below `logfloor` (default 1e-12) clamped to the floor.
/// eGeMAPS applies it to the mean of `egemapsv02_energyRMS` to get `equivalentSoundLevel_dBp`.
public enum GeMAPSPowerDecibels {
    /// openSMILE's default `logfloor` for `cVectorOperation`.
    public static let logFloor: Float = 0.000000000001

    /// `x` in dB (power), as `cVectorOperation` computes it.
    public static func decibels(_ x: Float) -> Float {
        let factor = Float(10.0 / Foundation.log(10.0))
        return x > logFloor ? factor * logf(x) : factor * logf(logFloor)
    }
}
