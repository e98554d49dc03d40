import CZMQ
import Foundation

/// The coordinator's socket side: a ROUTER socket served by its own thread for as long as the shell
/// lives, so workers keep getting heartbeats even while the job does other work (a sweep refitting
/// its winner). Work arrives two ways: batches submitted in this process with `run` (which blocks
/// until each task is done or abandoned), and batches from remote clients (`intone sweep
/// --cluster`), which the core routes itself. The socket is created and used only on the service
/// thread (ZeroMQ sockets are not thread-safe); everything else crosses threads through a lock.
public final class CoordinatorShell: TaskScheduler, @unchecked Sendable {
    // @unchecked Sendable: mutable state is guarded by `lock`; the sockets live on the service thread.

    /// The endpoint workers connect to (with the real port when bound to port `*`).
    public private(set) var endpoint: String = ""
    /// The metrics endpoint (`http://host:port/metrics` is served there), if one was bound.
    public private(set) var metricsEndpoint: String?
    /// The dashboard's endpoint (its page is `http://host:port/`), if one was bound.
    public private(set) var dashboardEndpoint: String?
    /// The newest events, and the finished-task counter once a second, for the dashboard.
    private var events: [DashboardStatus.Event] = []
    private var history: [DashboardStatus.Sample] = []
    /// Receives one line per notable event (worker joined / lost, refusals), on the service thread.
    public var log: @Sendable (String) -> Void {
        get { lock.withLock { logSink } }
        set { lock.withLock { logSink = newValue } }
    }

    private let security: CoordinatorSecurity
    private let lock = NSLock()
    private var logSink: @Sendable (String) -> Void = { _ in }
    private var core: CoordinatorCore
    /// Open batches, by the ids of their tasks still open.
    private var batchOfTask: [String: Batch] = [:]
    private var batches: [ObjectIdentifier: Batch] = [:]
    /// Directives produced off the service thread (submissions, closing), sent by it.
    private var outbox: [CoordinatorCore.Directive] = []
    private var stopping = false
    private var refusedPeers = 0
    /// The key each routing id said its last hello with (with CURVE): its other messages must
    /// come with the same key.
    private var helloKeys: [[UInt8]: String] = [:]
    private let stopped = DispatchSemaphore(value: 0)
    private let started = DispatchTime.now().uptimeNanoseconds
    /// Wakes the service thread when work is submitted in this process, so it goes out at once
    /// instead of at the next poll timeout: an inproc PUSH (used under `lock`) to a PULL in its poll set.
    private let wakeEndpoint = "inproc://intone-coordinator-wake-\(UInt64.random(in: 0 ... .max))"
    private var serviceContext: ZMQContext?
    private var wakeSender: ZMQSocket?

    /// One `run` call's tasks: several may be open at once (a sweep training trials side by side),
    /// each told only of its own tasks. Task ids must be unique among a process's open batches.
    final class Batch: @unchecked Sendable {
        // @unchecked Sendable: `open` is guarded by the shell's lock.
        let completed: @Sendable (String, String, [[UInt8]]) -> Void
        let abandoned: @Sendable (String, String) -> Void
        let done: DispatchSemaphore
        var open: Set<String>

        init(ids: Set<String>, completed: @escaping @Sendable (String, String, [[UInt8]]) -> Void,
             abandoned: @escaping @Sendable (String, String) -> Void, done: DispatchSemaphore) {
            self.open = ids
            self.completed = completed
            self.abandoned = abandoned
            self.done = done
        }
    }

