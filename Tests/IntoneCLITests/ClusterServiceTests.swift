import Foundation
import Testing
import IntoneTestSupport
import IntoneCluster

/// `intone coordinator` as a service, jobs sent to it with `--cluster`, and extraction on workers:
/// real processes on loopback, results compared byte for byte with local runs.
@Suite(.serialized)
struct ClusterServiceTests {
    static func waitUntil(_ seconds: Double, _ condition: () -> Bool) -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if condition() { return true }
            Thread.sleep(forTimeInterval: 0.02)
        }
        return condition()
    }

    static func trialLines(_ path: String) -> Int {
        ((try? String(contentsOfFile: path, encoding: .utf8)) ?? "").split(separator: "\n").count - 1
    }

    @Test func extractionOnWorkersWritesTheSameStoreAsLocalExtraction() throws {
        let dir = try TemporaryDirectory()
        defer { dir.cleanup() }
        try IntoneProcess.succeed(["corpus", "synth", "--out", dir.file("corpus"), "--quiet"])
        // A corrupt file must be reported the same way wherever it is decoded.
        try Data("not audio at all".utf8).write(to: URL(fileURLWithPath: dir.file("corpus/Crema/1001_DFA_ANG_XX.wav")))
        let local = try IntoneProcess.run(["extract", "--data", dir.file("corpus"), "--out", dir.file("local"), "--augment", "--quiet"])
        #expect(local.status == 1)   // one failed file
        let workers = try IntoneProcess.run(["extract", "--data", dir.file("corpus"), "--out", dir.file("workers"), "--augment",
                                             "--local-workers", "2", "--quiet"])
        #expect(workers.status == 1, "\(workers.stderr)")
        #expect(differences(dir.file("workers"), dir.file("local")) == [])
        let errors = try String(contentsOfFile: dir.file("workers/errors.csv"), encoding: .utf8)
        let localErrors = try String(contentsOfFile: dir.file("local/errors.csv"), encoding: .utf8)
        #expect(errors == localErrors)
        #expect(errors.contains("1001_DFA_ANG_XX.wav"))
    }

    @Test func extractionShipsAudioToWorkersThatConnectFromElsewhere() throws {
        let dir = try TemporaryDirectory()
        defer { dir.cleanup() }
        try IntoneProcess.succeed(["corpus", "synth", "--out", dir.file("corpus"), "--quiet"])
        try IntoneProcess.succeed(["extract", "--data", dir.file("corpus"), "--out", dir.file("local"), "--quiet"])
        let endpoint = "ipc://" + dir.file("extract.sock")
        // The workers run from their own empty folders; without --shared-path every file is shipped.
        try FileManager.default.createDirectory(atPath: dir.file("w1"), withIntermediateDirectories: true)
        let coordinator = try IntoneProcess.start(["extract", "--data", dir.file("corpus"), "--out", dir.file("shipped"), "--bind", endpoint, "--quiet"])
        let worker = Process()
        worker.executableURL = IntoneProcess.executable
        worker.arguments = ["worker", "--connect", endpoint, "--jobs", "2", "--name", "far", "--quiet"]
        worker.currentDirectoryURL = URL(fileURLWithPath: dir.file("w1"))
        try worker.run()
        defer { for p in [coordinator, worker] where p.isRunning { kill(p.processIdentifier, SIGKILL); p.waitUntilExit() } }
        #expect(Self.waitUntil(120) { !coordinator.isRunning })
        #expect(coordinator.terminationStatus == 0)
        #expect(differences(dir.file("shipped"), dir.file("local")) == [])
        #expect(Self.waitUntil(10) { !worker.isRunning })
    }

    @Test func jobsSentToARunningCoordinatorSurviveItsRestart() throws {
        let dir = try TemporaryDirectory()
        defer { dir.cleanup() }
        let (store, spec) = try ClusterSweepTests.prepare(dir)
        try IntoneProcess.succeed(["sweep", "--spec", spec, "--store", store, "--out", dir.file("local"), "--quiet"])
        let endpoint = "ipc://" + dir.file("coordinator.sock")
        let service = ["coordinator", "--bind", endpoint, "--run", dir.file("coordinator"), "--metrics", "tcp://127.0.0.1:*", "--quiet"]
        var coordinator = try IntoneProcess.start(service)
        let w1 = try IntoneProcess.start(["worker", "--connect", endpoint, "--jobs", "1", "--name", "w1", "--quiet"])
        let w2 = try IntoneProcess.start(["worker", "--connect", endpoint, "--jobs", "1", "--name", "w2", "--quiet"])
        let sweep = try IntoneProcess.start(["sweep", "--spec", spec, "--store", store, "--out", dir.file("cluster"), "--cluster", endpoint,
                                             "--wait-for-workers", "60", "--quiet"])
        var all = [coordinator, w1, w2, sweep]
        defer { for p in all where p.isRunning { kill(p.processIdentifier, SIGKILL); p.waitUntilExit() } }

        // The metrics endpoint answers while the sweep runs.
        #expect(Self.waitUntil(20) { FileManager.default.fileExists(atPath: dir.file("coordinator/coordinator.json")) })
        let info = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: dir.file("coordinator/coordinator.json")))) as? [String: String]
        let metrics = try #require(info?["metrics"])
        let page = try HTTP.get(endpoint: metrics, path: "/metrics")
        #expect(page.hasPrefix("HTTP/1.0 200 OK"))
        #expect(page.contains("# TYPE intone_tasks_completed_total counter"))
        #expect(page.contains("intone_workers "))

        // Kill the coordinator once some trials are in, then start it again on the same endpoint.
        #expect(Self.waitUntil(120) { Self.trialLines(dir.file("cluster/trials.csv")) > 5 })
        kill(coordinator.processIdentifier, SIGKILL)
        coordinator.waitUntilExit()
        let before = Self.trialLines(dir.file("cluster/trials.csv"))
        coordinator = try IntoneProcess.start(service)
        all.append(coordinator)
        #expect(Self.waitUntil(180) { !sweep.isRunning })
        #expect(sweep.terminationStatus == 0)
        let keys = try String(contentsOfFile: dir.file("cluster/trials.csv"), encoding: .utf8).split(separator: "\n").dropFirst().map { $0.split(separator: ",")[0] }
        #expect(keys.count == 7 * 4 && Set(keys).count == keys.count)   // nothing lost, nothing twice
        #expect(keys.count >= before)
        #expect(try ClusterSweepTests.bytes(dir.file("cluster/best.json")) == (try ClusterSweepTests.bytes(dir.file("local/best.json"))))
        // The service and its workers keep running for the next job; SIGTERM stops the service.
        #expect(coordinator.isRunning && w1.isRunning && w2.isRunning)
        kill(coordinator.processIdentifier, SIGTERM)
        #expect(Self.waitUntil(10) { !coordinator.isRunning })
        #expect(coordinator.terminationStatus == 0)
        let events = try String(contentsOfFile: dir.file("coordinator/events.log"), encoding: .utf8)
        #expect(events.contains("worker w1 joined") && events.contains("stopped by signal"))
    }

    /// Four jobs at once on one coordinator and its two shared workers: two sweeps on different
    /// stores (the same spec, so their trials have the same ids and configurations), an extraction
    /// and a scoring run. Each job's outputs are the bytes of the same job run alone in one process:
    /// no result, blob or model of one reaches another.
    @Test func concurrentJobsOnOneCoordinatorGetTheirOwnResults() throws {
        let dir = try TemporaryDirectory()
        defer { dir.cleanup() }
        let (store, spec) = try ClusterSweepTests.prepare(dir)
        try IntoneProcess.succeed(["extract", "--data", SharedCorpus.corpus, "--out", dir.file("prosody-store"), "--features", "prosody", "--quiet"])
        let other = dir.file("prosody-store")
        // Alone, in this process.
        try IntoneProcess.succeed(["sweep", "--spec", spec, "--store", store, "--out", dir.file("alone-a"), "--quiet"])
        try IntoneProcess.succeed(["sweep", "--spec", spec, "--store", other, "--out", dir.file("alone-b"), "--quiet"])
        try IntoneProcess.succeed(["extract", "--data", SharedCorpus.corpus, "--out", dir.file("alone-store"), "--channel", "telephone", "--quiet"])
        try IntoneProcess.succeed(["score", "--model", dir.file("alone-a/model"), "--out", dir.file("alone-scores"), SharedCorpus.calls, "--quiet"])

        let endpoint = "ipc://" + dir.file("shared.sock")
        let coordinator = try IntoneProcess.start(["coordinator", "--bind", endpoint, "--run", dir.file("service"), "--quiet"])
        let workers = try (1...2).map { i in
            try IntoneProcess.start(["worker", "--connect", endpoint, "--jobs", "1", "--name", "w\(i)", "--quiet"])
        }
        let cluster = ["--cluster", endpoint, "--wait-for-workers", "60", "--quiet"]
        let jobs = [
            try IntoneProcess.start(["sweep", "--spec", spec, "--store", store, "--out", dir.file("shared-a")] + cluster),
            try IntoneProcess.start(["sweep", "--spec", spec, "--store", other, "--out", dir.file("shared-b")] + cluster),
            try IntoneProcess.start(["extract", "--data", SharedCorpus.corpus, "--out", dir.file("shared-store"), "--channel", "telephone"] + cluster),
            try IntoneProcess.start(["score", "--model", dir.file("alone-a/model"), "--out", dir.file("shared-scores"), SharedCorpus.calls] + cluster),
        ]
        defer { for p in [coordinator] + workers + jobs where p.isRunning { kill(p.processIdentifier, SIGKILL); p.waitUntilExit() } }
        #expect(Self.waitUntil(300) { jobs.allSatisfy { !$0.isRunning } }, "the jobs did not finish")
        for job in jobs { #expect(job.terminationStatus == 0) }
        for (shared, alone) in [("shared-a", "alone-a"), ("shared-b", "alone-b")] {
            #expect(try ClusterSweepTests.bytes(dir.file(shared + "/best.json")) == ClusterSweepTests.bytes(dir.file(alone + "/best.json")), "\(shared)")
            #expect(differences(dir.file(shared + "/model"), dir.file(alone + "/model")) == [], "\(shared)")
        }
        // The two sweeps really differ (else a mix-up could not show).
        #expect(try ClusterSweepTests.bytes(dir.file("alone-a/best.json")) != ClusterSweepTests.bytes(dir.file("alone-b/best.json")))
        #expect(differences(dir.file("shared-store"), dir.file("alone-store")) == [])
        for name in ["windows.csv", "windows.jsonl", "calls.csv", "errors.csv"] {
            #expect(try ClusterSweepTests.bytes(dir.file("shared-scores/" + name)) == ClusterSweepTests.bytes(dir.file("alone-scores/" + name)), "\(name)")
        }
        #expect(coordinator.isRunning && workers.allSatisfy { $0.isRunning })
    }

    /// `intone jobs list|show|cancel` against a running coordinator: a sweep waiting for workers is
    /// listed with its pending tasks, cancelled (it stops with the reason, and a cancel of a name
    /// that is no job is an error), and the coordinator goes on serving the next job.
    @Test func aJobIsListedAndCancelledWhileTheCoordinatorServesOthers() throws {
        let dir = try TemporaryDirectory()
        defer { dir.cleanup() }
        let (store, spec) = try ClusterSweepTests.prepare(dir)
        let endpoint = "ipc://" + dir.file("jobs.sock")
        let coordinator = try IntoneProcess.start(["coordinator", "--bind", endpoint, "--run", dir.file("service"), "--quiet"])
        let log = dir.file("doomed.log")
        let doomed = try IntoneProcess.start(["sweep", "--spec", spec, "--store", store, "--out", dir.file("doomed"), "--cluster", endpoint,
                                              "--wait-for-workers", "120", "--quiet"], log: log)
        var all = [coordinator, doomed]
        defer { for p in all where p.isRunning { kill(p.processIdentifier, SIGKILL); p.waitUntilExit() } }
        // No worker yet: the sweep's tasks wait in the queue.
        var listing = ""
        #expect(Self.waitUntil(60) {
            listing = (try? IntoneProcess.run(["jobs", "list", "--coordinator", endpoint]))?.stdout ?? ""
            let lines = listing.split(separator: "\n").map { $0.split(separator: " ") }
            return lines.count > 2 && lines[1].count > 1 && lines[1][1] == "running"
        }, "\(listing)")
        let rows = listing.split(separator: "\n").map { $0.split(separator: " ").map(String.init) }
        let name = try #require(rows.count > 1 ? rows[1].first : nil, "\(listing)")
        #expect(name == "client-\(ProcessInfo.processInfo.hostName)-\(doomed.processIdentifier)")
        let shown = try IntoneProcess.succeed(["jobs", "show", name, "--coordinator", endpoint])
        #expect(shown.stdout.contains("\"state\" : \"running\"") && shown.stdout.contains("\"pending\" : "))
        let cancelled = try IntoneProcess.succeed(["jobs", "cancel", name, "--coordinator", endpoint])
        #expect(cancelled.stdout.hasPrefix("cancelled \(name): 0 task(s) done, "))
        #expect(Self.waitUntil(30) { !doomed.isRunning })
        #expect(doomed.terminationStatus != 0)
        #expect(Self.text(log).contains("job \(name) was cancelled by jobs-"), "\(Self.text(log))")
        let after = try IntoneProcess.succeed(["jobs", "list", "--coordinator", endpoint]).stdout
        #expect(after.contains("\(name)  cancelled"), "\(after)")
        let unknown = try IntoneProcess.run(["jobs", "cancel", "nosuch", "--coordinator", endpoint])
        #expect(unknown.status != 0 && unknown.stderr.contains("no job named nosuch"))
        // The next job runs as usual.
        let worker = try IntoneProcess.start(["worker", "--connect", endpoint, "--jobs", "2", "--name", "w", "--quiet"])
        all.append(worker)
        try IntoneProcess.succeed(["sweep", "--spec", spec, "--store", store, "--out", dir.file("next"), "--cluster", endpoint, "--quiet"])
        #expect(FileManager.default.fileExists(atPath: dir.file("next/best.json")))
    }

    static func text(_ path: String) -> String { (try? String(contentsOfFile: path, encoding: .utf8)) ?? "" }

    /// `intone coordinator --dashboard`: the page (one HTML document, no outside asset), its status
    /// JSON with the running job's progress changing while it runs, and nothing but GET answered.
    @Test func theDashboardShowsWorkersJobsAndProgress() throws {
        let dir = try TemporaryDirectory()
        defer { dir.cleanup() }
        let (store, spec) = try ClusterSweepTests.prepare(dir)
        let endpoint = "ipc://" + dir.file("dash.sock")
        let coordinator = try IntoneProcess.start(["coordinator", "--bind", endpoint, "--run", dir.file("service"), "--dashboard", "tcp://127.0.0.1:*", "--quiet"])
        let worker = try IntoneProcess.start(["worker", "--connect", endpoint, "--jobs", "1", "--name", "dash-w", "--quiet"])
        var all = [coordinator, worker]
        defer { for p in all where p.isRunning { kill(p.processIdentifier, SIGKILL); p.waitUntilExit() } }
        #expect(Self.waitUntil(20) { FileManager.default.fileExists(atPath: dir.file("service/coordinator.json")) })
        let info = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: dir.file("service/coordinator.json")))) as? [String: String]
        let dashboard = try #require(info?["dashboard"])
        let page = try HTTP.get(endpoint: dashboard, path: "/")
        #expect(page.hasPrefix("HTTP/1.0 200 OK") && page.contains("Content-Type: text/html"))
        #expect(page.contains("<canvas id=\"rate\"") && page.contains("fetch(\"api/status\""))
        #expect(!page.contains("http://") && !page.contains("https://"), "the page loads nothing from outside")
        #expect(try HTTP.get(endpoint: dashboard, path: "/", method: "POST").hasPrefix("HTTP/1.0 405 Method Not Allowed"))
        #expect(try HTTP.get(endpoint: dashboard, path: "/nothing").hasPrefix("HTTP/1.0 404 Not Found"))

        func status() throws -> DashboardStatus? {
            let reply = try HTTP.get(endpoint: dashboard, path: "/api/status")
            guard let body = reply.range(of: "\r\n\r\n").map({ reply[$0.upperBound...] }) else { return nil }
            return try? JSONDecoder().decode(DashboardStatus.self, from: Data(body.utf8))
        }
        let sweep = try IntoneProcess.start(["sweep", "--spec", spec, "--store", store, "--out", dir.file("run"), "--cluster", endpoint, "--quiet"])
        all.append(sweep)
        var seen: [Int] = []
        #expect(Self.waitUntil(120) {
            if let s = try? status(), let job = s.jobs.first { seen.append(job.done) }
            return !sweep.isRunning
        })
        #expect(sweep.terminationStatus == 0)
        // The job's progress moved while it ran, and the page's data names the worker and the events.
        #expect(Set(seen).count >= 2, "done counts seen: \(seen)")
        let last = try #require(try status())
        #expect(last.workers.map(\.name) == ["dash-w"] && last.workers[0].done > 0)
        #expect(last.workers[0].host == ProcessInfo.processInfo.hostName)
        #expect(last.jobs.count == 1 && last.jobs[0].name.hasPrefix("client-") && last.jobs[0].done == 28)
        #expect(last.jobs[0].command == "sweep" && last.jobs[0].owner == nil)   // no keys, no owner
        #expect(last.events.contains { $0.text == "worker dash-w joined (1 job(s))" })
        // The chart's samples: once a second, counting up to the tasks finished.
        #expect(last.history.count >= 2 && zip(last.history, last.history.dropFirst()).allSatisfy { $1.seconds >= $0.seconds + 1 && $1.completed >= $0.completed })
        #expect((last.history.last?.completed ?? -1) <= last.status.completedTotal)
    }
}

