import Foundation
import Testing
import IntoneFormats
import IntoneNeural
import IntoneModels
import IntoneTestSupport

/// `intone train` with its steps' shards on worker processes, both ways they exchange gradients (a
/// ring among the workers, the default; through the coordinator): the same arithmetic as one batch,
/// the same bytes as the shards computed here, and a finished run despite a worker killed mid-run.
@Suite(.serialized)
struct DataParallelTrainingTests {
    /// No dropout and no batch normalisation, so shards are exactly one batch's arithmetic (up to
    /// the order of additions). 292 training clips in batches of 64: 5 steps an epoch, 20 in all.
    static let config = """
        name: dp
        input: frames
        frames: 130
        conv: {layers: 2, filters: 16, kernel_size: 5, pool_size: 2, padding: same, batch_norm: false, activation: elu}
        lstm: {layers: 1, units: 16}
        dense: {layers: 1, units: 32, activation: elu}
        dropout: 0
        optimizer: adam
        epochs: 4
        batch_size: 64
        reduce_lr: false
        early_stopping: false
        seed: 5
        """

    static let fixture: (dir: TemporaryDirectory, store: String, config: String) = {
        let dir = try! TemporaryDirectory()
        try! config.write(toFile: dir.file("dp.yaml"), atomically: true, encoding: .utf8)
        return (dir, SharedCorpus.store, dir.file("dp.yaml"))
    }()

    static func parameters(_ run: String) throws -> [Float] {
        guard case .deep(let p) = try ModelArchive.load(path: run + "/model").predictor else { throw CLIFailure(arguments: [run], output: .init(status: 1, stdout: "", stderr: "not deep")) }
        return p.network.parameters
    }

    static func maxRelativeDifference(_ a: [Float], _ b: [Float]) -> Float {
        let scale = a.map(abs).max() ?? 1
        return zip(a, b).map { abs($0 - $1) }.max()! / scale
    }

    static func train(_ out: String, _ extra: [String]) throws {
        let f = fixture
        try IntoneProcess.succeed(["train", "--config", f.config, "--store", f.store, "--out", f.dir.file(out), "--quiet"] + extra)
    }

    /// A worker with a loopback ring endpoint, connected to `endpoint`.
    static func ringWorker(_ endpoint: String, _ name: String, _ extra: [String] = []) throws -> Process {
        try IntoneProcess.start(["worker", "--connect", endpoint, "--jobs", "1", "--name", name, "--ring-bind", "tcp://127.0.0.1:*", "--quiet"] + extra)
    }

    /// Waits until `job` exits, at most `seconds`.
    static func waitForExit(_ job: Process, seconds: Double) {
        let deadline = Date().addingTimeInterval(seconds)
        while job.isRunning && Date() < deadline { Thread.sleep(forTimeInterval: 0.05) }
    }

    /// Waits (at most 120 s) until the run in `run` has checkpointed its first epoch, or `job` exited.
    static func waitForFirstEpoch(_ job: Process, run: String) {
        let deadline = Date().addingTimeInterval(120)
        while job.isRunning && Date() < deadline && !FileManager.default.fileExists(atPath: run + "/checkpoint/checkpoint.json") {
            Thread.sleep(forTimeInterval: 0.002)
        }
    }

    /// A log's text ("" if there is none).
    static func contents(_ path: String) -> String { (try? String(contentsOfFile: path, encoding: .utf8)) ?? "" }

    static func sameModel(_ a: String, _ b: String) throws -> Bool {
        let f = fixture
        let names = try FileManager.default.contentsOfDirectory(atPath: f.dir.file(a + "/model")).sorted()
        return try names.allSatisfy { n in
            try Data(contentsOf: URL(fileURLWithPath: f.dir.file("\(a)/model/\(n)"))) == Data(contentsOf: URL(fileURLWithPath: f.dir.file("\(b)/model/\(n)")))
        }
    }