    /// Binds `bind` (e.g. `tcp://127.0.0.1:*`, `tcp://*:5555`, `ipc:///tmp/intone.sock`) and starts
    /// serving; with `metrics` (e.g. `tcp://127.0.0.1:9464`) also serves Prometheus metrics over HTTP,
    /// with `dashboard` (e.g. `tcp://127.0.0.1:8265`) the read-only dashboard page.
    public init(bind: String, security: CoordinatorSecurity = .insecure, configuration: CoordinatorCore.Configuration = .init(),
                metrics: String? = nil, dashboard: String? = nil) throws(ClusterError) {
        core = CoordinatorCore(configuration: configuration)
        if case .curve(_, let allow) = security { core.keyRoles = allow.roles }
        self.security = security
        let ready = DispatchSemaphore(value: 0)
        let outcome = BindOutcome()
        Thread.detachNewThread { [unowned self] in
            self.serve(bind: bind, metrics: metrics, dashboard: dashboard, ready: ready, outcome: outcome)
        }
        ready.wait()
        switch outcome.value {
        case .success(let e):
            endpoint = e
            metricsEndpoint = outcome.metrics
            dashboardEndpoint = outcome.dashboard
        case .failure(let error): throw error
        case nil: throw ClusterError("coordinator did not start")
        }
    }

    deinit { stop() }

    /// Messages queued per peer connection before ZeroMQ drops (ROUTER) or blocks (DEALER).
    public static let queueLimit: Int32 = 1_000_000
    /// The largest frame a coordinator, worker or client accepts: 2 GiB - 1 (a shipped blob, an
    /// uploaded file of a detached job).
    public static let maximumFrameBytes: Int64 = (1 << 31) - 1

    /// Workers currently connected.
    public var workerCount: Int { lock.withLock { core.workerCount } }

    /// Runs detached jobs (`launch`, `fetch`); without one such requests are refused.
    public var jobHost: (any JobHost)? {
        get { lock.withLock { jobHostSink } }
        set { lock.withLock { jobHostSink = newValue } }
    }
    private var jobHostSink: (any JobHost)?

    /// The job table as `intone jobs list` shows it; without `includingExternal`, only the jobs
    /// with tasks here.
    public func jobTable(includingExternal: Bool = true) -> JobTable { lock.withLock { core.jobTable(includingExternal: includingExternal) } }

    /// Replaces the job rows the shell supplies besides the live ones (detached jobs, rows
    /// journaled before a restart).
    public func setExternalJobs(_ rows: [String: JobSummary]) { lock.withLock { core.externalJobs = rows } }

    /// Sends `message` to the peer `routingID` from the service thread.
    func send(_ message: WireMessage, to routingID: [UInt8]) {
        lock.withLock {
            outbox.append(.send(to: routingID, message))
            wake()
        }
    }

    public var ringPeers: [RingPeer] { lock.withLock { core.ringPeers } }

    public func withdrawLocalTasks() {
        lock.withLock {
            outbox += core.withdrawLocal()
            wake()
        }
    }

    /// A snapshot of the coordinator's counters.
    public var status: ClusterStatus { lock.withLock { status(core) } }

    private func status(_ core: CoordinatorCore) -> ClusterStatus {
        ClusterStatus(workers: core.workerCount, slots: core.slotCount, clients: core.clientCount, pending: core.pendingCount,
                      running: core.runningCount, completedTotal: core.completedTotal, abandonedTotal: core.abandonedTotal,
                      failuresTotal: core.failuresTotal, workersLostTotal: core.workersLostTotal, duplicateResults: core.duplicateResults,
                      droppedMessages: core.dropped, refusedPeers: refusedPeers, uptimeSeconds: now)
    }

    /// Runs `tasks` on the connected (and connecting) workers until each is done or abandoned.
    /// `completed` and `abandoned` are called on the service thread, once per task.
    /// Throws if no worker has connected within `waitForWorkers` seconds.
    public func run(tasks: [CoordinatorCore.Task], blobs: [String: [UInt8]], waitForWorkers: Double = 60,
                    completed: @escaping @Sendable (String, String, [[UInt8]]) -> Void,
                    abandoned: @escaping @Sendable (String, String) -> Void) throws(ClusterError) {
        if tasks.isEmpty { return }
        let done = DispatchSemaphore(value: 0)
        let batch = Batch(ids: Set(tasks.map(\.id)), completed: completed, abandoned: abandoned, done: done)
        lock.withLock {
            batches[ObjectIdentifier(batch)] = batch
            for id in batch.open { batchOfTask[id] = batch }
            outbox += core.submit(tasks, blobs: blobs, now: now)
            wake()
        }
        let begun = Date()
        while done.wait(timeout: .now() + 0.25) == .timedOut {
            if workerCount == 0 && Date().timeIntervalSince(begun) > waitForWorkers {
                lock.withLock {
                    close(batch)
                    outbox += core.withdrawLocal()
                }
                throw ClusterError("no worker connected to \(endpoint) within \(Int(waitForWorkers)) s")
            }
        }
    }

