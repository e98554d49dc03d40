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
