import Foundation
import Testing
import IntoneFormats
import IntoneTestSupport

/// `intone sweep` and `intone predict` as separate processes on the small synthetic corpus.
@Suite(.serialized)
struct SweepCommandTests {
    static let quickSpec = Fixtures.root.deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("data/sweeps/quick.yaml").path

    /// The store made from the small synthetic corpus.
    static func makeStore(_ dir: TemporaryDirectory) throws -> String { SharedCorpus.store }

    @Test func sameSeedGivesByteIdenticalBestJSONWithOneOrTwoJobs() throws {
        let dir = try TemporaryDirectory()
        defer { dir.cleanup() }
        let store = try Self.makeStore(dir)
        let one = try IntoneProcess.succeed(["sweep", "--spec", Self.quickSpec, "--store", store, "--out", dir.file("a"), "--jobs", "1", "--quiet"])
        try IntoneProcess.succeed(["sweep", "--spec", Self.quickSpec, "--store", store, "--out", dir.file("b"), "--jobs", "2", "--quiet"])
        try IntoneProcess.succeed(["sweep", "--spec", Self.quickSpec, "--store", store, "--out", dir.file("c"), "--jobs", "2", "--quiet"])
        let a = try Data(contentsOf: URL(fileURLWithPath: dir.file("a/best.json")))
        #expect(a == (try Data(contentsOf: URL(fileURLWithPath: dir.file("b/best.json")))))
        #expect(a == (try Data(contentsOf: URL(fileURLWithPath: dir.file("c/best.json")))))
        #expect(one.stdout.contains("winner"))
        // The artifact has the documented fields.
        let json = try JSONSerialization.jsonObject(with: a) as! [String: Any]
        let winner = json["winner"] as! [String: Any]
        #expect(winner["estimator"] is String && winner["params"] is [String: Any])
        let cv = winner["cv"] as! [String: Any], test = winner["test"] as! [String: Any]
        #expect(cv["mean"] is Double && cv["std"] is Double)
        #expect(test["accuracy"] is Double && test["uar"] is Double && test["macro_f1"] is Double)
        let estimators = json["estimators"] as! [String: Any]
        #expect(Set(estimators.keys) == ["random_forest", "sgd", "hist_gradient_boosting", "bagging", "adaboost", "mlp"])
        for name in ["model/model.json", "trials.csv", "report.md", "confusion.svg", "estimators.svg", "spec.yaml"] {
            #expect(FileManager.default.fileExists(atPath: dir.file("a/" + name)), "\(name)")
        }
        // The saved model predicts from audio.
        let clip = SharedCorpus.corpus + "/Savee/DC_a01.wav"
        let predicted = try IntoneProcess.succeed(["predict", "--model", dir.file("a/model"), clip])
        #expect(predicted.stdout.hasPrefix("file,label,angry,disgust,fear,happy,neutral,sad,surprise\n\(clip),"))
    }

    @Test func killedSweepResumesWithoutRedoingTrialsAndEndsTheSame() throws {
        let dir = try TemporaryDirectory()
        defer { dir.cleanup() }
        let store = try Self.makeStore(dir)
        let args = ["sweep", "--spec", Self.quickSpec, "--store", store, "--jobs", "2", "--quiet"]
        try IntoneProcess.succeed(args + ["--out", dir.file("whole")])
        let process = try IntoneProcess.start(args + ["--out", dir.file("resumed")])
        let deadline = Date().addingTimeInterval(60)
        var lines = 0
        while Date() < deadline {
            lines = ((try? String(contentsOfFile: dir.file("resumed/trials.csv"), encoding: .utf8)) ?? "").split(separator: "\n").count
            if lines > 12 { break }
            Thread.sleep(forTimeInterval: 0.01)
        }
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        #expect(!FileManager.default.fileExists(atPath: dir.file("resumed/best.json")), "the sweep finished before it was killed")
        let before = Set(try String(contentsOfFile: dir.file("resumed/trials.csv"), encoding: .utf8).split(separator: "\n").dropFirst().map { $0.split(separator: ",")[0] })
        try IntoneProcess.succeed(args + ["--out", dir.file("resumed")])
        let after = try String(contentsOfFile: dir.file("resumed/trials.csv"), encoding: .utf8).split(separator: "\n").dropFirst().map { $0.split(separator: ",")[0] }
        // Every trial journaled before the kill is still there once, and none was run twice.
        #expect(before.isSubset(of: Set(after)))
        #expect(after.count == Set(after).count)
        #expect(after.count == 55)
        #expect(try Data(contentsOf: URL(fileURLWithPath: dir.file("resumed/best.json"))) == (try Data(contentsOf: URL(fileURLWithPath: dir.file("whole/best.json")))))
    }

