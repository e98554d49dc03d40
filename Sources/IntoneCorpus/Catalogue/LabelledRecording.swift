/// One audio file with its emotion label and speaker, as a corpus catalogue lists it.
public struct LabelledRecording: Codable, Hashable, Sendable {
    /// Path of the audio file, as found under the scanned root (relative if the root was relative).
    public var path: String
    /// The corpus whose convention named the file.
    public var corpus: CorpusKind
    /// Speaker (actor) id within the corpus: `1001` (CREMA-D), `01` (RAVDESS), `DC` (SAVEE), `OAF` (TESS).
    /// Custom data without a speaker gets `nil`.
    public var speaker: String?
    /// The emotion class.
    public var emotion: Emotion
    /// The label as the corpus writes it (`ANG`, `02`/calm, `sa`, `ps`, a folder name...).
    public var sourceLabel: String
    /// `male` / `female` where the corpus says so (RAVDESS by actor parity, SAVEE all male, TESS all female).
    public var sex: String?

    public init(path: String, corpus: CorpusKind, speaker: String?, emotion: Emotion, sourceLabel: String, sex: String? = nil) {
        self.path = path
        self.corpus = corpus
        self.speaker = speaker
        self.emotion = emotion
        self.sourceLabel = sourceLabel
        self.sex = sex
    }

    /// The speaker as a group key unique across corpora (`crema/1001`); a recording without a speaker
    /// is its own group (`custom/file:<path>`), so splits can never put "its" speaker on both sides.
    public var speakerKey: String {
        if let speaker { return "\(corpus.rawValue)/\(speaker)" }
        return "\(corpus.rawValue)/file:\(path)"
    }
}

/// A file a scan did not catalogue, and why.
public struct SkippedFile: Codable, Hashable, Sendable {
    public var path: String
    public var reason: String

    public init(path: String, reason: String) {
        self.path = path
        self.reason = reason
    }
}

/// What a scan found: the labelled recordings (sorted by path) and the files it skipped.
public struct Catalogue: Codable, Sendable, Equatable {
    public var recordings: [LabelledRecording]
    public var skipped: [SkippedFile]

    public init(recordings: [LabelledRecording] = [], skipped: [SkippedFile] = []) {
        self.recordings = recordings
        self.skipped = skipped
    }

    /// Recordings per corpus and class.
    public func counts() -> [CorpusKind: [Emotion: Int]] {
        var out: [CorpusKind: [Emotion: Int]] = [:]
        for r in recordings { out[r.corpus, default: [:]][r.emotion, default: 0] += 1 }
        return out
    }

    /// Recordings per speaker key.
    public func speakerCounts() -> [String: Int] {
        var out: [String: Int] = [:]
        for r in recordings { out[r.speakerKey, default: 0] += 1 }
        return out
    }
}
