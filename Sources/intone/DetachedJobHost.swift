import Foundation
import IntoneCluster
import IntoneFormats

/// Runs the detached jobs of `intone coordinator`: keeps each job's inputs under
/// `RUN_DIR/jobs/NAME/inputs`, runs it as an `intone COMMAND ... --cluster ENDPOINT --job-name NAME`
/// process in `RUN_DIR/jobs/NAME` (its run directory `run/`, its log `job.log`), journals every
/// change in `RUN_DIR/jobs.sqlite` before answering, and hands out the files to `intone jobs
/// fetch`. After a restart the jobs that were queued or running start again and resume from their
/// run directories (an orphaned process of the killed coordinator is stopped first).
final class DetachedJobHost: JobHost, @unchecked Sendable {
    // @unchecked Sendable: mutable state is guarded by `lock`.
    private let lock = NSLock()
    private let root: String
    private let journal: JobJournal
    private let childArguments: [String]
    private let executable: URL
    private weak var shell: CoordinatorShell?
    private let log: @Sendable (String) -> Void
    private var jobs: [String: HostedJob] = [:]
    /// Names taken by launches still storing their inputs (not jobs yet: not listed, not cancellable).
    private var reserved: Set<String> = []
    private var processes: [String: Process] = [:]
    /// Journaled rows of every job, attached ones too (the table before a restart).
    private var history: [String: JobSummary] = [:]
    /// The jobs that were queued or running when the coordinator last stopped, for `recover`.
    private var unfinishedAtStart: [String] = []
    private var stopping = false

    /// - Parameters:
    ///   - childArguments: what every job process adds to its command: `--cluster ENDPOINT` and the
    ///     keys it connects with.
    init(runDirectory: String, childArguments: [String], shell: CoordinatorShell, log: @escaping @Sendable (String) -> Void) throws {
        root = runDirectory + "/jobs"
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
        do { journal = try JobJournal(path: runDirectory + "/jobs.sqlite") } catch { throw CommandFailure(error.description) }
        self.childArguments = childArguments
        self.shell = shell
        self.log = log
        executable = LocalCluster.executable
        let journal = self.journal
        let (stored, unreadable) = try Self.catching { () throws(SQLiteError) in try journal.hostedJobs() }
        for name in unreadable { log("jobs.sqlite: the record of job \(name) is unreadable; skipped") }
        for j in stored { jobs[j.name] = j }
        unfinishedAtStart = stored.filter { !$0.state.isFinal }.map(\.name)
        history = try Self.catching { () throws(SQLiteError) in try journal.summaries() }
        // Rows of jobs that were live when the coordinator stopped: their connections are gone.
        Self.markGone(&history, except: [])
        publish()
    }

    /// Rows of jobs no longer live (not in `live`) that still say running or connected: gone.
    private static func markGone(_ rows: inout [String: JobSummary], except live: Set<String>) {
        for (name, row) in rows where !live.contains(name) && (row.state == "running" || row.state == "connected") {
            rows[name]!.state = "gone"
            rows[name]!.connections = 0
        }
    }

    private static func catching<T>(_ body: () throws(SQLiteError) -> T) throws -> T {
        do { return try body() } catch { throw CommandFailure(error.description) }
    }

    /// Starts the jobs that were queued or running when the coordinator last stopped (a job whose
    /// cancel was asked for ends cancelled instead). Call once, before requests are served.
    func recover() {
        let names = lock.withLock { () -> [String] in let n = unfinishedAtStart; unfinishedAtStart = []; return n }
        for name in names {
            guard let job = lock.withLock({ jobs[name] }) else { continue }
            if let pid = job.pid, Self.stopOrphan(pid: pid, name: name) {
                log("detached job \(name): stopped process \(pid), left running by the previous coordinator")
            }
            if let reason = job.cancelReason {
                lock.withLock { finish(name, .cancelled, message: reason, exitStatus: nil) }
                continue
            }
            log("detached job \(name): starting again after a coordinator restart (resumes from its run directory)")
            start(name)
        }
        publish()
    }

    /// Stops the job processes (the coordinator is stopping); their jobs stay `running` in the
    /// journal, so the next start of the coordinator runs them again.
    func stopAll() {
        let running = lock.withLock { () -> [Process] in
            stopping = true
            return Array(processes.values)
        }
        for p in running where p.isRunning { p.terminate() }
        let deadline = Date().addingTimeInterval(10)
        for p in running {
            while p.isRunning && Date() < deadline { Thread.sleep(forTimeInterval: 0.05) }
            if p.isRunning { kill(p.processIdentifier, SIGKILL) }
        }
    }

