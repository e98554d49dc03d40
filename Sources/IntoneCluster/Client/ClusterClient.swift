import CZMQ
import Foundation
import IntoneFormats

/// Submits batches of tasks to a coordinator that is already running (`intone coordinator`) and
/// collects their outcomes: what `intone sweep --cluster ENDPOINT` uses. Each batch opens a DEALER
/// connection, says `hello` as a client, sends the tasks and the blobs they need in one `submit`,
/// and keeps the heartbeat both ways. If the coordinator goes silent (restarted, host rebooted), the
/// client reconnects and resubmits what is still outstanding; the job above it journals every
/// outcome, so nothing finished is asked for again.
public final class ClusterClient: TaskScheduler, @unchecked Sendable {
    // @unchecked Sendable: a batch runs on the calling thread, which alone touches the socket.

    public let endpoint: String
    private let security: WorkerSecurity
    private let name: String
    private let context = ZMQContext()
    private let liveness = 10.0
    /// Receives one line per notable event.
    public var log: @Sendable (String) -> Void = { _ in }
    private let shared = SharedState()

    /// What other threads may touch: the ring peers last heard of, and a request to stop waiting.
    final class SharedState: @unchecked Sendable {
        // @unchecked Sendable: guarded by `lock`.
        private let lock = NSLock()
        private var peers: [RingPeer] = []
        private var heard: Date?
        /// Counts `withdrawLocalTasks` calls: a run gives up when it changes (runs may overlap).
        private var withdrawals = 0

        func update(_ body: String?) {
            let list = body.flatMap { CanonicalJSON.decode(RingPeers.self, Array($0.utf8))?.ringPeers } ?? []
            lock.withLock {
                peers = list
                heard = Date()
            }
        }

        /// The peers, if heard of within `seconds`.
        func peers(within seconds: Double) -> [RingPeer]? {
            lock.withLock { heard.map { Date().timeIntervalSince($0) <= seconds } == true ? peers : nil }
        }

        func requestWithdraw() { lock.withLock { withdrawals += 1 } }
        var withdrawalCount: Int { lock.withLock { withdrawals } }
    }

    /// This job's claim on the coordinator's workers (sent in every hello).
    public let share: JobShare

    /// The command this job runs (`sweep`, `extract`, ...), sent in its hello for the job table.
    public let command: String?

    public init(connect endpoint: String, security: WorkerSecurity = .insecure, name: String? = nil, share: JobShare = JobShare(),
                command: String? = nil) {
        self.endpoint = endpoint
        self.security = security
        self.share = share
        self.command = command
        self.name = name ?? "client-\(ProcessInfo.processInfo.hostName)-\(getpid())"
    }

    public func run(tasks: [CoordinatorCore.Task], blobs: [String: [UInt8]], waitForWorkers: Double,
                    completed: @escaping @Sendable (String, String, [[UInt8]]) -> Void,
                    abandoned: @escaping @Sendable (String, String) -> Void) throws(ClusterError) {
        if tasks.isEmpty { return }
        let withdrawalsBefore = shared.withdrawalCount
        var outstanding = Set(tasks.map(\.id))
        var backoff = 0.25
        var lastWorkerSeen = Date()
        while !outstanding.isEmpty {
            let end = try session(tasks: tasks.filter { outstanding.contains($0.id) }, blobs: blobs, outstanding: &outstanding,
                                  withdrawals: withdrawalsBefore,
                                  waitForWorkers: waitForWorkers, lastWorkerSeen: &lastWorkerSeen,
                                  completed: completed, abandoned: abandoned)
            if end == .finished { return }
            // Deadlines start again with the new connection.
            lastWorkerSeen = Date()
            log("coordinator at \(endpoint) silent; reconnecting in \(backoff) s (\(outstanding.count) task(s) outstanding)")
            Thread.sleep(forTimeInterval: backoff)
            backoff = min(backoff * 2, 8)
        }
    }

    enum SessionEnd { case finished, lost }

