import Foundation

/// One output frame of openSMILE's `cPitchSmootherViterbi` as configured by eGeMAPSv02
/// (level `gemapsv01b_logPitchRaw`, fields `F0final`, `F0finalLog`, `voicingFinalUnclipped`).
/// After the energy gate (`cValbasedSelector` `gemapsv01b_volmerge`) the same fields form
/// level `gemapsv01b_logPitch`.
public struct SmoothedPitchFrame: Sendable, Equatable {
    /// Smoothed F0 in Hz, 0 for unvoiced frames (`F0final`).
    public var f0Hz: Float
    /// F0 in semitones re 27.5 Hz, 1 for 0 < F0 <= 29.136 Hz, 0 for unvoiced (`F0finalLog`).
    public var semitones: Float
    /// Voicing probability of the chosen candidate, not thresholded (`voicingFinalUnclipped`).
    public var voicing: Float

    /// Creates a frame from its fields.
    public init(f0Hz: Float, semitones: Float, voicing: Float) {
        self.f0Hz = f0Hz
        self.semitones = semitones
        self.voicing = voicing
    }

    /// An all-zero (unvoiced, gated) frame.
    public static let zero = SmoothedPitchFrame(f0Hz: 0, semitones: 0, voicing: 0)
}
