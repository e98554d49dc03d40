import Foundation
import Testing
import IntoneTestSupport

/// A cluster sweep across "hosts": a coordinator and two workers, each in its own network namespace
/// (joined by veth pairs, 10.231.x addresses inside the namespaces only) and its own working directory,
/// talking CurveZMQ over real non-loopback interfaces. No traffic leaves those namespaces.
@Suite(.serialized)
struct MultiHostTests {
    /// The coordinator's port inside its own namespace (nothing else listens there).
    static let port = 5555

    // Needs root: CI runs as root. Elsewhere (or in a container without CAP_SYS_ADMIN) the test is
    // skipped, and `NetworkNamespaces.available` prints the exact reason to stderr.
    @Test(.enabled(if: NetworkNamespaces.available,
                   "needs root and network namespaces (ip netns add, veth pairs); CI runs as root"))
    func sweepAcrossThreeNetworkNamespacesMatchesTheLocalSweep() throws {
        // The coordinator's files, and each worker's own working directory: three unrelated folders.
        let dir = try TemporaryDirectory()
        defer { dir.cleanup() }
        let workerNames = ["w1", "w2"]
        let workerDirs = try workerNames.map { _ in try TemporaryDirectory() }
        defer { for d in workerDirs { d.cleanup() } }

        let (store, spec) = try ClusterSweepTests.prepare(dir)
        try IntoneProcess.succeed(["sweep", "--spec", spec, "--store", store, "--out", dir.file("local"), "--quiet"])

        // Keys: the coordinator admits exactly the two workers; each worker trusts the coordinator's key.
        let keys = dir.file("keys")
        for name in ["coordinator"] + workerNames {
            try IntoneProcess.succeed(["keygen", "--out", keys, "--name", name])
        }
        let allowed = try workerNames.map { try String(contentsOfFile: "\(keys)/\($0).pub", encoding: .utf8) }
            .map { $0.hasSuffix("\n") ? $0 : $0 + "\n" }.joined()
        try allowed.write(toFile: "\(keys)/allowed", atomically: true, encoding: .utf8)
        // A worker's folder holds only its own key and the coordinator's public key, copied, not shared.
        for (name, wdir) in zip(workerNames, workerDirs) {
            try FileManager.default.copyItem(atPath: "\(keys)/\(name).key", toPath: wdir.file("\(name).key"))
            try FileManager.default.copyItem(atPath: "\(keys)/coordinator.pub", toPath: wdir.file("coordinator.pub"))
        }

        let nets = try NetworkNamespaces(workerCount: workerNames.count)
        defer { nets.cleanup() }   // runs last: after the processes below are gone

        let logs = dir.file("logs")
        try FileManager.default.createDirectory(atPath: logs, withIntermediateDirectories: true)
        // Not --quiet: the coordinator logs "worker NAME joined (N job(s))", which shows who took part.
        // It cannot see the workers' folders (hidden), nor they its own: nothing is shared through files.
        let coordinator = try NetworkNamespaces.start(
            in: nets.coordinator, IntoneProcess.executable,
            ["sweep", "--spec", spec, "--store", store, "--out", dir.file("run"), "--bind", "tcp://*:\(Self.port)",
             "--key", "\(keys)/coordinator.key", "--allow", "\(keys)/allowed"],
            directory: dir.path, hiding: workerDirs.map(\.path), log: "\(logs)/coordinator.log")
        var processes = [coordinator]
        defer {
            for p in processes where p.isRunning { kill(p.processIdentifier, SIGKILL) }
            for p in processes { p.waitUntilExit() }
        }
        for (i, name) in workerNames.enumerated() {
            let others = [dir.path] + workerDirs.enumerated().filter { $0.offset != i }.map(\.element.path)
            processes.append(try NetworkNamespaces.start(
                in: nets.workers[i], IntoneProcess.executable,
                ["worker", "--connect", "tcp://\(nets.coordinatorAddress(forWorker: i)):\(Self.port)", "--jobs", "1",
                 "--name", name, "--key", "\(name).key", "--coordinator-key", "coordinator.pub", "--quiet"],
                directory: workerDirs[i].path, hiding: others, log: "\(logs)/\(name).log"))
        }
        let workers = Array(processes.dropFirst())

        func log(_ name: String) -> String { (try? String(contentsOfFile: "\(logs)/\(name).log", encoding: .utf8)) ?? "" }
        func exited(_ p: Process, within seconds: TimeInterval) -> Bool {
            let deadline = Date().addingTimeInterval(seconds)
            while p.isRunning && Date() < deadline { Thread.sleep(forTimeInterval: 0.05) }
            return !p.isRunning
        }

        // A generous deadline; on timeout the defer kills everything, so nothing hangs.
        guard exited(coordinator, within: 180) else {
            Issue.record("the coordinator did not finish within 180 s; coordinator log:\n\(log("coordinator"))\nw1:\n\(log("w1"))\nw2:\n\(log("w2"))")
            return
        }
        #expect(coordinator.terminationStatus == 0, "coordinator log:\n\(log("coordinator"))")
        for (name, worker) in zip(workerNames, workers) {
            // Told to stop when the job finished.
            guard exited(worker, within: 30) else {
                Issue.record("worker \(name) was not told to stop; its log:\n\(log(name))")
                continue
            }
            #expect(worker.terminationStatus == 0, "worker \(name) log:\n\(log(name))")
        }

        let coordinatorLog = log("coordinator")
        for name in workerNames {
            #expect(coordinatorLog.contains("worker \(name) joined"), "coordinator log:\n\(coordinatorLog)")
        }
        #expect(!coordinatorLog.contains("refused a peer"), "coordinator log:\n\(coordinatorLog)")
        let trials = try String(contentsOfFile: dir.file("run/trials.csv"), encoding: .utf8)
        let trialKeys = trials.split(separator: "\n").dropFirst().map { $0.split(separator: ",")[0] }
        #expect(trialKeys.count == 7 * 4 && Set(trialKeys).count == trialKeys.count)   // every trial once
        #expect(try ClusterSweepTests.bytes(dir.file("run/best.json")) == (try ClusterSweepTests.bytes(dir.file("local/best.json"))))
    }
}