    /// Tells every connected worker to stop, and for `linger` seconds keeps answering any worker
    /// that reconnects (say, one that had just timed out) with the same message.
    public func shutdownWorkers(reason: String = "the job is finished", linger: Double = 1.5) {
        lock.withLock { outbox += core.close(reason: reason) }
        Thread.sleep(forTimeInterval: linger)
    }

    /// Stops the service thread and closes the socket.
    public func stop() {
        let wasStopping = lock.withLock { () -> Bool in let s = stopping; stopping = true; return s }
        if !wasStopping { stopped.wait() }
    }

    /// Nudges the service thread (call under `lock`).
    private func wake() {
        if wakeSender == nil, let context = serviceContext {
            wakeSender = try? ZMQSocket(context: context, kind: .push)
            if (try? wakeSender?.connect(wakeEndpoint)) == nil { wakeSender = nil }
        }
        try? wakeSender?.send([[1]])
    }

    // MARK: - Service thread

    private var now: Double { Double(DispatchTime.now().uptimeNanoseconds - started) / 1e9 }

    /// What the dashboard shows now.
    public var dashboardStatus: DashboardStatus {
        lock.withLock {
            DashboardStatus(status: status(core), workers: core.workerTable(now: now), jobs: core.jobTable.jobs, events: events, history: history)
        }
    }

    /// Logs `line` and keeps it for the dashboard.
    private func event(_ line: String) {
        lock.withLock {
            events.append(DashboardStatus.Event(seconds: now, text: line))
            if events.count > Dashboard.eventCount { events.removeFirst(events.count - Dashboard.eventCount) }
        }
        log(line)
    }

