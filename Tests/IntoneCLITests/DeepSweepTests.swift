import Foundation
import Testing
import IntoneTestSupport

/// `intone sweep` with deep networks beside classic estimators, as separate processes: the same
/// best.json in one process, on local workers and through a coordinator whose workers form rings of
/// two (one of them killed mid-trial); a killed sweep resumes with the same promotions and without
/// training a finished epoch again; a deep winner's model folder is the one `predict` loads.
@Suite(.serialized)
struct DeepSweepTests {
    /// Three deep candidates and a classic one, two workers per trial, ASHA over rungs of 2, 4 and 8 epochs.
    static let spec = """
        seed: 0
        cv: 2
        workers_per_trial: 2
        pruning: {scheduler: asha, grace_period: 2, reduction_factor: 2}
        estimators:
          sgd:
            loss: [log_loss]
            alpha: [0.001]
          default:
            filters: [8, 16]
            epochs: 8
            batch_size: 64
            patience: 3
          cnn-lstm:
            filters: [8]
            pool_size: 2
            units: [16]
            dense_units: 16
            epochs: 8
            batch_size: 64
        """

    /// The spec with one more `default` grid point (before the cnn-lstm in spec order).
    static let extended = spec.replacingOccurrences(of: "filters: [8, 16]", with: "filters: [8, 16, 12]")

    static let fixture: (dir: TemporaryDirectory, spec: String, extended: String, whole: String) = {
        let dir = try! TemporaryDirectory()
        try! spec.write(toFile: dir.file("deep.yaml"), atomically: true, encoding: .utf8)
        try! extended.write(toFile: dir.file("extended.yaml"), atomically: true, encoding: .utf8)
        // The reference: in this process, two threads.
        try! IntoneProcess.succeed(["sweep", "--spec", dir.file("deep.yaml"), "--store", SharedCorpus.store, "--out", dir.file("whole"),
                                    "--jobs", "2", "--quiet"])
        return (dir, dir.file("deep.yaml"), dir.file("extended.yaml"), dir.file("whole"))
    }()

    static func bytes(_ path: String) -> Data { (try? Data(contentsOf: URL(fileURLWithPath: path))) ?? Data() }
    static func text(_ path: String) -> String { (try? String(contentsOfFile: path, encoding: .utf8)) ?? "" }

    /// trials.csv rows of deep trials (a `workers` column filled in).
    static func deepRows(_ run: String) -> [[String]] {
        text(run + "/trials.csv").split(separator: "\n").dropFirst().map { line in
            // The parameters column is quoted JSON with commas: split off the last four columns.
            let fields = line.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            return Array(fields.suffix(4))
        }.filter { !$0[2].isEmpty }
    }

    /// Epochs each trial folder had checkpointed (RUN/deep/NAME/checkpoint/checkpoint.json).
    static func checkpointedEpochs(_ run: String) -> [String: Int] {
        var out: [String: Int] = [:]
        for name in (try? FileManager.default.contentsOfDirectory(atPath: run + "/deep")) ?? [] {
            let path = "\(run)/deep/\(name)/checkpoint/checkpoint.json"
            guard let json = try? JSONSerialization.jsonObject(with: bytes(path)) as? [String: Any], let done = json["epochs_done"] as? Int else { continue }
            out[name] = done
        }
        return out
    }

    /// The epochs each trial folder trained in a log: "NAME: trained epochs A-B of …" lines.
    static func trainedEpochs(_ log: String) -> [(folder: String, first: Int, last: Int)] {
        log.split(separator: "\n").compactMap { line in
            guard let r = line.range(of: ": trained epochs ") else { return nil }
            let folder = String(line[..<r.lowerBound].split(separator: " ").last ?? "")
            let span = line[r.upperBound...].prefix { $0 != " " }.split(separator: "-").compactMap { Int($0) }
            return span.count == 2 ? (folder, span[0], span[1]) : nil
        }
    }

