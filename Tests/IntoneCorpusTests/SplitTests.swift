import Testing
import IntoneCorpus

/// Splits never leak speakers, replay from the seed, and k-fold keeps groups whole.
struct SplitTests {
    /// A catalogue shaped like the four corpora: many CREMA speakers, 4 SAVEE, 2 TESS.
    static let recordings: [LabelledRecording] = {
        var out: [LabelledRecording] = []
        func add(_ corpus: CorpusKind, _ speakers: [String], _ emotions: [Emotion], each: Int) {
            for s in speakers { for e in emotions { for i in 0..<each {
                out.append(LabelledRecording(path: "\(corpus.rawValue)/\(s)_\(e.rawValue)_\(i).wav", corpus: corpus, speaker: s, emotion: e, sourceLabel: e.rawValue))
            } } }
        }
        add(.crema, (1001...1012).map(String.init), [.angry, .disgust, .fear, .happy, .neutral, .sad], each: 3)
        add(.ravdess, (1...6).map { String(format: "%02d", $0) }, Emotion.allCases, each: 2)
        add(.savee, ["DC", "JE", "JK", "KL"], Emotion.allCases, each: 2)
        add(.tess, ["OAF", "YAF"], Emotion.allCases, each: 3)
        return out
    }()

    @Test func noSpeakerIsInTwoSplits() {
        let splits = DataSplitter.assign(Self.recordings, seed: 7)
        var splitOfSpeaker: [String: Set<SplitName>] = [:]
        for (r, s) in zip(Self.recordings, splits) { splitOfSpeaker[r.speakerKey, default: []].insert(s) }
        #expect(splitOfSpeaker.values.allSatisfy { $0.count == 1 })
        // Every split is used, and each corpus with ≥ 3 speakers has test and validation speakers.
        #expect(Set(splits) == Set(SplitName.allCases))
        for corpus in [CorpusKind.crema, .ravdess, .savee] {
            let used = Set(zip(Self.recordings, splits).filter { $0.0.corpus == corpus }.map(\.1))
            #expect(used == Set(SplitName.allCases), "\(corpus)")
        }
        // TESS's two speakers: one trains, one tests.
        let tess = Set(zip(Self.recordings, splits).filter { $0.0.corpus == .tess }.map(\.1))
        #expect(tess == [.train, .test])
    }

    @Test func sameSeedSameSplitOtherSeedOther() {
        let a = DataSplitter.assign(Self.recordings, seed: 7)
        #expect(a == DataSplitter.assign(Self.recordings, seed: 7))
        #expect(a != DataSplitter.assign(Self.recordings, seed: 8))
    }

    @Test func randomSplitIsStratifiedAndLeaks() {
        let splits = DataSplitter.assign(Self.recordings, strategy: .random(), seed: 1)
        let n = Double(Self.recordings.count)
        let test = Double(splits.filter { $0 == .test }.count)
        #expect(abs(test / n - 0.2) < 0.02)
        var splitOfSpeaker: [String: Set<SplitName>] = [:]
        for (r, s) in zip(Self.recordings, splits) { splitOfSpeaker[r.speakerKey, default: []].insert(s) }
        #expect(splitOfSpeaker.values.contains { $0.count > 1 })
    }

    @Test func kFoldKeepsEachGroupInOneFoldAndBalancesClasses() {
        let recs = Self.recordings.filter { $0.corpus == .crema }
        let folds = GroupedStratifiedKFold.folds(labels: recs.map(\.emotion.index), groups: recs.map(\.speakerKey), k: 4, seed: 3)
        var foldOfGroup: [String: Set<Int>] = [:]
        for (r, f) in zip(recs, folds) { foldOfGroup[r.speakerKey, default: []].insert(f) }
        #expect(foldOfGroup.values.allSatisfy { $0.count == 1 })
        // 12 speakers with identical class counts → 3 speakers per fold.
        for f in 0..<4 { #expect(folds.filter { $0 == f }.count == recs.count / 4) }
        #expect(folds == GroupedStratifiedKFold.folds(labels: recs.map(\.emotion.index), groups: recs.map(\.speakerKey), k: 4, seed: 3))
    }

    @Test func balanceRemedies() {
        let labels: [Emotion] = [.angry, .angry, .angry, .angry, .sad, .sad, .happy]
        let w = ClassBalance.balancedWeights(labels)
        #expect(abs(w[.angry]! - 7.0 / 12.0) < 1e-12 && abs(w[.happy]! - 7.0 / 3.0) < 1e-12)
        let idx = ClassBalance.oversampledIndices(labels, seed: 1)
        #expect(Array(idx.prefix(7)) == Array(0..<7))
        let counts = ClassBalance.counts(idx.map { labels[$0] })
        #expect(counts == [.angry: 4, .sad: 4, .happy: 4])
    }
}
