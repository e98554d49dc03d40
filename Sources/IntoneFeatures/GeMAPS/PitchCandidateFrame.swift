import Foundation

/// One output frame of openSMILE's `cPitchBase`-derived pitch detectors (here `cPitchShs`,
/// level `gemapsv01b_pitchShsG60`): ranked F0 candidates with voicing and scores, plus the
/// thresholded best candidate.
public struct PitchCandidateFrame: Sendable, Equatable {
    /// Number of valid candidates (`nCandidates` field).
    public var candidateCount: Float
    /// Candidate frequencies in Hz, best first; unused slots are 0 (`F0Cand`).
    public var frequencies: [Float]
    /// Candidate voicing (pseudo) probabilities (`candVoicing`).
    public var voicings: [Float]
    /// Candidate scores (`candScores`).
    public var scores: [Float]
    /// Best candidate if its voicing exceeds the cutoff, else 0 (`F0raw`).
    public var f0Raw: Float
    /// Voicing of the best candidate if it exceeds the cutoff, else 0 (`voicingClip`).
    public var voicingClip: Float

    /// Creates a frame from its fields.
    public init(candidateCount: Float, frequencies: [Float], voicings: [Float], scores: [Float],
                f0Raw: Float, voicingClip: Float) {
        self.candidateCount = candidateCount
        self.frequencies = frequencies
        self.voicings = voicings
        self.scores = scores
        self.f0Raw = f0Raw
        self.voicingClip = voicingClip
    }

    /// The frame's fields in openSMILE's column order:
    /// nCandidates, F0Cand[n], candVoicing[n], candScores[n], F0raw, voicingClip.
    public var openSMILEFields: [Float] {
        [candidateCount] + frequencies + voicings + scores + [f0Raw, voicingClip]
    }
}
