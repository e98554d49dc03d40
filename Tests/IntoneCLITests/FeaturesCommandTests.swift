import Foundation
import Testing
import IntoneTestSupport
import IntoneFormats

/// `intone features` run as a separate process on real files.
struct FeaturesCommandTests {
    @Test func writesOneNpyPerInputNamedAfterIt() throws {
        let dir = try TemporaryDirectory()
        defer { dir.cleanup() }
        let out = dir.path
        let result = try IntoneProcess.run([
            "features", "--summary", "none", "--offset", "0.5", "--duration", "3", "--out", out,
            Fixtures.audio("speech_22k.flac"), Fixtures.audio("speech_8k_ulaw.wav"),
        ])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("features: 2 written, 0 failed"))
        for stem in ["speech_22k", "speech_8k_ulaw"] {
            let ours = try NPYFile.read(path: out + "/\(stem).npy")
            let ref = try NPYFile.read(path: Fixtures.referencePath("\(stem).mfcc"))
            #expect(ours.shape == [40, 130])
            #expect(ours.shape == ref.shape)
            var diff: Float = 0
            for i in ours.values.indices { diff = max(diff, abs(ours.values[i] - ref.values[i])) }
            #expect(diff <= 0.01, "\(stem): max |Δ| \(diff)")
        }
    }

    @Test func badFileIsReportedAndOthersAreStillWritten() throws {
        let dir = try TemporaryDirectory()
        defer { dir.cleanup() }
        let out = dir.path
        let bogus = out + "/bogus.wav"
        try "not audio".write(toFile: bogus, atomically: true, encoding: .utf8)
        let result = try IntoneProcess.run([
            "features", "--out", out + "/feats", bogus, Fixtures.audio("tones_16k.wav"),
            Fixtures.audio("short_0p3s.wav"), "--offset", "0.5",
        ])
        #expect(result.status == 1)
        #expect(result.stderr.contains("intone: error: \(bogus): not a readable audio file ("))
        #expect(result.stderr.contains("short_0p3s.wav: offset 0.5 s is at or past the end of the audio (0.3 s long)"))
        #expect(result.stdout.contains("features: 1 written, 2 failed"))
        let mean = try NPYFile.read(path: out + "/feats/tones_16k.npy")
        #expect(mean.shape == [40])
        #expect(!FileManager.default.fileExists(atPath: out + "/feats/bogus.npy"))
    }

    @Test func fixedFrameCountPadsAndCuts() throws {
        let dir = try TemporaryDirectory()
        defer { dir.cleanup() }
        let out = dir.path
        let result = try IntoneProcess.run([
            "features", "--kind", "mel-db", "--summary", "none", "--frames", "50", "--out", out,
            Fixtures.audio("stereo_48k.wav"), Fixtures.audio("tones_16k.wav"),
        ])
        #expect(result.status == 0, "\(result.stderr)")
        let short = try NPYFile.read(path: out + "/stereo_48k.npy")   // 1 s → 44 frames, padded
        let long = try NPYFile.read(path: out + "/tones_16k.npy")    // 2.5 s → 108 frames, cut
        #expect(short.shape == [128, 50] && long.shape == [128, 50])
        #expect(short.values[49] == 0 && short.values[43] != 0)
    }

    @Test func sameFileNameTwiceIsAnErrorNotAnOverwrite() throws {
        let dir = try TemporaryDirectory()
        defer { dir.cleanup() }
        let out = dir.path
        try FileManager.default.createDirectory(atPath: out + "/b", withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: Fixtures.audio("tones_16k.wav"), toPath: out + "/b/tones_16k.wav")
        let result = try IntoneProcess.run(["features", "--out", out + "/f", Fixtures.audio("tones_16k.wav"), out + "/b/tones_16k.wav"])
        #expect(result.status == 1)
        #expect(result.stderr.contains("would overwrite the features of"))
    }

    @Test func invalidOptionsAreRefusedWithTheReason() throws {
        let result = try IntoneProcess.run(["features", "--n-mfcc", "300", "--out", "/tmp/x", Fixtures.audio("tones_16k.wav")])
        #expect(result.status != 0)
        #expect(result.stderr.contains("n_mfcc must be between 1 and n_mels = 128 (got 300)"))
    }

    @Test func helpShowsAnExample() throws {
        let result = try IntoneProcess.run(["features", "--help"])
        #expect(result.status == 0)
        #expect(result.stdout.contains("intone features --out feats/ calls/*.wav"))
        #expect(result.stdout.contains("--kind"))
    }
}
