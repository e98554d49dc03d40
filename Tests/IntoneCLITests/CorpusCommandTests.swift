import Foundation
import Testing
import IntoneTestSupport
import IntoneFormats

/// `intone corpus synth`, `corpus scan` and `extract` as separate processes on the small synthetic corpus.
@Suite(.serialized)
struct CorpusCommandTests {
    @Test func synthScanAndExtractAgreeAndKeepSpeakersApart() throws {
        let dir = try TemporaryDirectory()
        defer { dir.cleanup() }
        let synth = try IntoneProcess.succeed(["corpus", "synth", "--out", dir.file("corpus"), "--quiet"])
        #expect(synth.stdout.contains("synth: wrote 528 files"))
        let scan = try IntoneProcess.succeed(["corpus", "scan", dir.file("corpus")])
        #expect(scan.stdout.contains("528 recordings, 0 skipped"))
        #expect(scan.stdout.contains("tess: OAF (56), YAF (56)"))
        let extract = try IntoneProcess.succeed(["extract", "--data", dir.file("corpus"), "--out", dir.file("store"), "--quiet"])
        #expect(extract.stdout.contains("extract: 528 examples"))
        let manifest = try CSV.parse(String(contentsOfFile: dir.file("store/manifest.csv"), encoding: .utf8))
        #expect(manifest.count == 529)
        var splitsOfSpeaker: [String: Set<String>] = [:]
        for row in manifest.dropFirst() { splitsOfSpeaker["\(row[1])/\(row[2])", default: []].insert(row[5]) }
        #expect(splitsOfSpeaker.count == 16)
        #expect(splitsOfSpeaker.values.allSatisfy { $0.count == 1 })
    }

    @Test func extractKilledMidwayResumesToTheSameStore() throws {
        let dir = try TemporaryDirectory()
        defer { dir.cleanup() }
        try IntoneProcess.succeed(["corpus", "synth", "--out", dir.file("corpus"), "--quiet"])
        let arguments = ["extract", "--data", dir.file("corpus"), "--augment", "--jobs", "1", "--quiet"]
        try IntoneProcess.succeed(arguments + ["--out", dir.file("whole")])

        // Interrupt a second run once some features exist, then run it again.
        let process = try IntoneProcess.start(arguments + ["--out", dir.file("resumed")])
        let deadline = Date().addingTimeInterval(60)
        while Date() < deadline {
            let written = (FileManager.default.enumerator(atPath: dir.file("resumed/features"))?.allObjects.count) ?? 0
            if written > 50 { break }
            Thread.sleep(forTimeInterval: 0.02)
        }
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        #expect(!FileManager.default.fileExists(atPath: dir.file("resumed/manifest.csv")), "the run finished before it was killed")
        let again = try IntoneProcess.succeed(arguments + ["--out", dir.file("resumed")])
        #expect(again.stdout.contains("reused"))
        #expect(!again.stdout.contains(" 0 reused"))
        let whole = treeContents(dir.file("whole")), resumed = treeContents(dir.file("resumed"))
        #expect(whole.count > 528)
        #expect(Set(whole.keys) == Set(resumed.keys))
        #expect(whole == resumed)
    }

    @Test func storeWithOtherParametersIsRefusedByTheCommand() throws {
        let dir = try TemporaryDirectory()
        defer { dir.cleanup() }
        try IntoneProcess.succeed(["corpus", "synth", "--out", dir.file("corpus"), "--quiet"])
        try IntoneProcess.succeed(["extract", "--data", dir.file("corpus"), "--out", dir.file("store"), "--quiet"])
        let again = try IntoneProcess.run(["extract", "--data", dir.file("corpus"), "--out", dir.file("store"), "--n-mfcc", "20", "--quiet"])
        #expect(again.status != 0)
        #expect(again.stderr.contains("was made with other feature parameters (this run ≠ store: n_mfcc 20 ≠ 40)"))
    }
}
