import Foundation
import Testing
import IntoneTestSupport

/// Sweeps through the cluster protocol with real coordinator and worker processes on loopback.
@Suite(.serialized)
struct ClusterSweepTests {
    static let spec = """
    seed: 3
    cv: 4
    features: mean_std
    estimators:
      sgd:
        loss: [hinge, log_loss]
        alpha: [0.0001, 0.01]
      random_forest:
        n_estimators: [30, 60]
      hist_gradient_boosting:
        max_iter: [40]
    """

    static func prepare(_ dir: TemporaryDirectory) throws -> (store: String, spec: String) {
        try spec.write(toFile: dir.file("spec.yaml"), atomically: true, encoding: .utf8)
        return (SharedCorpus.store, dir.file("spec.yaml"))
    }

    static func bytes(_ path: String) throws -> Data { try Data(contentsOf: URL(fileURLWithPath: path)) }

    @Test func clusterSweepWithOneOrThreeWorkersMatchesTheLocalSweep() throws {
        let dir = try TemporaryDirectory()
        defer { dir.cleanup() }
        let (store, spec) = try Self.prepare(dir)
        try IntoneProcess.succeed(["sweep", "--spec", spec, "--store", store, "--out", dir.file("local"), "--quiet"])
        try IntoneProcess.succeed(["sweep", "--spec", spec, "--store", store, "--out", dir.file("one"), "--local-workers", "1", "--quiet"])
        try IntoneProcess.succeed(["sweep", "--spec", spec, "--store", store, "--out", dir.file("three"), "--local-workers", "3", "--quiet"])
        let local = try Self.bytes(dir.file("local/best.json"))
        #expect(try Self.bytes(dir.file("one/best.json")) == local)
        #expect(try Self.bytes(dir.file("three/best.json")) == local)
    }

    @Test func sweepSurvivesWorkerKill() throws {
        let dir = try TemporaryDirectory()
        defer { dir.cleanup() }
        let (store, spec) = try Self.prepare(dir)
        try IntoneProcess.succeed(["sweep", "--spec", spec, "--store", store, "--out", dir.file("local"), "--quiet"])
        let endpoint = "ipc://" + dir.file("coordinator.sock")
        let coordinator = try IntoneProcess.start(["sweep", "--spec", spec, "--store", store, "--out", dir.file("cluster"),
                                                   "--bind", endpoint, "--quiet"])
        let victim = try IntoneProcess.start(["worker", "--connect", endpoint, "--jobs", "1", "--name", "victim", "--quiet"])
        let survivor = try IntoneProcess.start(["worker", "--connect", endpoint, "--jobs", "1", "--name", "survivor", "--quiet"])
        defer { for p in [coordinator, victim, survivor] where p.isRunning { kill(p.processIdentifier, SIGKILL); p.waitUntilExit() } }
        // Kill one worker once a few trials are in.
        let deadline = Date().addingTimeInterval(90)
        while Date() < deadline {
            let lines = ((try? String(contentsOfFile: dir.file("cluster/trials.csv"), encoding: .utf8)) ?? "").split(separator: "\n").count
            if lines > 5 { break }
            Thread.sleep(forTimeInterval: 0.01)
        }
        kill(victim.processIdentifier, SIGKILL)
        victim.waitUntilExit()
        coordinator.waitUntilExit()
        #expect(coordinator.terminationStatus == 0)
        survivor.waitUntilExit()
        #expect(survivor.terminationStatus == 0)   // told to stop when the job finished
        let keys = try String(contentsOfFile: dir.file("cluster/trials.csv"), encoding: .utf8).split(separator: "\n").dropFirst().map { $0.split(separator: ",")[0] }
        #expect(keys.count == 7 * 4)                 // every trial once: none lost, none counted twice
        #expect(Set(keys).count == keys.count)
        #expect(try Self.bytes(dir.file("cluster/best.json")) == (try Self.bytes(dir.file("local/best.json"))))
    }

    @Test func killedCoordinatorResumesWithoutRedoingTrials() throws {
        let dir = try TemporaryDirectory()
        defer { dir.cleanup() }
        let (store, spec) = try Self.prepare(dir)
        try IntoneProcess.succeed(["sweep", "--spec", spec, "--store", store, "--out", dir.file("local"), "--quiet"])
        let args = ["sweep", "--spec", spec, "--store", store, "--out", dir.file("cluster"), "--local-workers", "2", "--quiet"]
        let first = try IntoneProcess.start(args)
        let deadline = Date().addingTimeInterval(90)
        while Date() < deadline {
            let lines = ((try? String(contentsOfFile: dir.file("cluster/trials.csv"), encoding: .utf8)) ?? "").split(separator: "\n").count
            if lines > 8 { break }
            Thread.sleep(forTimeInterval: 0.01)
        }
        kill(first.processIdentifier, SIGKILL)
        first.waitUntilExit()
        let before = try String(contentsOfFile: dir.file("cluster/trials.csv"), encoding: .utf8)
        #expect(!FileManager.default.fileExists(atPath: dir.file("cluster/best.json")), "the sweep finished before it was killed")
        try IntoneProcess.succeed(args)
        let after = try String(contentsOfFile: dir.file("cluster/trials.csv"), encoding: .utf8)
        // The journal only grew: no finished trial was redone, and each appears once.
        #expect(after.hasPrefix(before.split(separator: "\n").map { $0 + "\n" }.joined()))
        let keys = after.split(separator: "\n").dropFirst().map { $0.split(separator: ",")[0] }
        #expect(keys.count == 7 * 4 && Set(keys).count == keys.count)
        #expect(try Self.bytes(dir.file("cluster/best.json")) == (try Self.bytes(dir.file("local/best.json"))))
    }
}