    static func waitUntil(_ seconds: Double, _ condition: () -> Bool) -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if condition() { return true }
            Thread.sleep(forTimeInterval: 0.01)
        }
        return false
    }

    @Test func theWholeSweepWritesDeepTrialsAndALoadableWinner() throws {
        let f = Self.fixture
        let json = try JSONSerialization.jsonObject(with: Self.bytes(f.whole + "/best.json")) as! [String: Any]
        let estimators = json["estimators"] as! [String: Any]
        #expect(Set(estimators.keys) == ["sgd", "default", "cnn-lstm"])
        let deep = json["deep"] as! [String: Any]
        #expect(deep["workers_per_trial"] as? Int == 2 && deep["candidates"] as? Int == 3)
        #expect(deep["pruning"] as? String == "asha(grace_period=2, reduction_factor=2)")
        #expect((deep["pruned"] as! Int) + (deep["trained_to_the_end"] as! Int) == 3)
        #expect((deep["epochs_trained"] as! Int) <= (deep["epochs_without_pruning"] as! Int))
        // Every deep row says it ran on two workers; rungs 1..3 at 2, 4 and 8 epochs.
        let rows = Self.deepRows(f.whole)
        #expect(!rows.isEmpty && rows.allSatisfy { $0[2] == "2" })
        #expect(Set(rows.map { $0[3] }).isSubset(of: ["0", "1", "2"]))
        for name in ["report.md", "learning-curves.svg", "model/model.json", "refit/default/metrics.json", "refit/cnn-lstm/metrics.json"] {
            #expect(FileManager.default.fileExists(atPath: f.whole + "/" + name), "\(name)")
        }
        #expect(Self.text(f.whole + "/report.md").contains("## Deep trials"))
        // The winner's model folder, classic or deep, is the one predict loads.
        let clip = SharedCorpus.corpus + "/Savee/DC_a01.wav"
        let predicted = try IntoneProcess.succeed(["predict", "--model", f.whole + "/model", clip])
        #expect(predicted.stdout.hasPrefix("file,label,angry,disgust,fear,happy,neutral,sad,surprise\n\(clip),"))
    }

    @Test func localWorkersGiveTheSameBestJSON() throws {
        let f = Self.fixture
        try IntoneProcess.succeed(["sweep", "--spec", f.spec, "--store", SharedCorpus.store, "--out", f.dir.file("local"), "--local-workers", "2", "--quiet"])
        #expect(Self.bytes(f.dir.file("local/best.json")) == Self.bytes(f.whole + "/best.json"))
        #expect(Self.bytes(f.dir.file("local/model/model.json")) == Self.bytes(f.whole + "/model/model.json"))
    }

    /// Three workers, rings of two: the first ring's first worker is killed mid-trial; that trial
    /// rolls back to its last finished epoch on the worker left, and the sweep ends the same.
    @Test func aWorkerKilledMidTrialChangesNothing() throws {
        let f = Self.fixture
        let endpoint = "ipc://" + f.dir.file("deep.sock")
        let log = f.dir.file("coordinator.log")
        let job = try IntoneProcess.start(["sweep", "--spec", f.spec, "--store", SharedCorpus.store, "--out", f.dir.file("cluster"),
                                           "--bind", endpoint, "--wait-for-workers", "60", "--step-timeout", "3"], log: log)
        let workers = try (1...3).map { i in
            try IntoneProcess.start(["worker", "--connect", endpoint, "--jobs", "1", "--name", "w\(i)", "--ring-bind", "tcp://127.0.0.1:*", "--quiet"])
        }
        defer { for p in [job] + workers where p.isRunning { kill(p.processIdentifier, SIGKILL); p.waitUntilExit() } }
        // Once a ring of two trains a trial, kill its first worker.
        var victim: String?
        #expect(Self.waitUntil(120) {
            guard let line = Self.text(log).split(separator: "\n").last(where: { $0.contains("ring of 2 workers: ") }) else { return false }
            victim = line.components(separatedBy: "ring of 2 workers: ").last?.split(separator: " ").first.map(String.init)
            return victim != nil
        })
        let index = victim.flatMap { v in (1...3).first { "w\($0)" == v } }
        #expect(index != nil, "no ring worker in the log")
        if let index {
            kill(workers[index - 1].processIdentifier, SIGKILL)
            workers[index - 1].waitUntilExit()
        }
        #expect(Self.waitUntil(300) { !job.isRunning }, "the sweep did not finish")
        #expect(job.terminationStatus == 0, "\(Self.text(log))")
        #expect(Self.text(log).contains("worker \(victim ?? "?") lost"))
        #expect(Self.bytes(f.dir.file("cluster/best.json")) == Self.bytes(f.whole + "/best.json"))
    }

    /// A job sent to a running `intone coordinator` with `--cluster`: kill -9 of the coordinator while
    /// rings train, restarted on the same endpoint; the workers and the job reconnect, the broken
    /// epochs are rolled back, and best.json is the one of a run in one process.
    @Test func theCoordinatorKilledMidTrialChangesNothing() throws {
        let f = Self.fixture
        let endpoint = "ipc://" + f.dir.file("service.sock")
        let service = ["coordinator", "--bind", endpoint, "--run", f.dir.file("service"), "--quiet"]
        var coordinator = try IntoneProcess.start(service)
        let workers = try (1...2).map { i in
            try IntoneProcess.start(["worker", "--connect", endpoint, "--jobs", "1", "--name", "s\(i)", "--ring-bind", "tcp://127.0.0.1:*", "--quiet"])
        }
        let run = f.dir.file("through-service")
        let log = f.dir.file("through-service.log")
        let job = try IntoneProcess.start(["sweep", "--spec", f.spec, "--store", SharedCorpus.store, "--out", run, "--cluster", endpoint,
                                           "--wait-for-workers", "60", "--step-timeout", "3"], log: log)
        var all = [coordinator, job] + workers
        defer { for p in all where p.isRunning { kill(p.processIdentifier, SIGKILL); p.waitUntilExit() } }
        #expect(Self.waitUntil(120) { Self.deepRows(run).count >= 3 || !job.isRunning })
        kill(coordinator.processIdentifier, SIGKILL)
        coordinator.waitUntilExit()
        #expect(job.isRunning, "the sweep finished before the coordinator was killed")
        coordinator = try IntoneProcess.start(service)
        all.append(coordinator)
        #expect(Self.waitUntil(300) { !job.isRunning }, "the sweep did not finish")
        #expect(job.terminationStatus == 0, "\(Self.text(log))")
        #expect(Self.bytes(run + "/best.json") == Self.bytes(f.whole + "/best.json"))
    }

    /// kill -9 of the job (which runs the coordinator of its local workers) mid-sweep; the resumed
    /// sweep trains no epoch a checkpoint already held, makes the same promotions and ends the same.
    @Test func aKilledDeepSweepResumesWithoutRetrainingAnEpoch() throws {
        let f = Self.fixture
        let run = f.dir.file("resumed")
        let job = try IntoneProcess.start(["sweep", "--spec", f.spec, "--store", SharedCorpus.store, "--out", run, "--local-workers", "2", "--quiet"])
        #expect(Self.waitUntil(120) { Self.deepRows(run).count >= 3 || !job.isRunning })
        kill(job.processIdentifier, SIGKILL)
        job.waitUntilExit()
        #expect(!FileManager.default.fileExists(atPath: run + "/best.json"), "the sweep finished before it was killed")
        let held = Self.checkpointedEpochs(run)
        #expect(!held.isEmpty)
        let resumed = try IntoneProcess.run(["sweep", "--spec", f.spec, "--store", SharedCorpus.store, "--out", run, "--jobs", "2"])
        #expect(resumed.status == 0, "\(resumed.stderr)")
        let trained = Self.trainedEpochs(resumed.stderr)
        #expect(!trained.isEmpty, "the resumed sweep trained nothing")
        for t in trained {
            #expect(t.first > (held[t.folder] ?? 0), "\(t.folder) trained epoch \(t.first) again (checkpoint held \(held[t.folder] ?? 0))")
        }
        // The same rung results (the promotions) and the same artifact.
        let keys = { (r: String) in Set(Self.text(r + "/trials.csv").split(separator: "\n").dropFirst().map { $0.split(separator: ",")[0] }) }
        #expect(keys(run) == keys(f.whole))
        #expect(Self.bytes(run + "/best.json") == Self.bytes(f.whole + "/best.json"))
    }

    /// One more grid point: every finished rung is reused, no epoch of an earlier trial is trained again.
    @Test func extendingADeepSweepReusesEveryFinishedTrial() throws {
        let f = Self.fixture
        let run = f.dir.file("extend")
        try IntoneProcess.succeed(["sweep", "--spec", f.spec, "--store", SharedCorpus.store, "--out", run, "--jobs", "2", "--quiet"])
        let held = Self.checkpointedEpochs(run)
        let rowsBefore = Set(Self.text(run + "/trials.csv").split(separator: "\n").dropFirst())
        let extended = try IntoneProcess.succeed(["sweep", "--spec", f.extended, "--store", SharedCorpus.store, "--out", run, "--jobs", "2"])
        let rowsAfter = Self.text(run + "/trials.csv").split(separator: "\n").dropFirst()
        #expect(rowsBefore.isSubset(of: Set(rowsAfter)))
        #expect(rowsAfter.count == Set(rowsAfter).count)
        let trained = Self.trainedEpochs(extended.stderr)
        #expect(trained.contains { held[$0.folder] == nil }, "the new candidate did not train")
        for t in trained where held[t.folder] != nil {
            #expect(t.first > held[t.folder]!, "\(t.folder) trained epoch \(t.first) again")
        }
        let json = try JSONSerialization.jsonObject(with: Self.bytes(run + "/best.json")) as! [String: Any]
        #expect((json["deep"] as! [String: Any])["candidates"] as? Int == 4)
    }
}