    @Test func extendingTheGridReusesEveryTrialAlreadyDone() throws {
        let dir = try TemporaryDirectory()
        defer { dir.cleanup() }
        let store = try Self.makeStore(dir)
        let small = "seed: 0\ncv: 3\nestimators:\n  sgd:\n    alpha: [0.001]\n  random_forest:\n    n_estimators: [20]\n"
        let larger = "seed: 0\ncv: 3\nestimators:\n  sgd:\n    alpha: [0.001, 0.1]\n  random_forest:\n    n_estimators: [20, 40]\n"
        try small.write(toFile: dir.file("small.yaml"), atomically: true, encoding: .utf8)
        try larger.write(toFile: dir.file("larger.yaml"), atomically: true, encoding: .utf8)
        try IntoneProcess.succeed(["sweep", "--spec", dir.file("small.yaml"), "--store", store, "--out", dir.file("run"), "--quiet"])
        let first = try String(contentsOfFile: dir.file("run/trials.csv"), encoding: .utf8)
        try IntoneProcess.succeed(["sweep", "--spec", dir.file("larger.yaml"), "--store", store, "--out", dir.file("run"), "--quiet"])
        let second = try String(contentsOfFile: dir.file("run/trials.csv"), encoding: .utf8)
        #expect(second.hasPrefix(first))
        #expect(first.split(separator: "\n").count == 1 + 2 * 3)
        #expect(second.split(separator: "\n").count == 1 + 4 * 3)
    }

    @Test func invalidSpecIsRejectedBeforeAnyWork() throws {
        let dir = try TemporaryDirectory()
        defer { dir.cleanup() }
        try "estimators:\n  random_forest:\n    n_estimators: [10]\n    max_detph: [3]\n".write(toFile: dir.file("bad.yaml"), atomically: true, encoding: .utf8)
        let result = try IntoneProcess.run(["sweep", "--spec", dir.file("bad.yaml"), "--store", dir.file("nowhere"), "--out", dir.file("run")])
        #expect(result.status != 0)
        #expect(result.stderr.contains("bad.yaml:4: random_forest.max_detph: unknown parameter for random_forest"))
        #expect(!FileManager.default.fileExists(atPath: dir.file("run")))
    }

    /// A sweep's score is its scoring metric: the same run directory with another scoring is
    /// refused (it reused the trials and ranked by the old metric), and a second sweep writing a
    /// run directory while the first still does is refused too.
    @Test func aRunDirectoryIsNotSharedByOtherScoringOrAConcurrentSweep() throws {
        let dir = try TemporaryDirectory()
        defer { dir.cleanup() }
        let store = try Self.makeStore(dir)
        let uar = "seed: 0\ncv: 3\nestimators:\n  sgd:\n    alpha: [0.001]\n"
        try uar.write(toFile: dir.file("uar.yaml"), atomically: true, encoding: .utf8)
        try (uar + "scoring: accuracy\n").write(toFile: dir.file("accuracy.yaml"), atomically: true, encoding: .utf8)
        try IntoneProcess.succeed(["sweep", "--spec", dir.file("uar.yaml"), "--store", store, "--out", dir.file("run"), "--quiet"])
        let other = try IntoneProcess.run(["sweep", "--spec", dir.file("accuracy.yaml"), "--store", store, "--out", dir.file("run"), "--quiet"])
        #expect(other.status != 0 && other.stderr.contains("other settings (scoring accuracy ≠ uar)"), "\(other.stderr)")

        // Hold the run directory as a running sweep would (this test process is another process).
        let holder = try RunDirectoryLock(folder: dir.file("run"))
        defer { withExtendedLifetime(holder) {} }
        let second = try IntoneProcess.run(["sweep", "--spec", dir.file("uar.yaml"), "--store", store, "--out", dir.file("run"), "--quiet"])
        #expect(second.status != 0 && second.stderr.contains("another intone process is using this folder"), "\(second.stderr)")
    }
}
