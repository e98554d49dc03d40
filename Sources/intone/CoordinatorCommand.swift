import ArgumentParser
import Foundation
import IntoneCluster
import IntoneFormats

/// `intone coordinator`: a long-running coordinator that workers join and jobs are submitted to.
struct CoordinatorCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "coordinator",
        abstract: "Run a coordinator: workers join it, and `--cluster` jobs send it their tasks.",
        discussion: """
        Binds a ROUTER socket that workers (`intone worker --connect`) and jobs (`intone sweep \
        --cluster`, `intone extract --cluster`) connect to, hands the jobs' tasks to the workers, \
        re-queues the tasks of a worker that dies, and sends each result back to its job. Jobs journal \
        their own results, so a coordinator that is restarted loses nothing: the jobs and the workers \
        reconnect by themselves and only unfinished tasks run again.

        RUN_DIR receives coordinator.json (endpoints, public key, process id), status.json (counters, \
        rewritten every few seconds) and events.log (workers joining and leaving, refusals). With \
        --metrics the same counters are served for Prometheus at http://ADDRESS:PORT/metrics.

        Binding anything but loopback needs --key and --allow (see `intone keygen`); the jobs' hosts \
        need their keys in the allow-list too. Stop it with SIGINT or SIGTERM; workers keep trying to \
        reconnect until a coordinator is back.

        Examples:
          intone coordinator --bind tcp://*:5555 --run /var/lib/intone/coordinator --key keys/coordinator.key --allow keys/allowed
          intone coordinator --bind tcp://127.0.0.1:5555 --run runs/coordinator --metrics tcp://127.0.0.1:9464
        """
    )

    @Option(help: "Endpoint to bind, e.g. tcp://*:5555 or tcp://127.0.0.1:5555.")
    var bind: String

    @Option(name: .customLong("run"), help: "Folder for coordinator.json, status.json and events.log (created).")
    var runDirectory: String

    @Option(help: "Also serve Prometheus metrics over HTTP on this endpoint, e.g. tcp://0.0.0.0:9464.")
    var metrics: String?

    @Option(help: "Also serve the read-only web dashboard (workers, jobs, tasks/s, events) on this endpoint, e.g. tcp://127.0.0.1:8265; open http://127.0.0.1:8265/.")
    var dashboard: String?

    @Option(name: .customLong("status-every"), help: "Seconds between status lines in the log.")
    var statusEvery: Double = 10

    @OptionGroup var security: SecurityOptions

    @OptionGroup var logging: LoggingOptions

    func run() throws {
        let logger = logging.makeLogger("intone.coordinator")
        do {
            try FileManager.default.createDirectory(atPath: runDirectory, withIntermediateDirectories: true)
        } catch {
            throw CommandFailure("cannot create the run directory \(runDirectory): \(error.localizedDescription)")
        }
        var mode = try security.coordinator(bind: bind) { logger.warning("\($0)") }
        // Detached jobs run as clients of this coordinator: with keys, they use its own key pair.
        var childArguments: [String] = []
        if case .curve(let server, let allow) = mode, let key = security.key {
            var roles = allow.roles
            roles[server.publicKey] = nil   // all roles: it runs detached jobs for any owner
            mode = .curve(server: server, allow: AllowList(keys: allow.keys.union([server.publicKey]), roles: roles))
            let pub = runDirectory + "/coordinator.pub"
            try? AtomicFile.write(Data("\(server.publicKey)\n".utf8), to: pub)
            childArguments += ["--key", URL(fileURLWithPath: key).standardizedFileURL.path, "--coordinator-key", URL(fileURLWithPath: pub).standardizedFileURL.path]
        }
        if let metrics, !CoordinatorSecurity.isLocalOnly(metrics) {
            logger.warning("WARNING: --metrics \(metrics) is reachable beyond this machine and has no authentication: anyone who reaches it reads the counters (workers, tasks, refusals); bind a private address or tcp://127.0.0.1:PORT")
        }
        if let dashboard, !CoordinatorSecurity.isLocalOnly(dashboard) {
            logger.warning("WARNING: --dashboard \(dashboard) is reachable beyond this machine and has no authentication: anyone who reaches it sees the jobs and workers (read-only); bind tcp://127.0.0.1:PORT and use an SSH tunnel")
        }
        let events = EventLog(path: runDirectory + "/events.log")
        // Watched from the start: a signal while detached jobs are recovered still stops cleanly.
        let stop = StopFlag()
        for signalNumber in [SIGINT, SIGTERM] { stop.watch(signalNumber) }
        let shell: CoordinatorShell
        do {
            shell = try CoordinatorShell(bind: bind, security: mode, metrics: metrics, dashboard: dashboard)
        } catch {
            throw CommandFailure("cannot start the coordinator: \(error)")
        }
        shell.log = { line in
            logger.info("\(line)")
            events.append(line)
        }
        let connect = Self.loopbackEndpoint(shell.endpoint)
        if case .insecure = mode, !CoordinatorSecurity.isLocalOnly(connect) { childArguments.append("--insecure") }
        let host: DetachedJobHost
        do {
            host = try DetachedJobHost(runDirectory: URL(fileURLWithPath: runDirectory).standardizedFileURL.path,
                                       childArguments: ["--cluster", connect] + childArguments, shell: shell,
                                       log: { line in logger.info("\(line)"); events.append(line) })
        } catch {
            shell.stop()
            throw error
        }
        // Jobs left unfinished by the last run start again before new requests are taken (the
        // journaled rows are already in the job table).
        host.recover()
        shell.jobHost = host
        var info: [String: String] = ["endpoint": shell.endpoint, "pid": String(getpid()), "started": ISO8601DateFormatter().string(from: Date())]
        if let m = shell.metricsEndpoint { info["metrics"] = m }
        if let d = shell.dashboardEndpoint { info["dashboard"] = d }
        if case .curve(let server, _) = mode { info["publicKey"] = server.publicKey }
        try writeJSON(info, to: runDirectory + "/coordinator.json")
        let dashboardText = shell.dashboardEndpoint.map { "; dashboard on \($0.replacingOccurrences(of: "tcp://", with: "http://"))/" } ?? ""
        logger.info("coordinator listening on \(shell.endpoint)\(shell.metricsEndpoint.map { "; metrics on \($0)" } ?? "")\(dashboardText)")
        events.append("started on \(shell.endpoint)")

        var lastStatus = Date.distantPast
        var lastLine = Date()
        var lastCompleted = 0
        while !stop.isSet {
            Thread.sleep(forTimeInterval: 0.2)
            let now = Date()
            guard now.timeIntervalSince(lastStatus) >= 2 else { continue }
            lastStatus = now
            let status = shell.status
            try? writeJSON(status, to: runDirectory + "/status.json")
            host.recordLiveTable()
            if now.timeIntervalSince(lastLine) >= statusEvery {
                let rate = Double(status.completedTotal - lastCompleted) / now.timeIntervalSince(lastLine)
                lastLine = now
                lastCompleted = status.completedTotal
                logger.info("\(Self.statusLine(status, rate: rate))")
            }
        }
        events.append("stopped by signal")
        logger.info("coordinator stopping")
        host.stopAll()
        host.recordLiveTable()
        shell.stop()
    }

    /// Where a process on this host reaches the coordinator bound at `endpoint` (the wildcard
    /// address becomes loopback).
    static func loopbackEndpoint(_ endpoint: String) -> String {
        endpoint.replacingOccurrences(of: "tcp://0.0.0.0:", with: "tcp://127.0.0.1:").replacingOccurrences(of: "tcp://[::]:", with: "tcp://[::1]:")
    }

    /// "3 worker(s), 6 slot(s), 1 job(s); tasks: 120 pending, 6 running, 1234 done, 0 failed; 45.2 tasks/s, ETA 2m 50s"
    static func statusLine(_ s: ClusterStatus, rate: Double) -> String {
        var line = "\(s.workers) worker(s), \(s.slots) slot(s), \(s.clients) job(s); tasks: \(s.pending) pending, \(s.running) running, "
        line += "\(s.completedTotal) done, \(s.abandonedTotal) failed; " + String(format: "%.1f tasks/s", rate)
        let open = s.pending + s.running
        if open > 0 && rate > 0 { line += ", ETA " + ProgressBar.duration(Double(open) / rate) }
        return line
    }

    private func writeJSON<T: Encodable>(_ value: T, to path: String) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        try AtomicFile.write(try encoder.encode(value), to: path)
    }
}