    private func serve(bind: String, metrics: String?, dashboard: String?, ready: DispatchSemaphore, outcome: BindOutcome) {
        let socket: ZMQSocket
        let context = ZMQContext()
        var zap: ZMQSocket?
        var allow = AllowList(keys: [])
        var metricsServer: MetricsEndpoint?
        do {
            if case .curve(let server, let allowList) = security {
                // The ZAP handler must be bound before the socket it authenticates for.
                let handler = try ZMQSocket(context: context, kind: .rep)
                try handler.bind("inproc://zeromq.zap.01")
                zap = handler
                allow = allowList
                socket = try ZMQSocket(context: context, kind: .router)
                try socket.setOption(ZMQ_CURVE_SERVER, 1)
                try socket.setOption(ZMQ_CURVE_SECRETKEY, string: server.secretKey)
                try socket.setOption(ZMQ_ZAP_DOMAIN, string: "intone")
            } else {
                socket = try ZMQSocket(context: context, kind: .router)
            }
            try socket.setOption(ZMQ_ROUTER_HANDOVER, 1)
            // A ROUTER drops what it cannot queue for a peer; with the default of 1,000 messages a
            // job that reads its results slower than workers produce them lost results (found with
            // intone-bench coordinator-load: 200 workers, one job of 20,000 tasks).
            try socket.setOption(ZMQ_SNDHWM, Self.queueLimit)
            try socket.setOption(ZMQ_RCVHWM, Self.queueLimit)
            // No single frame past 2 GiB (a peer sending one is disconnected by ZeroMQ).
            try socket.setOption(ZMQ_MAXMSGSIZE, int64: Self.maximumFrameBytes)
            // ZeroMQ binds addresses, not host names.
            try socket.bind(bind.replacingOccurrences(of: "tcp://localhost:", with: "tcp://127.0.0.1:"))
        } catch {
            return fail(ClusterError("cannot bind \(bind): \(error.reason)"))
        }
        /// Hands the initialiser a failure and ends the service thread.
        func fail(_ error: ClusterError) {
            outcome.value = .failure(error)
            ready.signal()
            stopped.signal()
        }
        /// An HTTP endpoint (metrics, dashboard) bound to `endpoint`, if one is asked for.
        func http(_ endpoint: String?, _ what: String) throws(ClusterError) -> MetricsEndpoint? {
            guard let endpoint else { return nil }
            do { return try MetricsEndpoint(context: context, bind: endpoint) } catch {
                throw ClusterError("cannot serve \(what) on \(endpoint): \(error.reason)")
            }
        }
        let dashboardServer: MetricsEndpoint?
        do {
            metricsServer = try http(metrics, "metrics")
            dashboardServer = try http(dashboard, "the dashboard")
        } catch {
            return fail(error)
        }
        outcome.metrics = metricsServer?.endpoint
        outcome.dashboard = dashboardServer?.endpoint
        // With keys, a peer that fails the handshake before ZAP is asked (no keys at all, or not
        // Intone's protocol) is logged and counted as a refusal too.
        var handshakes: ZMQSocket?
        if case .curve = security {
            let endpoint = "inproc://intone-coordinator-monitor-\(UInt64.random(in: 0 ... .max))"
            if (try? socket.monitor(endpoint, events: ZMQ_EVENT_HANDSHAKE_FAILED_PROTOCOL | ZMQ_EVENT_HANDSHAKE_FAILED_NO_DETAIL)) != nil,
               let pair = try? ZMQSocket(context: context, kind: .pair), (try? pair.connect(endpoint)) != nil {
                handshakes = pair
            }
        }
        let waker = try? ZMQSocket(context: context, kind: .pull)
        if let waker, (try? waker.bind(wakeEndpoint)) != nil { lock.withLock { serviceContext = context } }
        outcome.value = .success(socket.lastEndpoint)
        ready.signal()
        let pollSet = [socket] + (zap.map { [$0] } ?? []) + (metricsServer.map { [$0.socket] } ?? []) + (dashboardServer.map { [$0.socket] } ?? [])
            + (handshakes.map { [$0] } ?? []) + (waker.map { [$0] } ?? [])
        let zapIndex = zap == nil ? nil : 1
        let metricsIndex = metricsServer == nil ? nil : 1 + (zap == nil ? 0 : 1)
        let dashboardIndex = dashboardServer == nil ? nil : 1 + (zap == nil ? 0 : 1) + (metricsServer == nil ? 0 : 1)
        let wakeIndex = waker == nil ? nil : pollSet.count - 1
        let handshakeIndex = handshakes == nil ? nil : pollSet.count - 1 - (waker == nil ? 0 : 1)
        let interval = lock.withLock { core.configuration.heartbeatInterval }
        var lastTick = now
        while !lock.withLock({ stopping }) {
            flushOutbox(socket)
            let ready = (try? ZMQSocket.poll(pollSet, timeout: 10)) ?? []
            func isReady(_ i: Int?) -> Bool { i.map { $0 < ready.count && ready[$0] } ?? false }
            if isReady(zapIndex), let zap { authenticate(zap, allow: allow) }
            if isReady(metricsIndex), let metricsServer {
                metricsServer.serve { ClusterMetrics.prometheusText(self.status) }
            }
            if isReady(dashboardIndex), let dashboardServer {
                dashboardServer.serve { method, path in Dashboard.reply(method: method, path: path) { self.dashboardStatus } }
            }
            if isReady(handshakeIndex), let handshakes {
                while let frames = try? handshakes.receiveNow(), let first = frames.first, first.count >= 2 {
                    // ZMQ_EVENT_HANDSHAKE_FAILED_PROTOCOL or _NO_DETAIL, depending on how far the peer got.
                    let log = lock.withLock { refusedPeers += 1; return logSink }
                    log("refused a peer on \(frames.count > 1 ? String(decoding: frames[1], as: UTF8.self) : "the coordinator's endpoint"): "
                        + "its handshake failed (no CurveZMQ keys, or not Intone's protocol)")
                }
            }
            if isReady(wakeIndex), let waker {
                while (try? waker.receiveNow()) != nil {}
                flushOutbox(socket)
            }
            if ready.first == true {
                // Drain what is waiting, a bounded number at a time so ticks still happen.
                var received = 0
                while received < 4096, let (frames, key) = (try? socket.receiveNowWithUserID()) ?? nil {
                    received += 1
                    let directives = lock.withLock { () -> [CoordinatorCore.Directive] in
                        if frames.count >= 2, let message = WireMessage.parse(frames.dropFirst()) {
                            if let key, !key.isEmpty {
                                if message.envelope.type == .hello {
                                    core.peerKeys[frames[0]] = key
                                    let directives = core.handle(.received(from: frames[0], message), now: now)
                                    // Only a welcomed hello claims the routing id for its key.
                                    if directives.contains(where: { if case .send(let to, let m) = $0 { return to == frames[0] && m.envelope.type == .welcome } else { return false } }) {
                                        helloKeys[frames[0]] = key
                                    }
                                    return directives
                                } else if let first = helloKeys[frames[0]], first != key {
                                    // Another key reusing a peer's routing id (ROUTER_HANDOVER gives it
                                    // the pipe) without a hello of its own: not heard.
                                    return core.handle(.malformed, now: now)
                                }
                            }
                            return core.handle(.received(from: frames[0], message), now: now)
                        }
                        return core.handle(.malformed, now: now)
                    }
                    for d in directives { execute(d, socket) }
                }
            }
            if now - lastTick >= interval / 4 {
                lastTick = now
                lock.withLock {
                    if now - (history.last?.seconds ?? -1) >= 1 {
                        history.append(DashboardStatus.Sample(seconds: now, completed: core.completedTotal))
                        if history.count > Dashboard.sampleCount { history.removeFirst(history.count - Dashboard.sampleCount) }
                    }
                }
                for d in lock.withLock({ core.handle(.tick, now: now) }) { execute(d, socket) }
            }
            // Withdrawn tasks are reported neither done nor abandoned: once no local task is open,
            // every batch still waiting returns.
            let finished = lock.withLock { () -> [Batch] in
                guard !batches.isEmpty, core.isLocalWorkFinished else { return [] }
                let all = Array(batches.values)
                all.forEach(close)
                return all
            }
            for b in finished { b.done.signal() }
        }
        flushOutbox(socket)
        handshakes = nil
        // The waking socket belongs to this thread's context: close it before the context goes.
        lock.withLock {
            wakeSender = nil
            serviceContext = nil
        }
        stopped.signal()
    }