    private func session(tasks: [CoordinatorCore.Task], blobs: [String: [UInt8]], outstanding: inout Set<String>, withdrawals: Int,
                         waitForWorkers: Double, lastWorkerSeen: inout Date,
                         completed: @Sendable (String, String, [[UInt8]]) -> Void,
                         abandoned: @Sendable (String, String) -> Void) throws(ClusterError) -> SessionEnd {
        let socket = try connect()
        let sessionStart = Date()
        var welcomed = false
        var submitted = false
        var lastHeard = Date()
        var lastSent = Date.distantPast   // the first hello goes out at once
        var heartbeat = 0.5
        func send(_ m: WireMessage) -> Bool { (try? socket.send(m.frames())) != nil }
        while true {
            if !welcomed && Date().timeIntervalSince(lastSent) >= 0.5 {
                let body = share == JobShare() && command == nil ? nil
                    : String(decoding: CanonicalJSON.encode(HelloBody(share: share, command: command)), as: UTF8.self)
                if send(hello(body: body)) { lastSent = Date() }
            }
            if welcomed && !submitted {
                // Frame 1: the tasks; frames 2...: the blobs they refer to.
                let needed = Set(tasks.flatMap { CoordinatorCore.Task.blobHashes($0.dataHash) })
                let frames = [CanonicalJSON.encode(tasks)] + needed.sorted().compactMap { blobs[$0] }
                guard send(WireMessage(Envelope(type: .submit), blobs: frames)) else { return .lost }
                submitted = true
                lastSent = Date()
            }
            if let frames = try? socket.receive(timeout: 100) {
                lastHeard = Date()
                guard let message = WireMessage.parse(frames) else { continue }
                let e = message.envelope
                if let w = e.workers, w > 0 { lastWorkerSeen = Date() }
                switch e.type {
                case .welcome:
                    welcomed = true
                    shared.update(e.body)
                    if let ms = e.heartbeatMilliseconds, ms > 0 { heartbeat = Double(ms) / 1000 }
                case .heartbeat:
                    shared.update(e.body)
                case .refuse:
                    if let reason = e.reason, reason.hasPrefix("job "), reason.contains(" was cancelled by ") {
                        throw ClusterError("\(reason) (intone jobs cancel); what finished before is kept")
                    }
                    throw ClusterError("the coordinator at \(endpoint) refused this client: \(e.reason ?? "no reason given")")
                case .result:
                    if let id = e.task, outstanding.remove(id) != nil {
                        lastWorkerSeen = Date()
                        completed(id, e.body ?? "{}", message.blobs)
                    }
                case .failure:
                    if let id = e.task, outstanding.remove(id) != nil { abandoned(id, e.reason ?? "failed") }
                default:
                    break
                }
            }
            if outstanding.isEmpty || shared.withdrawalCount != withdrawals {
                // Done, or told to stop waiting: the coordinator withdraws what is left of ours.
                _ = send(WireMessage(Envelope(type: .bye)))
                return .finished
            }
            if welcomed && Date().timeIntervalSince(lastSent) >= heartbeat {
                _ = send(WireMessage(Envelope(type: .heartbeat)))
                lastSent = Date()
            }
            if !welcomed && Date().timeIntervalSince(sessionStart) > max(waitForWorkers, 5) {
                throw ClusterError("no coordinator answered at \(endpoint) within \(Int(max(waitForWorkers, 5))) s: is `intone coordinator` running there, is this host's key in its allow-list, and is --coordinator-key its public key?")
            }
            if welcomed && Date().timeIntervalSince(lastWorkerSeen) > waitForWorkers && Date().timeIntervalSince(sessionStart) > waitForWorkers {
                _ = send(WireMessage(Envelope(type: .bye)))
                throw ClusterError("the coordinator at \(endpoint) has had no worker for \(Int(waitForWorkers)) s; start workers with `intone worker --connect`")
            }
            if welcomed && Date().timeIntervalSince(lastHeard) > heartbeat * liveness { return .lost }
        }
    }

    /// The coordinator's workers that serve ring allreduce, as its `welcome` and heartbeats tell
    /// clients: from the current batch's connection if it spoke within a second, else from a short
    /// connection made to ask (empty if the coordinator does not answer within 3 s).
    public var ringPeers: [RingPeer] {
        if let recent = shared.peers(within: 1) { return recent }
        guard let socket = try? connect() else { return [] }
        let begun = Date()
        var lastSent = Date.distantPast
        while Date().timeIntervalSince(begun) < 3 {
            if Date().timeIntervalSince(lastSent) >= 0.5 {
                _ = try? socket.send(hello().frames())
                lastSent = Date()
            }
            if let frames = try? socket.receive(timeout: 100), let message = WireMessage.parse(frames), message.envelope.type == .welcome {
                shared.update(message.envelope.body)
                _ = try? socket.send(WireMessage(Envelope(type: .bye)).frames())
                return shared.peers(within: 60) ?? []
            }
        }
        return []
    }

    public func withdrawLocalTasks() { shared.requestWithdraw() }

    /// The coordinator's job table (`intone jobs list`).
    /// - Throws: `ClusterError` when no coordinator answers within `timeout` seconds or it refuses this client.
    public func jobTable(timeout: Double = 10) throws(ClusterError) -> JobTable {
        try control(Envelope(type: .jobs), timeout: timeout)
    }

