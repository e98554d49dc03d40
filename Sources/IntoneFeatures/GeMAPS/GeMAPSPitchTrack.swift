import Foundation

/// The eGeMAPSv02 F0 track before contour smoothing: openSMILE level `gemapsv01b_logPitch`
/// (Viterbi-smoothed SHS pitch, zeroed where the 60 ms RMS energy is at or below 0.001).
/// One value per 10 ms analysis frame.
public struct GeMAPSPitchTrack: Sendable {
    /// F0 in Hz, 0 where unvoiced (`F0final`).
    public var f0Hz: [Float]
    /// F0 in semitones re 27.5 Hz, 0 where unvoiced (`F0finalLog`; the eGeMAPS
    /// `F0semitoneFrom27.5Hz` LLD before `sma3nz`).
    public var semitones: [Float]
    /// Unclipped voicing probability of the chosen candidate, 0 where gated (`voicingFinalUnclipped`).
    public var voicing: [Float]

    /// Creates a track from its fields.
    public init(f0Hz: [Float], semitones: [Float], voicing: [Float] = []) {
        self.f0Hz = f0Hz
        self.semitones = semitones
        self.voicing = voicing
    }
}