    /// Forgets a batch (call under `lock`).
    private func close(_ batch: Batch) {
        batches[ObjectIdentifier(batch)] = nil
        for id in batch.open where batchOfTask[id] === batch { batchOfTask[id] = nil }
        batch.open = []
    }

    /// Marks `task` of `batch` reported; the batch's `run` returns once all its tasks are.
    private func settle(_ task: String, of batch: Batch) {
        let finished = lock.withLock { () -> Bool in
            guard batch.open.remove(task) != nil else { return false }
            batchOfTask[task] = nil
            if batch.open.isEmpty { batches[ObjectIdentifier(batch)] = nil; return true }
            return false
        }
        if finished { batch.done.signal() }
    }

    private func flushOutbox(_ socket: ZMQSocket) {
        let pending = lock.withLock { () -> [CoordinatorCore.Directive] in let o = outbox; outbox = []; return o }
        for d in pending { execute(d, socket) }
    }

    /// Answers one ZAP request (RFC 27): admit CURVE clients whose public key is allowed.
    private func authenticate(_ zap: ZMQSocket, allow: AllowList) {
        guard let request = try? zap.receive(timeout: 0), request.count >= 6 else { return }
        let version = request[0], requestID = request[1]
        let address = String(decoding: request[3], as: UTF8.self)
        let mechanism = String(decoding: request[5], as: UTF8.self)
        let admitted = mechanism == "CURVE" && request.count >= 7 && allow.allows(binaryKey: request[6])
        // The user id ZeroMQ attaches to every message of the connection: the peer's public key.
        let userID = admitted ? Array((AllowList.z85(binaryKey: request[6]) ?? "").utf8) : []
        if !admitted {
            let log = lock.withLock { refusedPeers += 1; return logSink }
            log("refused a peer from \(address.isEmpty ? "unknown address" : address): its key is not in the allow-list")
        }
        try? zap.send([version, requestID, Array((admitted ? "200" : "400").utf8), Array((admitted ? "OK" : "key not allowed").utf8), userID, []])
    }

