/// What `SyntheticCorpus.generate` wrote: counts per corpus and class, and how much audio.
public struct SynthesisReport: Equatable, Sendable, CustomStringConvertible {
    public let seed: UInt64
    public let scale: SynthesisScale
    /// Files written.
    public let files: Int
    /// Files per corpus.
    public let filesPerCorpus: [CorpusKind: Int]
    /// Files per class label (RAVDESS calm counted as neutral).
    public let filesPerClass: [Emotion: Int]
    /// Files per corpus and class label.
    public let filesPerCorpusAndClass: [CorpusKind: [Emotion: Int]]
    /// Total duration of the audio written, seconds.
    public let audioSeconds: Double
    /// Duration per corpus, seconds.
    public let audioSecondsPerCorpus: [CorpusKind: Double]

    /// A report on `files`, whose durations are `seconds` (same order; extra files count zero seconds).
    public init(seed: UInt64, scale: SynthesisScale, files: [PlannedFile], seconds: [Double]) {
        self.seed = seed
        self.scale = scale
        self.files = files.count
        var perCorpus: [CorpusKind: Int] = [:], perClass: [Emotion: Int] = [:]
        var perBoth: [CorpusKind: [Emotion: Int]] = [:], secondsPerCorpus: [CorpusKind: Double] = [:]
        for (i, file) in files.enumerated() {
            perCorpus[file.corpus, default: 0] += 1
            perClass[file.emotion, default: 0] += 1
            perBoth[file.corpus, default: [:]][file.emotion, default: 0] += 1
            secondsPerCorpus[file.corpus, default: 0] += i < seconds.count ? seconds[i] : 0
        }
        filesPerCorpus = perCorpus
        filesPerClass = perClass
        filesPerCorpusAndClass = perBoth
        audioSecondsPerCorpus = secondsPerCorpus
        audioSeconds = seconds.reduce(0, +)
    }

    /// A table: one line per corpus with its files per class and its minutes of audio, then totals.
    public var description: String {
        let header = "corpus   " + Emotion.allCases.map { $0.rawValue.padding(8) }.joined() + "files   minutes"
        var lines = [header]
        for corpus in CorpusKind.allCases where filesPerCorpus[corpus] != nil {
            let counts = Emotion.allCases.map { String(filesPerCorpusAndClass[corpus]?[$0] ?? 0).padding(8) }.joined()
            let minutes = (audioSecondsPerCorpus[corpus] ?? 0) / 60
            lines.append(corpus.rawValue.padding(9) + counts + String(filesPerCorpus[corpus] ?? 0).padding(8)
                         + String((minutes * 10).rounded() / 10))
        }
        let totals = Emotion.allCases.map { String(filesPerClass[$0] ?? 0).padding(8) }.joined()
        lines.append("total".padding(9) + totals + String(files).padding(8) + String((audioSeconds / 6).rounded() / 10))
        return lines.joined(separator: "\n")
    }
}

/// A synthetic-corpus file or folder that could not be written; `description` is the one line the
/// command line prints, e.g. `data/synth/Crema/1001_DFA_ANG_XX.wav: Permission denied`.
public struct SynthesisError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The path concerned.
    public let file: String
    /// What went wrong.
    public let reason: String

    public init(file: String, reason: String) {
        self.file = file
        self.reason = reason
    }

    public var description: String { "\(file): \(reason)" }
}

private extension String {
    /// Left-aligned in `width` columns (at least one space after).
    func padding(_ width: Int) -> String {
        count >= width ? self + " " : self + String(repeating: " ", count: width - count)
    }
}
