import Foundation
import Testing
import IntoneTestSupport
import IntoneFormats

/// `intone extract --features mfcc-prosody` through a sweep and scoring of calls, the kinds a store
/// refuses, and `intone features --kind pyin`.
struct ProsodyCommandTests {
    @Test func aProsodyStoreTrainsAModelThatScoresCalls() throws {
        let dir = try TemporaryDirectory()
        defer { dir.cleanup() }
        try IntoneProcess.succeed(["extract", "--data", SharedCorpus.corpus, "--out", dir.file("store"), "--features", "mfcc-prosody", "--quiet"])
        let params = try String(contentsOfFile: dir.file("store/params.json"), encoding: .utf8)
        #expect(params.contains("\"kind\" : \"mfcc-prosody\""), "\(params)")
        let manifest = try CSVRows.read(dir.file("store/manifest.csv"))
        let first = try NPYFile.read(path: dir.file("store/" + manifest[0][8]))
        #expect(first.shape[0] == 43)
        // Rows 40-42: F0 semitones (0, or 14-51 for 60-500 Hz), voicing probability, level in dB.
        let frames = first.shape[1]
        let f0 = first.values[(40 * frames)..<(41 * frames)]
        #expect(f0.contains { $0 > 0 } && f0.allSatisfy { $0 == 0 || (14...51).contains($0) })
        #expect(first.values[(41 * frames)..<(42 * frames)].allSatisfy { (0...1).contains($0) })

        // The same folder with the default features is another store: refused, naming the difference.
        let other = try IntoneProcess.run(["extract", "--data", SharedCorpus.corpus, "--out", dir.file("store"), "--quiet"])
        #expect(other.status != 0 && other.stderr.contains("kind mfcc ≠ mfcc-prosody"), "\(other.stderr)")

        try "seed: 1\ncv: 3\nfeatures: mean_std\nnormalization: per_speaker\nestimators:\n  sgd:\n    loss: [log_loss]\n"
            .write(toFile: dir.file("spec.yaml"), atomically: true, encoding: .utf8)
        try IntoneProcess.succeed(["sweep", "--spec", dir.file("spec.yaml"), "--store", dir.file("store"), "--out", dir.file("sweep"), "--quiet"])
        let model = try String(contentsOfFile: dir.file("sweep/model/model.json"), encoding: .utf8)
        #expect(model.contains("mfcc-prosody"))
        try IntoneProcess.succeed(["score", "--model", dir.file("sweep/model"), "--out", dir.file("scores"), SharedCorpus.calls, "--quiet"])
        let windows = try CSVRows.read(dir.file("scores/windows.csv"))
        #expect(windows.count > 10)
        #expect(try CSVRows.read(dir.file("scores/calls.csv")).count == 3)
    }

    @Test func pitchTracksAreForFeatureFilesNotStores() throws {
        let dir = try TemporaryDirectory()
        defer { dir.cleanup() }
        let refused = try IntoneProcess.run(["extract", "--data", SharedCorpus.corpus, "--out", dir.file("store"), "--features", "pyin"])
        #expect(refused.status != 0)
        #expect(refused.stderr.contains("--features must be one of mfcc, mfcc-prosody, prosody, egemaps, mfcc-egemaps (pyin is for `intone features`)"), "\(refused.stderr)")

        try IntoneProcess.succeed(["features", "--kind", "pyin", "--summary", "none", "--offset", "0.5", "--duration", "3",
                                   "--out", dir.file("f"), Fixtures.audio("speech_22k.flac"), "--quiet"])
        let track = try NPYFile.read(path: dir.file("f/speech_22k.npy"))
        #expect(track.shape == [3, 130])
        // Row 0 is F0 with NaN where row 1 (voiced) is 0, as librosa.pyin's fill_na.
        for t in 0..<130 { #expect(track.values[t].isNaN == (track.values[130 + t] == 0)) }
    }
}
