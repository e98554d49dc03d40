import Foundation
import Testing
import IntoneTestSupport

/// One engine, every placement: each job (extract, sweep, score, train) run on worker processes
/// started by the job (`--local-workers`), on workers that connect to the job (`--bind`, the audio
/// shipped to them), and through a running `intone coordinator` (`--cluster`, the audio shipped)
/// writes the same bytes as the same job on threads of its own process.
@Suite(.serialized)
struct PlacementEquivalenceTests {
    enum Where: String, CaseIterable, Sendable, CustomTestStringConvertible {
        case localWorkers = "local-workers", bind, cluster
        var testDescription: String { rawValue }
    }

    static let spec = """
        seed: 2
        cv: 3
        features: mean_std
        estimators:
          sgd:
            alpha: [0.001, 0.01]
          random_forest:
            n_estimators: [20]
        """

    /// No dropout and no batch normalisation: the shards of a step are computed the same way here
    /// and on a ring of two workers, so the bytes agree (docs/TRAINING.md).
    static let config = """
        name: placements
        input: frames
        frames: 130
        conv: {layers: 1, filters: 8, kernel_size: 5, pool_size: 2, padding: same, batch_norm: false, activation: elu}
        lstm: {layers: 1, units: 8}
        dense: {layers: 1, units: 16, activation: elu}
        dropout: 0
        optimizer: adam
        epochs: 2
        batch_size: 64
        reduce_lr: false
        early_stopping: false
        seed: 8
        """

    /// What the four jobs wrote that must not depend on where their tasks ran (timings excluded:
    /// trials.csv's fit seconds, metrics.json's seconds per epoch, the reports that quote them).
    struct Outputs: Equatable {
        var store: [String: Data]
        var sweep: [String: Data]
        var scores: [String: Data]
        var training: [String: Data]
    }

    /// Runs the four jobs in `dir`, each with `placement` arguments from `arguments(job)`, around
    /// `around` (which starts and stops whatever the placement needs).
    static func runJobs(in dir: TemporaryDirectory, arguments: (String) throws -> [String],
                        around: (String, () throws -> Void) throws -> Void = { _, job in try job() }) throws -> Outputs {
        try spec.write(toFile: dir.file("spec.yaml"), atomically: true, encoding: .utf8)
        try config.write(toFile: dir.file("config.yaml"), atomically: true, encoding: .utf8)
        let jobs: [(String, [String])] = [
            ("extract", ["extract", "--data", SharedCorpus.corpus, "--out", dir.file("store"), "--quiet"]),
            ("sweep", ["sweep", "--spec", dir.file("spec.yaml"), "--store", dir.file("store"), "--out", dir.file("sweep"), "--quiet"]),
            ("score", ["score", "--model", dir.file("sweep/model"), "--out", dir.file("scores"), "--quiet",
                       SharedCorpus.calls + "/call_001.wav", SharedCorpus.calls + "/call_002.wav", brokenCall]),
            ("train", ["train", "--config", dir.file("config.yaml"), "--store", dir.file("store"), "--out", dir.file("train"), "--shards", "2",
                       "--threads", "1", "--quiet"]),
        ]
        for (name, command) in jobs {
            let placed = command + (try arguments(name))
            try around(name) {
                let out = try IntoneProcess.run(placed)
                // A broken call makes `score` exit 1 after writing everything else.
                if out.status != 0 && !(name == "score" && out.status == 1) { throw CLIFailure(arguments: command, output: out) }
            }
        }
        func files(_ root: String, _ names: [String]) -> [String: Data] {
            treeContents(root).filter { path, _ in names.contains { path == $0 || path.hasPrefix($0 + "/") } }
        }
        return Outputs(store: treeContents(dir.file("store")),
                       sweep: files(dir.file("sweep"), ["best.json", "folds.csv", "model"]),
                       scores: files(dir.file("scores"), ["windows.jsonl", "windows.csv", "calls.csv", "errors.csv", "results"]),
                       training: files(dir.file("train"), ["history.csv", "model"]))
    }

    /// A file that is not audio, scored beside the calls (its error row names it, so it is one
    /// path for every placement).
    static let brokenCall: String = {
        let dir = try! TemporaryDirectory()
        try! Data("not audio".utf8).write(to: URL(fileURLWithPath: dir.file("broken.wav")))
        return dir.file("broken.wav")
    }()

    static let onThreads: Outputs = {
        let dir = try! TemporaryDirectory()
        return try! runJobs(in: dir, arguments: { _ in [] })
    }()

    static func workers(_ endpoint: String, _ dir: TemporaryDirectory, tag: String) throws -> [Process] {
        try (1...2).map {
            try IntoneProcess.start(["worker", "--connect", endpoint, "--jobs", "1", "--name", "\(tag)-w\($0)", "--ring-bind", "tcp://127.0.0.1:*", "--quiet"],
                                    directory: dir.path)
        }
    }

    static func stop(_ processes: [Process]) {
        for p in processes where p.isRunning { kill(p.processIdentifier, SIGTERM) }
        for p in processes {
            let deadline = Date().addingTimeInterval(10)
            while p.isRunning && Date() < deadline { Thread.sleep(forTimeInterval: 0.02) }
            if p.isRunning { kill(p.processIdentifier, SIGKILL) }
            p.waitUntilExit()
        }
    }

    @Test(arguments: Where.allCases)
    func jobGivesTheSameBytesOnEveryPlacement(_ placement: Where) throws {
        let expected = Self.onThreads
        #expect(expected.store["manifest.csv"] != nil && expected.sweep["best.json"] != nil && expected.training["history.csv"] != nil)
        #expect(expected.scores["errors.csv"].map { String(decoding: $0, as: UTF8.self).contains("broken.wav") } == true)
        let dir = try TemporaryDirectory()
        defer { dir.cleanup() }
        let outputs: Outputs
        switch placement {
        case .localWorkers:
            outputs = try Self.runJobs(in: dir, arguments: { _ in ["--local-workers", "2"] })
        case .bind:
            // Each job is its own coordinator; its workers (in an empty folder of their own, so the
            // audio must travel) stop when it ends.
            let workerDir = try TemporaryDirectory()
            defer { workerDir.cleanup() }
            outputs = try Self.runJobs(in: dir, arguments: { job in ["--bind", "ipc://" + dir.file("\(job).sock"), "--wait-for-workers", "60"] },
                                       around: { job, run in
                                           let w = try Self.workers("ipc://" + dir.file("\(job).sock"), workerDir, tag: job)
                                           defer { Self.stop(w) }
                                           try run()
                                       })
        case .cluster:
            let endpoint = "ipc://" + dir.file("coordinator.sock")
            let coordinator = try IntoneProcess.start(["coordinator", "--bind", endpoint, "--run", dir.file("coordinator"), "--quiet"])
            let workerDir = try TemporaryDirectory()
            defer { workerDir.cleanup() }
            let w = try Self.workers(endpoint, workerDir, tag: "service")
            defer { Self.stop(w + [coordinator]) }
            outputs = try Self.runJobs(in: dir, arguments: { _ in ["--cluster", endpoint, "--wait-for-workers", "60"] })
        }
        for (name, got, want) in [("store", outputs.store, expected.store), ("sweep", outputs.sweep, expected.sweep),
                                  ("scores", outputs.scores, expected.scores), ("training", outputs.training, expected.training)] {
            let differ = Set(got.keys).union(want.keys).filter { got[$0] != want[$0] }.sorted()
            #expect(differ.isEmpty, "\(placement.rawValue): \(name) differs in \(differ.prefix(5))")
        }
    }
}
