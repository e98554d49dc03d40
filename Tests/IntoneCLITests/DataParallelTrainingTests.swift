import Foundation
import Testing
import IntoneNeural
import IntoneSweep
import IntoneTestSupport

/// `intone train` with its steps' shards on worker processes: the same arithmetic as one batch,
/// the same bytes as the shards computed here, and no harm from a worker killed mid-run.
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
        try! IntoneProcess.succeed(["corpus", "synth", "--out", dir.file("corpus"), "--quiet"])
        try! IntoneProcess.succeed(["extract", "--data", dir.file("corpus"), "--out", dir.file("store"), "--quiet"])
        try! config.write(toFile: dir.file("dp.yaml"), atomically: true, encoding: .utf8)
        return (dir, dir.file("store"), dir.file("dp.yaml"))
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

    static func sameModel(_ a: String, _ b: String) throws -> Bool {
        let f = fixture
        let names = try FileManager.default.contentsOfDirectory(atPath: f.dir.file(a + "/model")).sorted()
        return try names.allSatisfy { n in
            try Data(contentsOf: URL(fileURLWithPath: f.dir.file("\(a)/model/\(n)"))) == Data(contentsOf: URL(fileURLWithPath: f.dir.file("\(b)/model/\(n)")))
        }
    }

    @Test func shardsOnWorkersAreOneBatchsArithmetic() throws {
        try Self.train("one", ["--threads", "1"])                        // batch 64 in one piece
        try Self.train("two-workers", ["--local-workers", "2"])          // 32 + 32 on two processes
        try Self.train("three-workers", ["--local-workers", "3"])        // 21 + 21 + 22
        try Self.train("two-here", ["--shards", "2", "--threads", "1"])  // the same shards in this process
        let one = try Self.parameters(Self.fixture.dir.file("one"))
        let two = try Self.parameters(Self.fixture.dir.file("two-workers"))
        let three = try Self.parameters(Self.fixture.dir.file("three-workers"))
        #expect(Self.maxRelativeDifference(one, two) < 1e-5, "2 shards: \(Self.maxRelativeDifference(one, two))")
        #expect(Self.maxRelativeDifference(one, three) < 1e-5, "3 shards: \(Self.maxRelativeDifference(one, three))")
        #expect(one != two)   // the shards really were computed apart (different order of additions)
        #expect(try Self.sameModel("two-workers", "two-here"))
    }

    @Test func aWorkerKilledMidRunChangesNothing() throws {
        let f = Self.fixture
        let endpoint = "ipc://" + f.dir.file("train.sock")
        let job = try IntoneProcess.start(["train", "--config", f.config, "--store", f.store, "--out", f.dir.file("survivor"),
                                           "--bind", endpoint, "--shards", "3", "--wait-for-workers", "60", "--quiet"])
        let workers = try (1...3).map { i in try IntoneProcess.start(["worker", "--connect", endpoint, "--jobs", "1", "--name", "w\(i)", "--quiet"]) }
        defer { for p in [job] + workers where p.isRunning { kill(p.processIdentifier, SIGKILL); p.waitUntilExit() } }
        // Kill one worker once the first epoch is done.
        let deadline = Date().addingTimeInterval(120)
        while job.isRunning && Date() < deadline && !FileManager.default.fileExists(atPath: f.dir.file("survivor/checkpoint/checkpoint.json")) {
            Thread.sleep(forTimeInterval: 0.005)
        }
        #expect(job.isRunning, "the run finished before a worker could be killed")
        kill(workers[0].processIdentifier, SIGKILL)
        workers[0].waitUntilExit()
        let finished = Date().addingTimeInterval(180)
        while job.isRunning && Date() < finished { Thread.sleep(forTimeInterval: 0.05) }
        #expect(!job.isRunning && job.terminationStatus == 0)
        // The same bytes as three shards computed in one process.
        try Self.train("three-here", ["--shards", "3", "--threads", "1"])
        #expect(try Self.sameModel("survivor", "three-here"))
        #expect(try Data(contentsOf: URL(fileURLWithPath: f.dir.file("survivor/history.csv")))
                == Data(contentsOf: URL(fileURLWithPath: f.dir.file("three-here/history.csv"))))
    }
}
