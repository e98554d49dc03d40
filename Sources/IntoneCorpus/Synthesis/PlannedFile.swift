/// How big a synthetic corpus to make.
///
/// | scale  | CREMA-D                 | RAVDESS             | SAVEE           | TESS            | files  |
/// |--------|-------------------------|---------------------|-----------------|-----------------|--------|
/// | small  | 6 actors × 28           | 4 actors × 30       | 4 × 32          | 2 × 7 × 8 words | 528    |
/// | medium | 24 actors × 82          | 12 actors × 60      | 4 × 120         | 2 × 7 × 40      | 3 728  |
/// | large  | 250 actors × 82         | 24 actors × 60      | 4 × 120         | 2 × 7 × 200     | 25 220 |
///
/// `small` is what the demo and the tests use (seconds to make); `medium` and `large` use the real
/// corpora's full per-speaker designs (`large` has more CREMA-style actors than the real 91, to reach
/// benchmark size; actor ids stay four digits).
public enum SynthesisScale: String, CaseIterable, Codable, Sendable {
    case small, medium, large
}

/// One file of the synthetic corpus, as planned before any audio is made.
///
/// Its audio depends only on the corpus seed and this value (in practice its `relativePath`, which
/// determines all the rest), never on the order or thread files are made in.
public struct PlannedFile: Hashable, Codable, Sendable {
    /// Path under the corpus root, with `/` separators, e.g. `Crema/1001_DFA_ANG_XX.wav`.
    public let relativePath: String
    /// Which corpus's layout and recording conditions.
    public let corpus: CorpusKind
    /// The speaker's code as the corpus writes it: `1001`, `01` (RAVDESS actor), `DC`, `OAF`.
    /// Unique within the corpus, not across corpora.
    public let speaker: String
    /// The speaker's sex: RAVDESS odd actors male, even female (as the real corpus); SAVEE male; TESS
    /// female; CREMA odd actor ids male, even female (a synthetic choice: the real CREMA-D's
    /// assignment is in its demographics table, not its file names).
    public let sex: SpeakerSex
    /// The expression acted (RAVDESS calm is separate here).
    public let acted: ActedEmotion
    /// What is spoken: the CREMA sentence code (`DFA`), RAVDESS statement (`01`, `02`), SAVEE
    /// sentence (`c01`–`c03` common to all emotions, else `<code><NN>`), TESS word (`back`).
    public let sentence: String
    /// How strongly the emotion is acted, scaling its departure from neutral: 1 is typical; CREMA
    /// LO/MD/HI/XX 0.65/0.9/1.2/0.9, RAVDESS normal/strong 0.85/1.2, SAVEE and TESS 1. (Each corpus's
    /// acting style scales it again: TESS exaggerated, CREMA-D restrained.)
    public let intensity: Double
    /// Repetition number (RAVDESS 1 or 2; 1 elsewhere).
    public let repetition: Int

    /// The class label (`acted.emotion`: calm is labelled neutral).
    public var emotion: Emotion { acted.emotion }

    /// The corpus's native sampling rate, Hz (CREMA 16 000, RAVDESS 48 000, SAVEE 44 100, TESS 24 414).
    public var sampleRate: Int { corpus.nativeSampleRate ?? 16_000 }

    public init(relativePath: String, corpus: CorpusKind, speaker: String, sex: SpeakerSex, acted: ActedEmotion,
                sentence: String, intensity: Double, repetition: Int) {
        self.relativePath = relativePath
        self.corpus = corpus
        self.speaker = speaker
        self.sex = sex
        self.acted = acted
        self.sentence = sentence
        self.intensity = intensity
        self.repetition = repetition
    }
}
