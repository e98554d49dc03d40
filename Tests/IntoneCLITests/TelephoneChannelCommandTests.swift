import Foundation
import Testing
import IntoneTestSupport

/// `intone extract --channel telephone`: two telephone copies (mu-law, A-law) of every training clip,
/// none of validation or test clips, named in the manifest's augmentation column and resumable; `corpus synth
/// --calls-encoding alaw` writes A-law calls.
struct TelephoneChannelCommandTests {
    @Test func telephoneStoreHasTwoChannelCopiesPerTrainingClip() throws {
        let dir = try TemporaryDirectory()
        defer { dir.cleanup() }
        let args = ["extract", "--data", SharedCorpus.corpus, "--out", dir.file("store"), "--channel", "telephone", "--quiet"]
        try IntoneProcess.succeed(args)
        let rows = try String(contentsOfFile: dir.file("store/manifest.csv"), encoding: .utf8).split(separator: "\n").dropFirst()
            .map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
        // path,corpus,speaker,label,source_label,split,augmentation,...
        let originals = rows.filter { $0[6] == "none" }
        let train = originals.filter { $0[5] == "train" }
        let copies = rows.filter { $0[6] != "none" }
        #expect(copies.count == 2 * train.count)
        #expect(copies.allSatisfy { $0[5] == "train" && ($0[6].hasPrefix("mulaw-snr") || $0[6].hasPrefix("alaw-snr")) })
        #expect(copies.filter { $0[6].hasPrefix("mulaw") }.count == train.count)
        // Resumed: nothing computed again.
        let again = try IntoneProcess.succeed(args)
        #expect(again.stdout.contains(" 0 computed, \(rows.count) reused"), "\(again.stdout)")
    }

    @Test func aLawCallsAreWritten() throws {
        let dir = try TemporaryDirectory()
        defer { dir.cleanup() }
        try IntoneProcess.succeed(["corpus", "synth", "--out", dir.file("c"), "--calls", "1", "--calls-encoding", "alaw", "--quiet"])
        let header = try Data(contentsOf: URL(fileURLWithPath: dir.file("c-calls/call_001.wav"))).prefix(40)
        // WAVE fmt chunk: audio format 6 is A-law (7 would be mu-law).
        #expect(header[20] == 6)
    }
}

/// Test calls are one speaker each by default, several with `--calls-mixed-speakers` (truth.csv says which).
struct SyntheticCallSpeakerTests {
    @Test func eachCallIsOneSpeakerUnlessMixed() throws {
        let dir = try TemporaryDirectory()
        defer { dir.cleanup() }
        try IntoneProcess.succeed(["corpus", "synth", "--out", dir.file("one"), "--calls", "4", "--quiet"])
        try IntoneProcess.succeed(["corpus", "synth", "--out", dir.file("mixed"), "--calls", "4", "--calls-mixed-speakers", "--quiet"])
        func speakers(_ folder: String) throws -> [String: Set<String>] {
            var out: [String: Set<String>] = [:]
            let lines = try String(contentsOfFile: folder + "/truth.csv", encoding: .utf8).split(separator: "\n")
            #expect(lines.first == "file,start,end,label,speaker")
            for line in lines.dropFirst() {
                let f = line.split(separator: ",").map(String.init)
                out[f[0], default: []].insert(f[4])
            }
            return out
        }
        let one = try speakers(dir.file("one-calls")), mixed = try speakers(dir.file("mixed-calls"))
        #expect(one.count == 4 && one.values.allSatisfy { $0.count == 1 })
        #expect(mixed.values.contains { $0.count > 1 })
    }
}