    /// Cancels the job `name` (`intone jobs cancel`) and returns the job table after it.
    /// - Throws: `ClusterError` for a name the coordinator has no job of, no answer, or a refusal.
    public func cancel(job name: String, timeout: Double = 10) throws(ClusterError) -> JobTable {
        try control(Envelope(type: .cancel, body: name), timeout: timeout)
    }

    /// Submits a detached job (`--detach`): the request and its files (frames in `request.files`
    /// order). Returns the job's name on the coordinator.
    /// - Throws: `ClusterError` when the coordinator refuses it (it does not run detached jobs, a bad
    ///   request) or does not answer within `timeout` seconds.
    public func launch(_ request: DetachedJobRequest, files: [[UInt8]], timeout: Double = 120) throws(ClusterError) -> String {
        let body = String(decoding: CanonicalJSON.encode(request), as: UTF8.self)
        let reply = try exchange(WireMessage(Envelope(type: .launch, body: body), blobs: files), answer: .launched, timeout: timeout)
        guard let name = reply.envelope.body, HostedJob.isValidName(name) else {
            throw ClusterError("the coordinator at \(endpoint) sent no job name")
        }
        return name
    }

    /// A detached job's files (`intone jobs fetch`): its journaled record and its files.
    /// - Throws: `ClusterError` for a name that is no detached job, one still running, no answer, or a refusal.
    public func fetch(job name: String, timeout: Double = 120) throws(ClusterError) -> (FetchedJob, [[UInt8]]) {
        let reply = try exchange(WireMessage(Envelope(type: .fetch, body: name)), answer: .files, timeout: timeout)
        guard let body = reply.envelope.body, let fetched = CanonicalJSON.decode(FetchedJob.self, Array(body.utf8)),
              fetched.files.count == reply.blobs.count else {
            throw ClusterError("the coordinator at \(endpoint) sent an unreadable answer for job \(name)")
        }
        return (fetched, reply.blobs)
    }

    /// A new connection to the coordinator (a fresh routing id: a session of its own).
    private func connect() throws(ClusterError) -> ZMQSocket {
        do {
            return try security.connectDealer(context: context, endpoint: endpoint, routingID: "\(name)-\(UInt32.random(in: 0 ... .max))", sendTimeout: 1000)
        } catch { throw ClusterError("cannot connect to \(endpoint): \(error)") }
    }

    /// This client's hello, with `body` (its share and command) when it has one.
    private func hello(body: String? = nil) -> WireMessage {
        WireMessage(Envelope(type: .hello, worker: name, host: ProcessInfo.processInfo.hostName, body: body, role: .client))
    }

    /// One request on a short connection, answered with the job table.
    private func control(_ request: Envelope, timeout: Double) throws(ClusterError) -> JobTable {
        let reply = try exchange(WireMessage(request), answer: .jobs, timeout: timeout)
        guard let body = reply.envelope.body, let table = CanonicalJSON.decode(JobTable.self, Array(body.utf8)) else {
            throw ClusterError("the coordinator at \(endpoint) sent an unreadable job table")
        }
        return table
    }

    /// One request on a short connection: hello as a client, `request`, the reply of type `answer`
    /// (or a `jobs` reply with a reason: the request failed), bye.
    private func exchange(_ request: WireMessage, answer: Envelope.Kind, timeout: Double) throws(ClusterError) -> WireMessage {
        let socket = try connect()
        defer { _ = try? socket.send(WireMessage(Envelope(type: .bye)).frames()) }
        let begun = Date()
        var lastSent = Date.distantPast
        var welcomed = false
        while Date().timeIntervalSince(begun) < timeout {
            if !welcomed && Date().timeIntervalSince(lastSent) >= 0.5 {
                _ = try? socket.send(hello().frames())
                lastSent = Date()
            }
            if welcomed && Date().timeIntervalSince(lastSent) >= 0.5 {
                // Keeps the connection alive while a long request (a big upload) is handled.
                _ = try? socket.send(WireMessage(Envelope(type: .heartbeat)).frames())
                lastSent = Date()
            }
            guard let frames = try? socket.receive(timeout: 100), let message = WireMessage.parse(frames) else { continue }
            let e = message.envelope
            switch e.type {
            case .welcome where !welcomed:
                welcomed = true
                lastSent = Date()
                do { try socket.send(request.frames()) } catch { throw ClusterError("cannot send the request to \(endpoint): \(error)") }
            case .refuse:
                throw ClusterError("the coordinator at \(endpoint) refused this client: \(e.reason ?? "no reason given")")
            case .jobs where e.reason != nil:
                throw ClusterError("\(endpoint): \(e.reason!)")
            case answer:
                return message
            default:
                break
            }
        }
        throw ClusterError("no coordinator answered at \(endpoint) within \(Int(timeout)) s: is `intone coordinator` running there, is this host's key in its allow-list, and is --coordinator-key its public key?")
    }
}
