import CZMQ
import Foundation

/// The coordinator's socket side: a ROUTER socket served by its own thread for as long as the shell
/// lives, so workers keep getting heartbeats even while the job does other work (a sweep refitting
/// its winner). Batches of tasks are submitted with `run`, which blocks until each task is done or
/// abandoned. The socket is created and used only on the service thread (ZeroMQ sockets are not
/// thread-safe); everything else crosses threads through a lock.
public final class CoordinatorShell: @unchecked Sendable {
    // @unchecked Sendable: mutable state is guarded by `lock`; the socket lives on the service thread.

    /// The endpoint workers connect to (with the real port when bound to port `*`).
    public private(set) var endpoint: String = ""
    /// Receives one line per notable event (worker joined / lost, refusals), on the service thread.
    public var log: @Sendable (String) -> Void {
        get { lock.withLock { logSink } }
        set { lock.withLock { logSink = newValue } }
    }

    private let security: CoordinatorSecurity
    private let lock = NSLock()
    private var logSink: @Sendable (String) -> Void = { _ in }
    private var core: CoordinatorCore
    private var batch: Batch?
    private var stopping = false
    private var shutdownReason: String?
    /// Set once the job is over: every hello is answered with shutdown.
    private var closingReason: String?
    private let stopped = DispatchSemaphore(value: 0)
    private let started = DispatchTime.now().uptimeNanoseconds

    struct Batch {
        let completed: @Sendable (String, String) -> Void
        let abandoned: @Sendable (String, String) -> Void
        let done: DispatchSemaphore
    }

    /// Binds `bind` (e.g. `tcp://127.0.0.1:*`, `tcp://*:5555`, `ipc:///tmp/intone.sock`) and starts serving.
    public init(bind: String, security: CoordinatorSecurity = .insecure, configuration: CoordinatorCore.Configuration = .init()) throws(ClusterError) {
        core = CoordinatorCore(tasks: [], configuration: configuration)
        self.security = security
        let ready = DispatchSemaphore(value: 0)
        let outcome = BindOutcome()
        Thread.detachNewThread { [unowned self] in
            self.serve(bind: bind, ready: ready, outcome: outcome)
        }
        ready.wait()
        switch outcome.value {
        case .success(let e): endpoint = e
        case .failure(let error): throw error
        case nil: throw ClusterError("coordinator did not start")
        }
    }

    deinit { stop() }

    /// Workers currently connected.
    public var workerCount: Int { lock.withLock { core.workerCount } }

    /// Runs `tasks` on the connected (and connecting) workers until each is done or abandoned.
    /// `completed` and `abandoned` are called on the service thread, once per task.
    /// Throws if no worker has connected within `waitForWorkers` seconds.
    public func run(tasks: [CoordinatorCore.Task], blobs: [String: [UInt8]], waitForWorkers: Double = 60,
                    completed: @escaping @Sendable (String, String) -> Void,
                    abandoned: @escaping @Sendable (String, String) -> Void) throws(ClusterError) {
        let done = DispatchSemaphore(value: 0)
        lock.withLock {
            core.load(tasks: tasks, blobs: blobs)
            batch = Batch(completed: completed, abandoned: abandoned, done: done)
        }
        let begun = Date()
        while done.wait(timeout: .now() + 0.25) == .timedOut {
            if workerCount == 0 && Date().timeIntervalSince(begun) > waitForWorkers {
                lock.withLock { batch = nil }
                throw ClusterError("no worker connected to \(endpoint) within \(Int(waitForWorkers)) s")
            }
        }
    }

    /// Tells every connected worker to stop, and for `linger` seconds answers any worker that
    /// reconnects (say, one that had just timed out) with the same message.
    public func shutdownWorkers(reason: String = "the job is finished", linger: Double = 1.5) {
        lock.withLock { shutdownReason = reason; closingReason = reason }
        Thread.sleep(forTimeInterval: linger)
    }

    /// Stops the service thread and closes the socket.
    public func stop() {
        let wasStopping = lock.withLock { () -> Bool in let s = stopping; stopping = true; return s }
        if !wasStopping { stopped.wait() }
    }

    // MARK: - Service thread

    private var now: Double { Double(DispatchTime.now().uptimeNanoseconds - started) / 1e9 }