    private func execute(_ d: CoordinatorCore.Directive, _ socket: ZMQSocket) {
        switch d {
        case .send(let to, let message):
            do { try socket.send([to] + message.frames()) } catch { log("cannot send to a peer: \(error)") }
        case .completed(let task, let body, let blobs):
            guard let b = lock.withLock({ batchOfTask[task] }) else { return }
            b.completed(task, body, blobs)
            settle(task, of: b)
        case .abandoned(let task, let reason):
            guard let b = lock.withLock({ batchOfTask[task] }) else { return }
            b.abandoned(task, reason)
            settle(task, of: b)
        case .workerJoined(let name, let jobs): event("worker \(name) joined (\(jobs) job(s))")
        case .workerLost(let name, let requeued): event("worker \(name) lost; \(requeued) task(s) requeued")
        case .clientJoined(let name): event("client \(name) connected")
        case .clientLost(let name, let withdrawn): event("client \(name) gone; \(withdrawn) of its task(s) withdrawn")
        case .refused(let peer, let reason): event("refused \(peer): \(reason)")
        case .jobCancelled(let name, let by, let withdrawn):
            event("job \(name) cancelled by \(by); \(withdrawn) of its task(s) withdrawn")
            lock.withLock { jobHostSink }?.cancelled(job: name, by: by)
        case .hostRequest(let peer, let client, let owner, let admin, let message):
            guard let host = lock.withLock({ jobHostSink }) else {
                let reason = "this coordinator does not run detached jobs (only `intone coordinator --run DIR` does)"
                execute(.send(to: peer, WireMessage(Envelope(type: .jobs, reason: reason))), socket)
                return
            }
            // Off the service thread: unpacking a job's inputs or reading its files takes a while.
            DispatchQueue.global().async { [self] in
                host.handle(message, from: client, owner: owner, isAdmin: admin) { reply in self.send(reply, to: peer) }
            }
        }
    }
}

/// What runs detached jobs for a coordinator shell: `intone coordinator` keeps their inputs, runs
/// them as processes and journals them.
public protocol JobHost: AnyObject, Sendable {
    /// Answers a `launch` or `fetch` from the client named `client`, authenticated with the public
    /// key `owner` (nil without keys), with the admin role or not: calls `reply` once, on any thread.
    func handle(_ request: WireMessage, from client: String, owner: String?, isAdmin: Bool, reply: @escaping @Sendable (WireMessage) -> Void)
    /// The job `name` was cancelled by `by` (`intone jobs cancel`).
    func cancelled(job name: String, by: String)
}

/// The service thread's bind result, handed to the initialiser.
final class BindOutcome: @unchecked Sendable {
    // @unchecked Sendable: written before `ready` is signalled, read after it is waited on.
    var value: Result<String, ClusterError>?
    var metrics: String?
    var dashboard: String?
}

/// A cluster job that cannot go on, in words an operator can act on.
public struct ClusterError: Error, Equatable, Sendable, CustomStringConvertible {
    public let reason: String
    public init(_ reason: String) { self.reason = reason }
    public var description: String { reason }
}
