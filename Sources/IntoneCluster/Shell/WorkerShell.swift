import CZMQ
import Foundation

/// A worker process's socket side: connects a DEALER to the coordinator, announces itself, runs up to
/// `jobs` tasks at once on its own threads, sends results back, and keeps the heartbeat both ways
/// (the ZeroMQ guide's Paranoid Pirate worker): if the coordinator is silent for the liveness window,
/// it reconnects with a fresh socket, backing off, and keeps results of tasks that finished meanwhile
/// to send on the new connection.
public final class WorkerShell: @unchecked Sendable {
    // @unchecked Sendable: after construction the shell is used by exactly one thread, the one that
    // calls `run` (it may be handed to that thread once); task threads only touch `FinishedQueue`.

    /// Runs one task: its JSON body and the blob it needs (its content hash and bytes, if any) in,
    /// a JSON result out.
    public typealias Handler = @Sendable (_ body: String, _ blob: (hash: String, bytes: [UInt8])?) throws -> String

    public let endpoint: String
    public let name: String
    public let jobs: Int
    private let handler: Handler
    private let context = ZMQContext()
    private var socket: ZMQSocket?
    private var blobs: [String: [UInt8]] = [:]
    private var waitingForBlob: [String: [Envelope]] = [:]
    private var running = 0
    private let finished = FinishedQueue()
    private var heartbeatInterval = 0.5
    private let liveness = 10.0
    private let started = DispatchTime.now().uptimeNanoseconds
    /// Receives one line per notable event.
    public var log: (String) -> Void = { _ in }

    private let security: WorkerSecurity

    public init(connect endpoint: String, name: String, jobs: Int, security: WorkerSecurity = .insecure, handler: @escaping Handler) {
        self.endpoint = endpoint
        self.security = security
        self.name = name
        self.jobs = max(1, jobs)
        self.handler = handler
    }

    private var now: Double { Double(DispatchTime.now().uptimeNanoseconds - started) / 1e9 }

    /// Serves until the coordinator says shutdown (returns its reason) or refuses this worker (throws).
    public func run() throws(ClusterError) -> String {
        var backoff = 0.25
        while true {
            let outcome = try session()
            switch outcome {
            case .shutdown(let reason): return reason
            case .lost:
                log("coordinator at \(endpoint) silent; reconnecting in \(backoff) s")
                Thread.sleep(forTimeInterval: backoff)
                backoff = min(backoff * 2, 8)
            }
        }
    }

    enum SessionEnd { case shutdown(String), lost }

    private func session() throws(ClusterError) -> SessionEnd {
        let socket: ZMQSocket
        do {
            socket = try ZMQSocket(context: context, kind: .dealer)
            try socket.setRoutingID(Array(name.utf8))
            // Never block on a connection that is not up (a refused CURVE handshake leaves none):
            // queue only to completed connections and give up a send after 100 ms.
            try socket.setOption(ZMQ_IMMEDIATE, 1)
            try socket.setOption(ZMQ_SNDTIMEO, 100)
            if case .curve(let client, let serverKey) = security {
                try socket.setOption(ZMQ_CURVE_SERVERKEY, string: serverKey)
                try socket.setOption(ZMQ_CURVE_PUBLICKEY, string: client.publicKey)
                try socket.setOption(ZMQ_CURVE_SECRETKEY, string: client.secretKey)
            }
            try socket.connect(endpoint)
            self.socket = socket
        } catch { throw ClusterError("cannot connect to \(endpoint): \(error)") }
        // The hello goes out as soon as the connection is up (the coordinator may start later).
        var helloSent = false
        var lastHeard = now
        var lastSent = now
        var welcomed = false
        while true {
            if !helloSent {
                helloSent = (try? send(Envelope(type: .hello, worker: name, host: ProcessInfo.processInfo.hostName, jobs: jobs))) != nil
                if helloSent { lastHeard = now }
            }
            let frames: [[UInt8]]?
            do { frames = try socket.receive(timeout: 5) } catch { return .lost }
            if let frames, let message = WireMessage.parse(frames) {
                lastHeard = now
                let e = message.envelope
                switch e.type {
                case .welcome:
                    welcomed = true
                    if let ms = e.heartbeatMilliseconds, ms > 0 { heartbeatInterval = Double(ms) / 1000 }
                case .refuse:
                    throw ClusterError("the coordinator refused this worker: \(e.reason ?? "no reason given")")
                case .shutdown:
                    return .shutdown(e.reason ?? "shutdown")
                case .task:
                    if let hash = e.hash, blobs[hash] == nil {
                        if waitingForBlob[hash] == nil { try? send(Envelope(type: .need, hash: hash)) }
                        waitingForBlob[hash, default: []].append(e)
                    } else {
                        start(e)
                    }
                case .blob:
                    if let hash = e.hash, let bytes = message.blobs.first {
                        blobs[hash] = bytes
                        for t in waitingForBlob.removeValue(forKey: hash) ?? [] { start(t) }
                    }
                default:
                    break  // heartbeat, cancel (a copy finished elsewhere: our result will be ignored)
                }
            }
            for done in finished.drain() {
                do {
                    try send(done)
                    running -= 1
                    lastSent = now
                } catch {
                    // Not delivered: keep it for the next connection.
                    finished.push(done)
                    break
                }
            }
            if helloSent && now - lastSent >= heartbeatInterval {
                try? send(Envelope(type: .heartbeat))
                lastSent = now
            }
            if now - lastHeard > heartbeatInterval * liveness {
                if !welcomed {
                    log("no answer from the coordinator at \(endpoint): is it running, is this worker's key in its allow-list, and is --coordinator-key its public key?")
                }
                return .lost
            }
        }
    }

    private func send(_ e: Envelope) throws {
        try socket?.send(WireMessage(e).frames())
    }

    private func start(_ task: Envelope) {
        running += 1
        let blob = task.hash.flatMap { h in blobs[h].map { (hash: h, bytes: $0) } }
        let handler = self.handler
        let queue = finished
        let body = task.body ?? "{}"
        Thread.detachNewThread {
            do {
                let result = try handler(body, blob)
                queue.push(Envelope(type: .result, task: task.task, attempt: task.attempt, body: result))
            } catch {
                queue.push(Envelope(type: .failure, task: task.task, attempt: task.attempt, reason: "\(error)"))
            }
        }
    }
}

/// Results finished by task threads, waiting for the socket thread.
final class FinishedQueue: @unchecked Sendable {
    // @unchecked Sendable: guarded by `lock`.
    private var items: [Envelope] = []
    private let lock = NSLock()
    func push(_ e: Envelope) { lock.lock(); items.append(e); lock.unlock() }
    func drain() -> [Envelope] { lock.lock(); defer { lock.unlock() }; let out = items; items = []; return out }
}
