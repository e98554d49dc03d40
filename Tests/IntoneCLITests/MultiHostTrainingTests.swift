import Foundation
import Testing
import IntoneTestSupport

/// Data-parallel training across "hosts": the training job in one network namespace and two workers
/// in two others, joined by veth pairs limited to 1 Gbit/s, talking CurveZMQ, each worker in its own
/// folder with the job's folder hidden: the training data and parameters only travel over the links.
///
/// Routed (the job's namespace forwards between the workers' subnets), the workers form a ring and
/// sum their gradients between themselves, encrypted with their own keys. Unrouted, they cannot
/// reach each other: the ring's handshake fails and the run falls back to exchanging through the
/// coordinator. Both give the bytes of the same two shards computed in one process.
@Suite(.serialized)
struct MultiHostTrainingTests {
    static let port = 5556

    @Test(.enabled(if: NetworkNamespaces.available,
                   "needs root and network namespaces (ip netns add, veth pairs); CI runs as root"))
    func ringAllreduceAcrossRoutedHostsOnLimitedLinksMatchesTheSameShardsHere() throws {
        let log = try trainAcrossNamespaces(routed: true)
        #expect(log.contains("ring of 2 workers"), "job log:\n\(log)")
        #expect(!log.contains("through the coordinator"), "job log:\n\(log)")
    }

    @Test(.enabled(if: NetworkNamespaces.available,
                   "needs root and network namespaces (ip netns add, veth pairs); CI runs as root"))
    func workersThatCannotReachEachOtherFallBackToTheCoordinator() throws {
        let log = try trainAcrossNamespaces(routed: false)
        #expect(log.contains("cannot reach each other"), "job log:\n\(log)")
    }

    /// Trains on two workers in namespaces; checks the result against the same shards here and
    /// returns the job's log.
    func trainAcrossNamespaces(routed: Bool) throws -> String {
        let f = DataParallelTrainingTests.fixture
        let dir = try TemporaryDirectory()
        defer { dir.cleanup() }
        let workerNames = ["t1", "t2"]
        let workerDirs = try workerNames.map { _ in try TemporaryDirectory() }
        defer { for d in workerDirs { d.cleanup() } }

        let keys = dir.file("keys")
        for name in ["coordinator"] + workerNames { try IntoneProcess.succeed(["keygen", "--out", keys, "--name", name]) }
        let allowed = try workerNames.map { try String(contentsOfFile: "\(keys)/\($0).pub", encoding: .utf8) }
            .map { $0.hasSuffix("\n") ? $0 : $0 + "\n" }.joined()
        try allowed.write(toFile: "\(keys)/allowed", atomically: true, encoding: .utf8)
        for (name, wdir) in zip(workerNames, workerDirs) {
            try FileManager.default.copyItem(atPath: "\(keys)/\(name).key", toPath: wdir.file("\(name).key"))
            try FileManager.default.copyItem(atPath: "\(keys)/coordinator.pub", toPath: wdir.file("coordinator.pub"))
        }

        let nets = try NetworkNamespaces(workerCount: workerNames.count, tag: "\(getpid())t")
        defer { nets.cleanup() }
        try nets.limitBandwidth(rate: "1gbit")
        if routed { try nets.routeBetweenWorkers() }

        let logs = dir.file("logs")
        try FileManager.default.createDirectory(atPath: logs, withIntermediateDirectories: true)
        let job = try NetworkNamespaces.start(
            in: nets.coordinator, IntoneProcess.executable,
            ["train", "--config", f.config, "--store", f.store, "--out", dir.file("run"), "--shards", "2",
             "--bind", "tcp://*:\(Self.port)", "--key", "\(keys)/coordinator.key", "--allow", "\(keys)/allowed", "--step-timeout", "5"],
            directory: dir.path, hiding: workerDirs.map(\.path), log: "\(logs)/job.log")
        var processes = [job]
        defer {
            for p in processes where p.isRunning { kill(p.processIdentifier, SIGKILL) }
            for p in processes { p.waitUntilExit() }
        }
        for (i, name) in workerNames.enumerated() {
            // A worker sees neither the job's folder (the store) nor the other worker's.
            let others = [dir.path, f.dir.path] + workerDirs.enumerated().filter { $0.offset != i }.map(\.element.path)
            processes.append(try NetworkNamespaces.start(
                in: nets.workers[i], IntoneProcess.executable,
                ["worker", "--connect", "tcp://\(nets.coordinatorAddress(forWorker: i)):\(Self.port)", "--jobs", "1",
                 "--name", name, "--key", "\(name).key", "--coordinator-key", "coordinator.pub", "--quiet"],
                directory: workerDirs[i].path, hiding: others, log: "\(logs)/\(name).log"))
        }
        func log(_ name: String) -> String { (try? String(contentsOfFile: "\(logs)/\(name).log", encoding: .utf8)) ?? "" }
        let deadline = Date().addingTimeInterval(240)
        while job.isRunning && Date() < deadline { Thread.sleep(forTimeInterval: 0.05) }
        guard !job.isRunning else {
            Issue.record("training did not finish within 240 s; job log:\n\(log("job"))\nt1:\n\(log("t1"))\nt2:\n\(log("t2"))")
            return log("job")
        }
        #expect(job.terminationStatus == 0, "job log:\n\(log("job"))")

        // The same two shards computed in one process, one BLAS thread, as the workers run.
        let here = dir.file("here")
        try IntoneProcess.succeed(["train", "--config", f.config, "--store", f.store, "--out", here, "--shards", "2", "--threads", "1", "--quiet"])
        let names = try FileManager.default.contentsOfDirectory(atPath: here + "/model").sorted()
        for n in names {
            #expect(try Data(contentsOf: URL(fileURLWithPath: "\(here)/model/\(n)")) == Data(contentsOf: URL(fileURLWithPath: dir.file("run/model/\(n)"))), "\(n)")
        }
        #expect(try Data(contentsOf: URL(fileURLWithPath: "\(here)/history.csv")) == Data(contentsOf: URL(fileURLWithPath: dir.file("run/history.csv"))))
        return log("job")
    }
}