/// Appends time-stamped lines to a file (events.log), from any thread.
final class EventLog: @unchecked Sendable {
    // @unchecked Sendable: guarded by `lock`.
    private let handle: FileHandle?
    private let lock = NSLock()

    init(path: String) {
        if !FileManager.default.fileExists(atPath: path) { FileManager.default.createFile(atPath: path, contents: nil) }
        handle = FileHandle(forWritingAtPath: path)
        _ = try? handle?.seekToEnd()
    }

    func append(_ line: String) {
        let stamped = ISO8601DateFormatter().string(from: Date()) + " " + line + "\n"
        lock.withLock { try? handle?.write(contentsOf: Data(stamped.utf8)) }
    }
}

/// Set once SIGINT or SIGTERM arrives.
final class StopFlag: @unchecked Sendable {
    // @unchecked Sendable: guarded by `lock`; the signal sources live as long as the flag.
    private var set = false
    private let lock = NSLock()
    private var sources: [DispatchSourceSignal] = []

    func watch(_ signalNumber: Int32) {
        signal(signalNumber, SIG_IGN)
        let source = DispatchSource.makeSignalSource(signal: signalNumber, queue: .global())
        source.setEventHandler { [weak self] in self?.lock.withLock { self?.set = true } }
        source.resume()
        sources.append(source)
    }

    var isSet: Bool { lock.withLock { set } }
}
