import IntoneRandom

/// The three parts of a dataset.
public enum SplitName: String, CaseIterable, Codable, Sendable, Comparable {
    case train, validation, test

    public static func < (a: SplitName, b: SplitName) -> Bool {
        allCases.firstIndex(of: a)! < allCases.firstIndex(of: b)!
    }
}

/// How recordings are divided into train / validation / test.
public enum SplitStrategy: Codable, Hashable, Sendable {
    /// No speaker in more than one split (the default, and the only honest estimate of accuracy on
    /// new speakers). Speakers are shuffled per corpus and dealt out by the fractions.
    case speakerIndependent(validation: Double = 0.15, test: Double = 0.15)
    /// Files dealt out at random, stratified by class, ignoring speakers: the seed tool's 60/20/20
    /// split, kept for comparison only. Speakers leak between splits, which inflates accuracy.
    case random(validation: Double = 0.2, test: Double = 0.2)

    /// The default: speaker-independent 70/15/15.
    public static let `default` = SplitStrategy.speakerIndependent()
}

/// Assigns every recording of a catalogue to a split, deterministically from a seed.
public enum DataSplitter {
    /// The split of each recording (same order as `recordings`).
    ///
    /// Speaker-independent: for each corpus, its speakers are shuffled (seeded) and dealt: with 3 or
    /// more speakers, validation and test each get `max(1, round(fraction × speakers))` and training the
    /// rest (at least one); with 2 speakers, one trains and one tests; a single speaker only trains.
    /// Recordings without a speaker (custom data) are each their own group.
    public static func assign(_ recordings: [LabelledRecording], strategy: SplitStrategy = .default, seed: UInt64) -> [SplitName] {
        switch strategy {
        case .speakerIndependent(let validation, let test):
            return speakerIndependent(recordings, validation: validation, test: test, seed: seed)
        case .random(let validation, let test):
            return random(recordings, validation: validation, test: test, seed: seed)
        }
    }

    static func speakerIndependent(_ recordings: [LabelledRecording], validation: Double, test: Double, seed: UInt64) -> [SplitName] {
        var splitOf: [String: SplitName] = [:]
        let byCorpus = Dictionary(grouping: recordings, by: \.corpus)
        for corpus in CorpusKind.allCases {
            guard let recs = byCorpus[corpus] else { continue }
            let speakers = Array(Set(recs.map(\.speakerKey))).sorted()
            var rng = SeededRandom(seed: seed, stream: "split/speakers/\(corpus.rawValue)")
            let order = rng.shuffled(speakers)
            let n = order.count
            var nTest = 0, nValidation = 0
            if n >= 3 {
                nTest = max(1, Int((test * Double(n)).rounded()))
                nValidation = max(1, Int((validation * Double(n)).rounded()))
                while nTest + nValidation > n - 1 {
                    if nValidation >= nTest && nValidation > 1 { nValidation -= 1 } else if nTest > 1 { nTest -= 1 } else { nValidation -= 1 }
                }
                if test == 0 { nTest = 0 }
                if validation == 0 { nValidation = 0 }
            } else if n == 2 && test > 0 {
                nTest = 1
            }
            for (i, speaker) in order.enumerated() {
                splitOf[speaker] = i < nTest ? .test : (i < nTest + nValidation ? .validation : .train)
            }
        }
        return recordings.map { splitOf[$0.speakerKey] ?? .train }
    }

    static func random(_ recordings: [LabelledRecording], validation: Double, test: Double, seed: UInt64) -> [SplitName] {
        var out = [SplitName](repeating: .train, count: recordings.count)
        var rng = SeededRandom(seed: seed, stream: "split/random")
        for emotion in Emotion.allCases {
            let indices = recordings.indices.filter { recordings[$0].emotion == emotion }
            let shuffled = rng.shuffled(indices)
            let nTest = Int((test * Double(shuffled.count)).rounded())
            let nValidation = Int((validation * Double(shuffled.count)).rounded())
            for (k, i) in shuffled.enumerated() {
                out[i] = k < nTest ? .test : (k < nTest + nValidation ? .validation : .train)
            }
        }
        return out
    }
}
