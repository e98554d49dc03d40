import Foundation
import Testing
import IntoneTestSupport
import IntoneCorpus
import IntoneFeatures
import IntoneFormats

/// The feature store: layout, resume, refusal to mix parameters, per-file errors.
struct FeatureStoreTests {
    /// A small corpus in the real naming conventions, made of copies of real fixture audio.
    static func makeCorpus(in dir: TemporaryDirectory) throws -> String {
        let root = dir.file("corpus")
        let sources = ["speech_22k.flac", "tones_16k.wav", "noise_44k.wav", "speech_8k_ulaw.wav"]
        var n = 0
        func place(_ relative: String) throws {
            let path = root + "/" + relative
            try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            try FileManager.default.copyItem(atPath: Fixtures.audio(sources[n % sources.count]), toPath: path)
            n += 1
        }
        for actor in ["1001", "1002", "1003", "1004"] {
            for emo in ["ANG", "SAD", "HAP"] { try place("Crema/\(actor)_DFA_\(emo)_XX.wav") }
        }
        for spk in ["DC", "JE", "JK"] { for code in ["a", "sa", "su"] { try place("Savee/\(spk)_\(code)01.wav") } }
        try "not audio at all".write(toFile: root + "/Crema/1004_TIE_NEU_XX.wav", atomically: true, encoding: .utf8)
        try FileManager.default.copyItem(atPath: Fixtures.audio("short_0p3s.wav"), toPath: root + "/Savee/KL_n01.wav")
        return root
    }

    @Test func storeHoldsEveryExampleWithItsSplitAndFeatures() throws {
        let dir = try TemporaryDirectory()
        defer { dir.cleanup() }
        let root = try Self.makeCorpus(in: dir)
        let (catalogue, _) = CatalogueScanner.scan([root])
        #expect(catalogue.recordings.count == 23)
        let job = FeatureExtractionJob(store: dir.file("store"), seed: 5)
        let summary = try job.run(catalogue: catalogue, jobs: 2)
        // The text file and the 0.3 s file (shorter than the 0.5 s offset) fail; the rest are stored.
        #expect(summary.rows == 21)
        #expect(summary.failed == 2)
        // Copies of the same audio share one features file: 4 distinct contents, computed once each.
        #expect(summary.computed == 4 && summary.reused == 0)

        let store = try FeatureStore(path: dir.file("store"))
        #expect(store.rows.count == 21)
        var splitsOfSpeaker: [String: Set<SplitName>] = [:]
        for row in store.rows {
            splitsOfSpeaker[row.speakerKey, default: []].insert(row.split)
            let m = try store.features(of: row)
            #expect(m.rows == 40)
            #expect(m.frames == row.frames)
            #expect(m.frames <= 130)
            #expect(row.sha256.count == 64)
        }
        #expect(splitsOfSpeaker.values.allSatisfy { $0.count == 1 })
        let errors = try String(contentsOfFile: dir.file("store/errors.csv"), encoding: .utf8)
        #expect(errors.contains("1004_TIE_NEU_XX.wav,not a readable audio file"))
        #expect(errors.contains("KL_n01.wav,offset 0.5 s is at or past the end of the audio (0.3 s long)"))

        // Features equal a direct computation with the same settings.
        let row = try #require(store.rows.first { $0.path.hasSuffix("1001_DFA_ANG_XX.wav") })
        let direct = try FeatureExtractor().mfcc(try AudioLoaderProxy.load(row.path))
        #expect(try store.features(of: row) == direct)
    }

    @Test func rerunReusesEverythingAndWritesTheSameManifest() throws {
        let dir = try TemporaryDirectory()
        defer { dir.cleanup() }
        let root = try Self.makeCorpus(in: dir)
        let (catalogue, _) = CatalogueScanner.scan([root])
        let job = FeatureExtractionJob(store: dir.file("store"), seed: 5)
        _ = try job.run(catalogue: catalogue, jobs: 2)
        let first = try Data(contentsOf: URL(fileURLWithPath: dir.file("store/manifest.csv")))
        // Remove two feature files as an interrupted run would have left them missing.
        let store = try FeatureStore(path: dir.file("store"))
        for row in store.rows.prefix(2) { try FileManager.default.removeItem(atPath: dir.file("store/" + row.features)) }
        let again = try job.run(catalogue: catalogue, jobs: 1)
        #expect(again.computed == 2 && again.reused == 2)
        #expect(try Data(contentsOf: URL(fileURLWithPath: dir.file("store/manifest.csv"))) == first)
    }

    @Test func storeWithOtherParametersIsRefused() throws {
        let dir = try TemporaryDirectory()
        defer { dir.cleanup() }
        let root = try Self.makeCorpus(in: dir)
        let (catalogue, _) = CatalogueScanner.scan([root])
        _ = try FeatureExtractionJob(store: dir.file("store"), seed: 5).run(catalogue: catalogue, jobs: 2)
        let other = FeatureExtractionJob(store: dir.file("store"), parameters: FeatureStoreParameters(features: FeatureParameters(nMFCC: 20)), seed: 5)
        let error = try #require(throws: FeatureStoreError.self) { try other.run(catalogue: catalogue, jobs: 2) }
        #expect(error.reason.contains("was made with other feature parameters (this run ≠ store: n_mfcc 20 ≠ 40)"))
    }

    @Test func manifestRoundTrips() throws {
        let row = FeatureStoreRow(path: "a, b/c.wav", corpus: .tess, speaker: "OAF", label: .surprise, sourceLabel: "ps", split: .validation,
                                  augmentation: "none", sha256: String(repeating: "a", count: 64), features: "features/aa/x.npy", frames: 130)
        let text = FeatureStoreManifest.encode([row])
        #expect(text.hasPrefix("path,corpus,speaker,label,source_label,split,augmentation,sha256,features,frames\n"))
        #expect(try FeatureStoreManifest.decode(text, file: "m.csv") == [row])
    }
}

import IntoneAudio

/// `librosa.load(path, sr=22050, offset=0.5, duration=3)` through Intone, for comparisons.
enum AudioLoaderProxy {
    static func load(_ path: String) throws -> [Float] {
        try AudioLoader.load(path: path, sampleRate: 22050, offset: 0.5, duration: 3).samples
    }
}