    /// Journals the live job table's rows and refreshes the rows the coordinator shows besides them.
    func recordLiveTable() {
        guard let shell else { return }
        let live = shell.jobTable(includingExternal: false).jobs
        let changed = lock.withLock { () -> Bool in
            let fresh = live.filter { history[$0.name] != $0 }
            guard !fresh.isEmpty else { return false }
            do { try journal.record(fresh, at: Date().timeIntervalSince1970) } catch { log("jobs.sqlite: \(error)") }
            for row in fresh { history[row.name] = row }
            Self.markGone(&history, except: Set(live.map(\.name)))
            return true
        }
        if changed { publish() }
    }

    /// Hands the rows to the shell (call without `lock` held).
    private func publish() {
        let rows = lock.withLock { () -> [String: JobSummary] in
            var rows = history
            for (name, job) in jobs {
                var row = history[name] ?? job.summary
                let own = job.summary
                row.state = own.state
                row.command = own.command
                row.detached = true
                row.exitStatus = own.exitStatus
                row.reason = own.reason
                row.owner = own.owner
                rows[name] = row
            }
            return rows
        }
        shell?.setExternalJobs(rows)
    }

    // MARK: - Requests

    func handle(_ request: WireMessage, from client: String, owner: String?, isAdmin: Bool, reply: @escaping @Sendable (WireMessage) -> Void) {
        func fail(_ reason: String) { reply(WireMessage(Envelope(type: .jobs, reason: reason))) }
        switch request.envelope.type {
        case .launch:
            do {
                let name = try launch(request, from: client, owner: owner)
                reply(WireMessage(Envelope(type: .launched, body: name)))
            } catch let e as ClusterError {
                fail("cannot accept the job: \(e.reason)")
            } catch {
                fail("cannot accept the job: \(error)")
            }
        case .fetch:
            do {
                let (fetched, blobs) = try fetch(request.envelope.body ?? "", by: owner, isAdmin: isAdmin)
                reply(WireMessage(Envelope(type: .files, body: String(decoding: CanonicalJSON.encode(fetched), as: UTF8.self)), blobs: blobs))
            } catch let e as ClusterError {
                fail(e.reason)
            } catch {
                fail("\(error)")
            }
        default:
            fail("not a request for the job host: \(request.envelope.type.rawValue)")
        }
    }

    func cancelled(job name: String, by: String) {
        let process = lock.withLock { () -> Process? in
            guard var job = jobs[name], !job.state.isFinal else { return nil }
            let reason = "job \(name) was cancelled by \(by)"
            // Journaled now: a coordinator restarted before the process stops must not run it again.
            job.cancelReason = reason
            jobs[name] = job
            save(job)
            // Not started: nothing to wait for.
            if processes[name] == nil { finish(name, .cancelled, message: reason, exitStatus: nil) }
            return processes[name]
        }
        publish()
        // The job's connections were refused with the reason, so its process ends by itself; if it
        // is between connections, it learns at its next hello. Stop it if it lingers.
        guard let process else { return }
        DispatchQueue.global().asyncAfter(deadline: .now() + 10) { if process.isRunning { process.terminate() } }
    }