    @Test func shardsOnWorkersAreOneBatchsArithmetic() throws {
        try Self.train("one", ["--threads", "1"])                        // batch 64 in one piece
        try Self.train("two-workers", ["--local-workers", "2"])          // 32 + 32 on a ring of two processes
        try Self.train("three-workers", ["--local-workers", "3"])        // 21 + 21 + 22 on a ring of three
        try Self.train("two-here", ["--shards", "2", "--threads", "1"])  // the same shards in this process
        try Self.train("three-here", ["--shards", "3", "--threads", "1"])
        try Self.train("two-coordinator", ["--local-workers", "2", "--allreduce", "coordinator"])
        try Self.train("three-coordinator", ["--local-workers", "3", "--allreduce", "coordinator"])
        let one = try Self.parameters(Self.fixture.dir.file("one"))
        for run in ["two-workers", "three-workers", "two-coordinator", "three-coordinator"] {
            let other = try Self.parameters(Self.fixture.dir.file(run))
            #expect(Self.maxRelativeDifference(one, other) < 1e-5, "\(run): \(Self.maxRelativeDifference(one, other))")
            #expect(one != other, "\(run)")   // the shards really were computed apart (different order of additions)
        }
        // Through the coordinator: the bytes of the same shards here. On the ring, two equal shards
        // sum exactly as here too (one rounding of an exact sum); three add in another order.
        #expect(try Self.sameModel("two-coordinator", "two-here"))
        #expect(try Self.sameModel("three-coordinator", "three-here"))
        #expect(try Self.sameModel("two-workers", "two-here"))
        let ring = try Self.parameters(Self.fixture.dir.file("three-workers")), here = try Self.parameters(Self.fixture.dir.file("three-here"))
        #expect(Self.maxRelativeDifference(ring, here) < 1e-6, "ring of 3 vs here: \(Self.maxRelativeDifference(ring, here))")
    }