/// Relative paths whose bytes differ between two folders (or exist in one only).
func differences(_ a: String, _ b: String) -> [String] {
    let x = treeContents(a), y = treeContents(b)
    return Set(x.keys).union(y.keys).filter { x[$0] != y[$0] }.sorted()
}

/// A bare HTTP/1.0 GET over a TCP socket (what a Prometheus scrape does).
enum HTTP {
    static func get(endpoint: String, path: String, method: String = "GET") throws -> String {
        // endpoint: tcp://127.0.0.1:PORT
        let hostPort = endpoint.replacingOccurrences(of: "tcp://", with: "")
        guard let colon = hostPort.lastIndex(of: ":"), let port = UInt16(hostPort[hostPort.index(after: colon)...]) else {
            throw HTTPError(message: "bad endpoint \(endpoint)")
        }
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw HTTPError(message: "socket failed") }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = port.bigEndian
        address.sin_addr.s_addr = inet_addr(String(hostPort[..<colon]))
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else { throw HTTPError(message: "cannot connect to \(endpoint)") }
        let request = "\(method) \(path) HTTP/1.0\r\nHost: localhost\r\n\r\n"
        _ = request.withCString { send(fd, $0, strlen($0), 0) }
        var response = [UInt8]()
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let n = recv(fd, &buffer, buffer.count, 0)
            if n <= 0 { break }
            response += buffer[0..<n]
        }
        return String(decoding: response, as: UTF8.self)
    }
}

struct HTTPError: Error { let message: String }