    private func launch(_ request: WireMessage, from client: String, owner: String?) throws -> String {
        guard let body = request.envelope.body, let job = CanonicalJSON.decode(DetachedJobRequest.self, Array(body.utf8)) else {
            throw ClusterError("the request is unreadable")
        }
        try job.validate(frames: request.blobs.count)
        try DetachedArgumentPolicy.check(command: job.command, arguments: job.arguments)
        let name = try lock.withLock { () throws(ClusterError) -> String in
            func taken(_ n: String) -> Bool { jobs[n] != nil || history[n] != nil || reserved.contains(n) }
            var candidate: String
            if let asked = job.name {
                guard !taken(asked) else { throw ClusterError("a job named \(asked) exists on this coordinator; choose another --job-name") }
                candidate = asked
            } else {
                let stamp = Self.stampFormatter.string(from: Date())
                repeat { candidate = "\(job.command)-\(stamp)-\(String(format: "%04x", UInt16.random(in: 0 ... .max)))" } while taken(candidate)
            }
            // Reserved at once, so two launches in the same second get different names.
            reserved.insert(candidate)
            return candidate
        }
        defer { lock.withLock { _ = reserved.remove(name) } }
        let folder = root + "/" + name
        // A folder left by a coordinator killed during an upload under this name holds nothing of ours.
        try? FileManager.default.removeItem(atPath: folder)
        do {
            for (i, input) in job.inputs.enumerated() {
                let base = "\(folder)/inputs/\(i)/\(input.name)"
                try FileManager.default.createDirectory(atPath: input.folder ? base : "\(folder)/inputs/\(i)", withIntermediateDirectories: true)
            }
            for (f, bytes) in zip(job.files, request.blobs) {
                let input = job.inputs[f.input]
                let path = input.folder ? "\(folder)/inputs/\(f.input)/\(input.name)/\(f.path)" : "\(folder)/inputs/\(f.input)/\(input.name)"
                try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
                try Data(bytes).write(to: URL(fileURLWithPath: path))
            }
            var described = job
            described.files = []
            try AtomicFile.write(Data(CanonicalJSON.encode(described)), to: folder + "/request.json")
        } catch {
            try? FileManager.default.removeItem(atPath: folder)
            throw ClusterError("cannot store its inputs under \(folder): \(error.localizedDescription)")
        }
        var record = HostedJob(name: name, command: job.command, arguments: [job.command] + job.arguments.map { a in
            DetachedJobRequest.resolve(a, inputPath: { "\(folder)/inputs/\($0)/\(job.inputs[$0].name)" }, out: folder + "/run")
        }, submittedBy: client, submitted: Date().timeIntervalSince1970)
        record.owner = owner
        let saved = lock.withLock { () -> Bool in
            guard save(record) else { return false }
            jobs[name] = record
            return true
        }
        guard saved else {
            try? FileManager.default.removeItem(atPath: folder)
            throw ClusterError("cannot journal it in jobs.sqlite")
        }
        log("detached job \(name) (\(job.command)) submitted by \(client): \(job.files.count) input file(s), \(request.blobs.reduce(0) { $0 + $1.count }) bytes")
        start(name)
        return name
    }

    private func fetch(_ name: String, by requester: String?, isAdmin: Bool) throws -> (FetchedJob, [[UInt8]]) {
        guard let job = lock.withLock({ jobs[name] }) else {
            throw ClusterError("no detached job named \(name) on this coordinator (`intone jobs list` shows the jobs)")
        }
        guard isAdmin || (job.owner != nil && job.owner == requester) else {
            throw ClusterError("job \(name) is not this key's: only its owner or a key with the admin role may fetch it")
        }
        guard job.state.isFinal else {
            throw ClusterError("job \(name) is \(job.state.rawValue); fetch it once `intone jobs show \(name)` says finished, failed or cancelled")
        }
        let folder = root + "/" + name
        let run = folder + "/run"
        var paths = filesUnder(run, followingLinks: false)
        var blobs: [[UInt8]] = []
        for relative in paths {
            guard let data = FileManager.default.contents(atPath: run + "/" + relative) else { throw ClusterError("cannot read \(run)/\(relative)") }
            blobs.append([UInt8](data))
        }
        paths.append(DetachedJobHost.logName)
        blobs.append([UInt8](FileManager.default.contents(atPath: folder + "/job.log") ?? Data()))
        return (FetchedJob(job: job, files: paths), blobs)
    }

    /// The job's log among the fetched files.
    static let logName = "intone-job.log"

    // MARK: - Processes

    /// Starts the job's process, unless it has one, has ended, was cancelled or the coordinator stops.
    private func start(_ name: String) {
        let folder = root + "/" + name
        let process = Process()
        process.executableURL = executable
        let log = folder + "/job.log"
        if !FileManager.default.fileExists(atPath: log) { _ = FileManager.default.createFile(atPath: log, contents: nil) }
        let handle = FileHandle(forWritingAtPath: log)
        _ = try? handle?.seekToEnd()
        process.standardOutput = handle ?? FileHandle.nullDevice
        process.standardError = handle ?? FileHandle.nullDevice
        process.currentDirectoryURL = URL(fileURLWithPath: folder)
        process.terminationHandler = { [weak self] p in
            try? handle?.close()
            self?.ended(name, process: p)
        }
        let started = lock.withLock { () -> Bool in
            guard var job = jobs[name], !job.state.isFinal, job.cancelReason == nil, processes[name] == nil, !stopping else {
                try? handle?.close()
                return false
            }
            process.arguments = Array(job.arguments) + childArguments + ["--job-name", name]
            do { try process.run() } catch {
                try? handle?.close()
                finish(name, .failed, message: "cannot start \(executable.path): \(error.localizedDescription)", exitStatus: nil)
                return false
            }
            job.state = .running
            job.pid = Int(process.processIdentifier)
            job.starts += 1
            processes[name] = process
            jobs[name] = job
            save(job)
            return true
        }
        publish()
        if started { self.log("detached job \(name) started (process \(process.processIdentifier))") }
    }