    @Test func throughTheCoordinatorAWorkerKilledMidRunChangesNothing() throws {
        let f = Self.fixture
        let endpoint = "ipc://" + f.dir.file("train.sock")
        let job = try IntoneProcess.start(["train", "--config", f.config, "--store", f.store, "--out", f.dir.file("survivor"),
                                           "--bind", endpoint, "--shards", "3", "--allreduce", "coordinator", "--wait-for-workers", "60", "--quiet"])
        let workers = try (1...3).map { i in try IntoneProcess.start(["worker", "--connect", endpoint, "--jobs", "1", "--name", "w\(i)", "--quiet"]) }
        defer { for p in [job] + workers where p.isRunning { kill(p.processIdentifier, SIGKILL); p.waitUntilExit() } }
        // Kill one worker once the first epoch is done.
        Self.waitForFirstEpoch(job, run: f.dir.file("survivor"))
        #expect(job.isRunning, "the run finished before a worker could be killed")
        kill(workers[0].processIdentifier, SIGKILL)
        workers[0].waitUntilExit()
        Self.waitForExit(job, seconds: 180)
        #expect(!job.isRunning && job.terminationStatus == 0)
        // The same bytes as three shards computed in one process.
        if !FileManager.default.fileExists(atPath: f.dir.file("three-here/model")) { try Self.train("three-here", ["--shards", "3", "--threads", "1"]) }
        #expect(try Self.sameModel("survivor", "three-here"))
        #expect(try Data(contentsOf: URL(fileURLWithPath: f.dir.file("survivor/history.csv")))
                == Data(contentsOf: URL(fileURLWithPath: f.dir.file("three-here/history.csv"))))
    }

    /// kill -9 one of three ring workers in mid-epoch: its ring neighbour times out, the ring breaks
    /// everywhere, the epoch is rolled back and run again on a ring of the two left (the same three
    /// shards, spread over two). The run finishes, without hanging, close to the uninterrupted one.
    @Test func onTheRingAWorkerKilledMidEpochIsRolledBackAndTheRunFinishes() throws {
        let f = Self.fixture
        let endpoint = "ipc://" + f.dir.file("ring.sock")
        let log = f.dir.file("ring-job.log")
        // Eight epochs, so that several remain after the kill.
        let job = try IntoneProcess.start(["train", "--config", f.config, "--store", f.store, "--out", f.dir.file("ring-survivor"),
                                           "--bind", endpoint, "--shards", "3", "--epochs", "8", "--step-timeout", "3",
                                           "--wait-for-workers", "60"], log: log)
        let workers = try (1...3).map { i in
            try Self.ringWorker(endpoint, "r\(i)")
        }
        defer { for p in [job] + workers where p.isRunning { kill(p.processIdentifier, SIGKILL); p.waitUntilExit() } }
        Self.waitForFirstEpoch(job, run: f.dir.file("ring-survivor"))
        #expect(job.isRunning, "the run finished before a worker could be killed")
        kill(workers[1].processIdentifier, SIGKILL)
        workers[1].waitUntilExit()
        Self.waitForExit(job, seconds: 180)
        let text = Self.contents(log)
        #expect(!job.isRunning && job.terminationStatus == 0, "job log:\n\(text)")
        #expect(text.contains("rolling back to the epoch's start"), "job log:\n\(text)")
        #expect(text.contains("ring of 2 workers: r1"), "job log:\n\(text)")
        // Uninterrupted: three shards here. Only the order of the sums differs.
        try Self.train("three-here-8", ["--shards", "3", "--threads", "1", "--epochs", "8"])
        let survivor = try Self.parameters(f.dir.file("ring-survivor")), here = try Self.parameters(f.dir.file("three-here-8"))
        #expect(Self.maxRelativeDifference(survivor, here) < 1e-5, "\(Self.maxRelativeDifference(survivor, here))")
        let history = { (run: String) throws -> [[Double]] in
            try String(contentsOfFile: f.dir.file(run + "/history.csv"), encoding: .utf8).split(separator: "\n").dropFirst()
                .map { $0.split(separator: ",").map { Double($0)! } }
        }
        let a = try history("ring-survivor"), b = try history("three-here-8")
        #expect(a.count == 8 && b.count == 8)
        for (x, y) in zip(a, b) { #expect(abs(x[4] - y[4]) <= 0.02, "val_accuracy \(x[4]) vs \(y[4])") }
    }

    /// A worker that joins mid-run is taken into the ring at the next epoch boundary: one replica
    /// computes both shards until then, a ring of two afterwards. Both are the bytes of the two
    /// shards computed here (one replica sums as here; two equal halves sum exactly).
    @Test func aWorkerThatJoinsIsTakenInAtTheNextEpoch() throws {
        let f = Self.fixture
        let endpoint = "ipc://" + f.dir.file("join.sock")
        let log = f.dir.file("join-job.log")
        let job = try IntoneProcess.start(["train", "--config", f.config, "--store", f.store, "--out", f.dir.file("joined"),
                                           "--bind", endpoint, "--shards", "2", "--epochs", "12", "--wait-for-workers", "3"], log: log)
        var workers = [try Self.ringWorker(endpoint, "j1")]
        defer { for p in [job] + workers where p.isRunning { kill(p.processIdentifier, SIGKILL); p.waitUntilExit() } }
        Self.waitForFirstEpoch(job, run: f.dir.file("joined"))
        workers.append(try Self.ringWorker(endpoint, "j2"))
        Self.waitForExit(job, seconds: 180)
        let text = Self.contents(log)
        #expect(!job.isRunning && job.terminationStatus == 0, "job log:\n\(text)")
        #expect(text.contains("epoch 1: ring of 1 worker: j1"), "job log:\n\(text)")
        #expect(text.contains("ring of 2 workers: j1"), "j2 was not taken in; job log:\n\(text)")
        try Self.train("two-here-12", ["--shards", "2", "--threads", "1", "--epochs", "12"])
        #expect(try Self.sameModel("joined", "two-here-12"))
    }

    /// Replicas that stop agreeing (one worker nudges a parameter after step 2, as a silent bit flip
    /// would) stop the run at the next check with an error that says so, instead of training on.
    @Test func replicasThatDivergeStopTheRunWithAClearError() throws {
        let f = Self.fixture
        let endpoint = "ipc://" + f.dir.file("diverge.sock")
        let job = try IntoneProcess.start(["train", "--config", f.config, "--store", f.store, "--out", f.dir.file("diverged"),
                                           "--bind", endpoint, "--shards", "2", "--check-every", "2", "--wait-for-workers", "30"],
                                          log: f.dir.file("diverge-job.log"))
        let workers = [
            try Self.ringWorker(endpoint, "d1"),
            try Self.ringWorker(endpoint, "d2", ["--fault-perturb-after-step", "2"]),
        ]
        defer { for p in [job] + workers where p.isRunning { kill(p.processIdentifier, SIGKILL); p.waitUntilExit() } }
        Self.waitForExit(job, seconds: 120)
        let text = Self.contents(f.dir.file("diverge-job.log"))
        #expect(!job.isRunning && job.terminationStatus != 0)
        #expect(text.contains("epoch 1: replicas disagree after step 2: rank 1 and rank 2 hold different parameters"), "job log:\n\(text)")
        #expect(!FileManager.default.fileExists(atPath: f.dir.file("diverged/model")))
    }

    /// With batch normalisation, shards each normalised by their own statistics are not one batch's
    /// arithmetic; with --sync-batch-norm the statistics are summed over the ring and they are again
    /// (up to the order of additions): every variable agrees with one batch of 64 within 1e-5, but
    /// for the convolution biases that feed a BatchNormalization (whose true gradient is zero, so
    /// Adam turns rounding noise into steps) and the moving means that carry those biases.
    @Test func syncBatchNormOnTheRingIsOneBatchsArithmetic() throws {
        let f = Self.fixture
        let config = Self.config.replacingOccurrences(of: "batch_norm: false", with: "batch_norm: true").replacingOccurrences(of: "name: dp", with: "name: bn")
        try config.write(toFile: f.dir.file("bn.yaml"), atomically: true, encoding: .utf8)
        func train(_ out: String, _ extra: [String]) throws {
            try IntoneProcess.succeed(["train", "--config", f.dir.file("bn.yaml"), "--store", f.store, "--out", f.dir.file(out), "--quiet"] + extra)
        }
        try train("bn-one", ["--threads", "1"])
        try train("bn-sync-2", ["--local-workers", "2", "--sync-batch-norm"])
        try train("bn-sync-3", ["--local-workers", "3", "--sync-batch-norm"])
        try train("bn-local-2", ["--local-workers", "2"])
        /// The largest relative difference from one batch over the variables that have a true gradient.
        func difference(_ run: String) throws -> Float {
            let names = try FileManager.default.contentsOfDirectory(atPath: f.dir.file("bn-one/model")).filter {
                $0.hasSuffix(".npy") && !$0.hasPrefix("normalizer") && !($0.hasPrefix("conv") && $0.hasSuffix("__bias.npy")) && !$0.hasSuffix("moving_mean.npy")
            }
            #expect(names.count == 15)
            return try names.map { n in
                let a = try NPYFile.read(path: f.dir.file("bn-one/model/\(n)")).values, b = try NPYFile.read(path: f.dir.file("\(run)/model/\(n)")).values
                return Self.maxRelativeDifference(a, b)
            }.max()!
        }
        let sync2 = try difference("bn-sync-2"), sync3 = try difference("bn-sync-3"), local2 = try difference("bn-local-2")
        #expect(sync2 < 1e-5, "\(sync2)")
        #expect(sync3 < 1e-5, "\(sync3)")
        #expect(local2 > 1e-3, "\(local2)")   // the per-shard statistics really differ
        // It needs the ring.
        let refused = try IntoneProcess.run(["train", "--config", f.dir.file("bn.yaml"), "--store", f.store, "--out", f.dir.file("bn-refused"),
                                             "--sync-batch-norm", "--quiet"])
        #expect(refused.status != 0 && refused.stderr.contains("--sync-batch-norm needs workers on a ring"), "\(refused.stderr)")
    }

    /// Through a running `intone coordinator` (`--cluster`): the coordinator tells the job which
    /// workers serve a ring, the job's replica tasks are pinned to them, and the ring gives the bytes
    /// of the same two shards computed here.
    @Test func throughARunningCoordinatorTheWorkersFormARing() throws {
        let f = Self.fixture
        let endpoint = "ipc://" + f.dir.file("service.sock")
        let coordinator = try IntoneProcess.start(["coordinator", "--bind", endpoint, "--run", f.dir.file("service"), "--quiet"])
        let workers = try (1...2).map { i in
            try Self.ringWorker(endpoint, "c\(i)")
        }
        defer { for p in [coordinator] + workers where p.isRunning { kill(p.processIdentifier, SIGKILL); p.waitUntilExit() } }
        let log = f.dir.file("cluster-job.log")
        let job = try IntoneProcess.start(["train", "--config", f.config, "--store", f.store, "--out", f.dir.file("via-service"),
                                           "--cluster", endpoint, "--shards", "2", "--wait-for-workers", "30"], log: log)
        Self.waitForExit(job, seconds: 180)
        let text = Self.contents(log)
        #expect(!job.isRunning && job.terminationStatus == 0, "job log:\n\(text)")
        #expect(text.contains("ring of 2 workers: c1"), "job log:\n\(text)")
        if !FileManager.default.fileExists(atPath: f.dir.file("two-here/model")) { try Self.train("two-here", ["--shards", "2", "--threads", "1"]) }
        #expect(try Self.sameModel("via-service", "two-here"))
    }

    /// A worker that no longer holds the replica it ended an epoch with (restarted under the same
    /// name; here told to forget it) fails the ring right after the handshake; the retry sends the
    /// epoch's start, and the run is the bytes of an uninterrupted one.
    @Test func aWorkerThatLostItsReplicaIsSentTheStartAgain() throws {
        let f = Self.fixture
        let endpoint = "ipc://" + f.dir.file("forget.sock")
        let log = f.dir.file("forget-job.log")
        let job = try IntoneProcess.start(["train", "--config", f.config, "--store", f.store, "--out", f.dir.file("forgotten"),
                                           "--bind", endpoint, "--shards", "2", "--step-timeout", "5", "--wait-for-workers", "30"], log: log)
        let workers = [
            try Self.ringWorker(endpoint, "f1"),
            try Self.ringWorker(endpoint, "f2", ["--fault-forget-replica"]),
        ]
        defer { for p in [job] + workers where p.isRunning { kill(p.processIdentifier, SIGKILL); p.waitUntilExit() } }
        Self.waitForExit(job, seconds: 120)
        let text = Self.contents(log)
        #expect(!job.isRunning && job.terminationStatus == 0, "job log:\n\(text)")
        #expect(text.contains("no longer holds the epoch's start"), "job log:\n\(text)")
        #expect(!text.contains("cannot reach each other"), "job log:\n\(text)")
        if !FileManager.default.fileExists(atPath: f.dir.file("two-here/model")) { try Self.train("two-here", ["--shards", "2", "--threads", "1"]) }
        #expect(try Self.sameModel("forgotten", "two-here"))
    }
}