    private func serve(bind: String, ready: DispatchSemaphore, outcome: BindOutcome) {
        let socket: ZMQSocket
        let context = ZMQContext()
        var zap: ZMQSocket?
        var allow = AllowList(keys: [])
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
            // ZeroMQ binds addresses, not host names.
            try socket.bind(bind.replacingOccurrences(of: "tcp://localhost:", with: "tcp://127.0.0.1:"))
        } catch {
            outcome.value = .failure(ClusterError("cannot bind \(bind): \(error.reason)"))
            ready.signal()
            stopped.signal()
            return
        }
        outcome.value = .success(socket.lastEndpoint)
        ready.signal()
        var lastTick = now
        while !lock.withLock({ stopping }) {
            if let reason = lock.withLock({ () -> String? in let r = shutdownReason; shutdownReason = nil; return r }) {
                for d in lock.withLock({ core.shutdownMessages(reason: reason) }) { execute(d, socket) }
            }
            let ready = (try? ZMQSocket.poll([socket] + (zap.map { [$0] } ?? []), timeout: 10)) ?? [false]
            if ready.count > 1, ready[1], let zap { authenticate(zap, allow: allow) }
            if ready[0], let frames = try? socket.receive(timeout: 0) {
                if let closing = lock.withLock({ closingReason }), frames.count >= 2,
                   WireMessage.parse(Array(frames.dropFirst()))?.envelope.type == .hello {
                    try? socket.send([frames[0]] + WireMessage(Envelope(type: .shutdown, reason: closing)).frames())
                    continue
                }
                let directives = lock.withLock { () -> [CoordinatorCore.Directive] in
                    if frames.count >= 2, let message = WireMessage.parse(Array(frames.dropFirst())) {
                        return core.handle(.received(from: frames[0], message), now: now)
                    }
                    return core.handle(.received(from: frames.first ?? [], WireMessage(Envelope(type: .heartbeat))), now: now)
                }
                for d in directives { execute(d, socket) }
            }
            let interval = lock.withLock { core.configuration.heartbeatInterval }
            if now - lastTick >= interval / 4 {
                lastTick = now
                for d in lock.withLock({ core.handle(.tick, now: now) }) { execute(d, socket) }
            }
            let finishedBatch = lock.withLock { () -> Batch? in
                guard let b = batch, core.isFinished else { return nil }
                batch = nil
                return b
            }
            finishedBatch?.done.signal()
        }
        stopped.signal()
    }

    /// Answers one ZAP request (RFC 27): admit CURVE clients whose public key is allowed.
    private func authenticate(_ zap: ZMQSocket, allow: AllowList) {
        guard let request = try? zap.receive(timeout: 0), request.count >= 6 else { return }
        let version = request[0], requestID = request[1]
        let address = String(decoding: request[3], as: UTF8.self)
        let mechanism = String(decoding: request[5], as: UTF8.self)
        let admitted = mechanism == "CURVE" && request.count >= 7 && allow.allows(binaryKey: request[6])
        if !admitted { lock.withLock { logSink }("refused a worker from \(address.isEmpty ? "unknown address" : address): its key is not in the allow-list") }
        try? zap.send([version, requestID, Array((admitted ? "200" : "400").utf8), Array((admitted ? "OK" : "key not allowed").utf8), [], []])
    }

    private func execute(_ d: CoordinatorCore.Directive, _ socket: ZMQSocket) {
        let (b, log) = lock.withLock { (batch, logSink) }
        switch d {
        case .send(let to, let message):
            do { try socket.send([to] + message.frames()) } catch { log("cannot send to a worker: \(error)") }
        case .completed(let task, let body): b?.completed(task, body)
        case .abandoned(let task, let reason): b?.abandoned(task, reason)
        case .workerJoined(let name, let jobs): log("worker \(name) joined (\(jobs) job(s))")
        case .workerLost(let name, let requeued): log("worker \(name) lost; \(requeued) task(s) requeued")
        case .refused(let peer, let reason): log("refused \(peer): \(reason)")
        }
    }
}

/// The service thread's bind result, handed to the initialiser.
final class BindOutcome: @unchecked Sendable {
    // @unchecked Sendable: written before `ready` is signalled, read after it is waited on.
    var value: Result<String, ClusterError>?
}

/// A cluster job that cannot go on, in words an operator can act on.
public struct ClusterError: Error, Equatable, Sendable, CustomStringConvertible {
    public let reason: String
    public init(_ reason: String) { self.reason = reason }
    public var description: String { reason }
}