    private func ended(_ name: String, process: Process) {
        let status = Int(process.terminationStatus)
        let signalled = process.terminationReason == .uncaughtSignal
        let failure = status == 0 && !signalled ? nil
            : (Self.lastLine(of: root + "/" + name + "/job.log") ?? (signalled ? "killed by signal \(status)" : "exit status \(status)"))
        let line = lock.withLock { () -> String? in
            guard processes[name] === process else { return nil }
            processes[name] = nil
            // Stopped by the coordinator's own stop: the job runs again at its next start. (One that
            // ended by itself meanwhile is recorded: job processes do not catch SIGTERM.)
            if stopping && signalled { return nil }
            guard let job = jobs[name] else { return nil }
            let exit = signalled ? 128 + status : status
            let state: HostedJob.State = job.cancelReason != nil ? .cancelled : (failure == nil ? .finished : .failed)
            finish(name, state, message: job.cancelReason ?? failure, exitStatus: exit)
            return "detached job \(name) \(state.rawValue) (exit status \(exit))" + (state == .failed ? ": \(failure ?? "")" : "")
        }
        publish()
        if let line { log(line) }
    }

    /// Records that job `name` ended in `state` (call under `lock`).
    private func finish(_ name: String, _ state: HostedJob.State, message: String?, exitStatus: Int?) {
        guard var job = jobs[name] else { return }
        job.state = state
        job.message = message
        job.exitStatus = exitStatus
        job.pid = nil
        job.finished = Date().timeIntervalSince1970
        jobs[name] = job
        save(job)
    }

    /// Journals `job` (call under `lock`); false (and logged) if the journal could not be written.
    @discardableResult
    private func save(_ job: HostedJob) -> Bool {
        do { try journal.save(job); return true } catch {
            log("jobs.sqlite: cannot journal job \(job.name): \(error)")
            return false
        }
    }

    /// Stops the process `pid` if it still is the job `name` (a process left by a coordinator that
    /// was killed; it would otherwise write the same run directory as the new one).
    /// Whether it found and stopped such a process.
    private static func stopOrphan(pid: Int, name: String) -> Bool {
        guard let cmdline = FileManager.default.contents(atPath: "/proc/\(pid)/cmdline") else { return false }
        let words = cmdline.split(separator: 0).map { String(decoding: $0, as: UTF8.self) }
        guard let i = words.firstIndex(of: "--job-name"), i + 1 < words.count, words[i + 1] == name else { return false }
        kill(pid_t(pid), SIGTERM)
        if !waitUntilGone(pid, seconds: 10) {
            kill(pid_t(pid), SIGKILL)
            // Gone before the job starts again (it holds the run directory's lock until it is).
            _ = waitUntilGone(pid, seconds: 5)
        }
        return true
    }

    /// Whether process `pid` ended within `seconds`. A child of the killed coordinator is reaped
    /// by init; until then it is a zombie, which still answers kill 0 and counts as gone.
    private static func waitUntilGone(_ pid: Int, seconds: Double) -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while kill(pid_t(pid), 0) == 0 {
            if let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8), stat.contains(") Z ") { return true }
            if Date() >= deadline { return false }
            Thread.sleep(forTimeInterval: 0.05)
        }
        return true
    }

    private static func lastLine(of path: String) -> String? {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { return nil }
        return text.split(separator: "\n").last(where: { !$0.trimmingCharacters(in: .whitespaces).isEmpty }).map(String.init)
    }

    private static let stampFormatter: DateFormatter = {
        let f = DateFormatter()
        f.locale = Locale(identifier: "en_US_POSIX")
        f.timeZone = TimeZone(identifier: "UTC")
        f.dateFormat = "yyyyMMdd-HHmmss"
        return f
    }()
}