/// CurveZMQ: only workers with allowed keys get work, and the coordinator's key is checked.
@Suite(.serialized)
struct ClusterSecurityTests {
    @Test func onlyAllowedWorkersAreAdmitted() throws {
        let dir = try TemporaryDirectory()
        defer { dir.cleanup() }
        let (store, spec) = try ClusterSweepTests.prepare(dir)
        for name in ["coordinator", "good", "intruder"] {
            try IntoneProcess.succeed(["keygen", "--out", dir.file("keys"), "--name", name])
        }
        try FileManager.default.copyItem(atPath: dir.file("keys/good.pub"), toPath: dir.file("keys/allowed"))
        #expect(FileManager.default.fileExists(atPath: dir.file("keys/good.key")))
        let attributes = try FileManager.default.attributesOfItem(atPath: dir.file("keys/good.key"))
        #expect((attributes[.posixPermissions] as? Int) == 0o600)

        let endpoint = "ipc://" + dir.file("secure.sock")
        let coordinatorLog = dir.file("coordinator.log")
        FileManager.default.createFile(atPath: coordinatorLog, contents: nil)
        let coordinator = Process()
        coordinator.executableURL = IntoneProcess.executable
        coordinator.arguments = ["sweep", "--spec", spec, "--store", store, "--out", dir.file("run"), "--bind", endpoint,
                                 "--key", dir.file("keys/coordinator.key"), "--allow", dir.file("keys/allowed")]
        coordinator.standardError = try FileHandle(forWritingTo: URL(fileURLWithPath: coordinatorLog))
        coordinator.standardOutput = FileHandle.nullDevice
        try coordinator.run()
        let intruder = try IntoneProcess.start(["worker", "--connect", endpoint, "--name", "intruder", "--quiet",
                                                "--key", dir.file("keys/intruder.key"), "--coordinator-key", dir.file("keys/coordinator.pub")])
        // A worker that trusts the wrong coordinator key never gets a welcome.
        let misled = try IntoneProcess.start(["worker", "--connect", endpoint, "--name", "misled", "--quiet",
                                              "--key", dir.file("keys/good.key"), "--coordinator-key", dir.file("keys/intruder.pub")])
        // Only once the coordinator has refused the intruder (a loaded machine can take more than a
        // second to start it) does the allowed worker come and let the sweep finish.
        let refusedBy = Date().addingTimeInterval(20)
        while Date() < refusedBy, !((try? String(contentsOfFile: coordinatorLog, encoding: .utf8)) ?? "").contains("refused a peer") {
            Thread.sleep(forTimeInterval: 0.05)
        }
        let good = try IntoneProcess.start(["worker", "--connect", endpoint, "--name", "good", "--quiet",
                                            "--key", dir.file("keys/good.key"), "--coordinator-key", dir.file("keys/coordinator.pub")])
        defer { for p in [coordinator, intruder, misled, good] where p.isRunning { kill(p.processIdentifier, SIGKILL); p.waitUntilExit() } }
        coordinator.waitUntilExit()
        #expect(coordinator.terminationStatus == 0)
        let deadline = Date().addingTimeInterval(15)
        while good.isRunning && Date() < deadline { Thread.sleep(forTimeInterval: 0.05) }
        #expect(!good.isRunning, "the allowed worker was not told to stop")
        if !good.isRunning { #expect(good.terminationStatus == 0) }
        #expect(intruder.isRunning && misled.isRunning)   // never admitted, still trying
        let log = try String(contentsOfFile: coordinatorLog, encoding: .utf8)
        #expect(log.contains("worker good joined"))
        #expect(log.contains("refused a peer"))
        #expect(!log.contains("worker intruder joined") && !log.contains("worker misled joined"))
        #expect(FileManager.default.fileExists(atPath: dir.file("run/best.json")))
    }

    @Test func exposedEndpointWithoutKeysIsRefused() throws {
        let result = try IntoneProcess.run(["worker", "--connect", "tcp://10.1.2.3:5555", "--quiet"])
        #expect(result.status != 0)
        #expect(result.stderr.contains("connecting to tcp://10.1.2.3:5555 without keys"))
    }
}
