import CZMQ
import Foundation
import IntoneEngine

/// A worker process's socket side: connects a DEALER to the coordinator, announces itself, runs up to
/// `jobs` tasks at once on a pool of its own threads, sends results back, and keeps the heartbeat
/// both ways (the ZeroMQ guide's Paranoid Pirate worker): if the coordinator is silent for the
/// liveness window, it reconnects with a fresh socket, backing off, and keeps results of tasks that
/// finished meanwhile to send on the new connection.
///
/// Tasks the coordinator queues ahead (it does for short tasks) wait in a local queue; a `cancel`
/// for one that has not started removes it.
public final class WorkerShell: @unchecked Sendable {
    // @unchecked Sendable: after construction the shell is used by exactly one thread, the one that
    // calls `run` (it may be handed to that thread once); pool threads only touch `JobQueue` and
    // their own PUSH sockets.

    /// A shipped blob: its content hash and bytes.
    public typealias Blob = TaskBlob

    /// Runs one task of any kind: its JSON body and the blobs it needs (in the order its `hash`
    /// field lists them; none for a task without data) in, a result out.
    public typealias Handler = @Sendable (_ body: String, _ blobs: [TaskBlob]) throws -> TaskOutput

    /// What a task returns: a JSON body and, optionally, binary frames (feature matrices...).
    public typealias TaskOutput = IntoneEngine.TaskOutput

    /// Runs one task as it arrived: its kind (nil from a peer that names none), body and blobs.
    typealias Executor = @Sendable (_ kind: String?, _ body: String, _ blobs: [TaskBlob]) throws -> TaskOutput

    public let endpoint: String
    public let name: String
    public let jobs: Int
    private let executor: Executor
    private let context = ZMQContext()
    private var socket: ZMQSocket?
    private var blobs: [String: [UInt8]] = [:]
    /// Tasks waiting for blobs, and the blobs asked for and not yet here.
    private var waitingForBlobs: [Envelope] = []
    /// Blobs asked for and when: asked again after `needRetrySeconds` without an answer (the
    /// coordinator sends a few copies per worker per interval, however often it is asked).
    private var requested: [String: Date] = [:]
    static let needRetrySeconds = 15.0
    private let queue = JobQueue()
    /// Finished results not yet delivered (the connection was down).
    private var unsent: [[[UInt8]]] = []
    private var heartbeatInterval = 0.5
    private let liveness = 10.0
    private let started = DispatchTime.now().uptimeNanoseconds
    private let resultsEndpoint: String
    /// Receives one line per notable event.
    public var log: (String) -> Void = { _ in }
    /// Where ring peers reach this worker (`RingLink.advertised`), announced in its hello.
    public var ringEndpoint: String?

    private let security: WorkerSecurity
    /// Most bytes of shipped blobs kept between tasks (a blob evicted is asked for again if needed).
    static let blobCacheBytes = 256 << 20

    /// A worker that runs every task with `registry`, the kinds it serves; `context` is what it
    /// offers their tasks (a gang transport for ring allreduce).
    public convenience init(connect endpoint: String, name: String, jobs: Int, security: WorkerSecurity = .insecure,
                            registry: TaskRegistry, context: TaskContext = TaskContext()) {
        self.init(connect: endpoint, name: name, jobs: jobs, security: security, executor: { kind, body, blobs in
            guard let kind else { throw ClusterError("a task arrived without a kind; upgrade intone on the job's host") }
            return try registry.execute(kind: kind, body: body, blobs: blobs, context: context)
        })
    }

    /// A worker that runs every task, whatever its kind, with `handler` (tests, benchmarks).
    public convenience init(connect endpoint: String, name: String, jobs: Int, security: WorkerSecurity = .insecure, handler: @escaping Handler) {
        self.init(connect: endpoint, name: name, jobs: jobs, security: security, executor: { _, body, blobs in try handler(body, blobs) })
    }

    init(connect endpoint: String, name: String, jobs: Int, security: WorkerSecurity, executor: @escaping Executor) {
        self.endpoint = endpoint
        self.security = security
        self.name = name
        self.jobs = max(1, jobs)
        self.executor = executor
        resultsEndpoint = "inproc://intone-worker-results-\(UInt64.random(in: 0 ... .max))"
    }

    private var now: Double { Double(DispatchTime.now().uptimeNanoseconds - started) / 1e9 }

    /// Serves until the coordinator says shutdown (returns its reason) or refuses this worker (throws).
    public func run() throws(ClusterError) -> String {
        let results: ZMQSocket
        do {
            results = try ZMQSocket(context: context, kind: .pull)
            try results.bind(resultsEndpoint)
        } catch { throw ClusterError("cannot start the worker's result channel: \(error)") }
        startPool()
        defer { queue.close() }
        var backoff = 0.25
        while true {
            let outcome = try session(results: results)
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

    private func session(results: ZMQSocket) throws(ClusterError) -> SessionEnd {
        let socket: ZMQSocket
        do {
            socket = try security.connectDealer(context: context, endpoint: endpoint, routingID: name, sendTimeout: 100)
            self.socket = socket
        } catch { throw ClusterError("cannot connect to \(endpoint): \(error)") }
        // Tasks queued for the previous connection go back to the coordinator's queue when it sees
        // this hello; only tasks already running finish (their results are sent below).
        queue.removeQueued()
        waitingForBlobs = []
        requested = [:]
        // The hello goes out as soon as the connection is up (the coordinator may start later).
        var helloSent = false
        var lastHeard = now
        var lastSent = now
        var welcomed = false
        while true {
            if !helloSent {
                helloSent = (try? send(Envelope(type: .hello, worker: name, host: ProcessInfo.processInfo.hostName, jobs: jobs, role: .worker,
                                                 peer: ringEndpoint))) != nil
                if helloSent { lastHeard = now }
            }
            let wait = helloSent ? max(1, Int(heartbeatInterval * 1000) / 2) : 5
            let ready = (try? ZMQSocket.poll([socket, results], timeout: wait)) ?? [false, false]
            if ready[0] {
                while let frames = try? socket.receiveNow() {
                    lastHeard = now
                    guard let message = WireMessage.parse(frames) else { continue }
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
                        waitingForBlobs.append(e)
                        startOrRequestBlobs()
                    case .blob:
                        if let hash = e.hash, let bytes = message.blobs.first {
                            requested[hash] = nil
                            keep(blob: bytes, hash: hash)
                            startOrRequestBlobs()
                        }
                    case .cancel:
                        // Another copy finished first: drop ours if it has not started.
                        if let id = e.task { queue.cancel(task: id, attempt: e.attempt) }
                    default:
                        break  // heartbeat
                    }
                }
            }
            if ready.count > 1 && ready[1] {
                while let frames = try? results.receiveNow() { unsent.append(frames) }
            }
            while let frames = unsent.first {
                do {
                    try socket.send(frames)
                    unsent.removeFirst()
                    lastSent = now
                } catch {
                    break  // not delivered: kept for the next connection
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

    /// Queues each waiting task whose blobs are all here; asks for the missing ones not yet asked for
    /// (again, if the cache let one go before its task started).
    private func startOrRequestBlobs() {
        var stillWaiting: [Envelope] = []
        for task in waitingForBlobs {
            let hashes = CoordinatorCore.Task.blobHashes(task.hash)
            let missing = hashes.filter { blobs[$0] == nil }
            if missing.isEmpty {
                queue.push(Job(task: task, blobs: hashes.map { TaskBlob(hash: $0, bytes: blobs[$0]!) }))
                continue
            }
            for hash in missing where requested[hash].map({ Date().timeIntervalSince($0) > Self.needRetrySeconds }) ?? true {
                requested[hash] = Date()
                try? send(Envelope(type: .need, hash: hash))
            }
            stillWaiting.append(task)
        }
        waitingForBlobs = stillWaiting
    }

    /// Caches a blob, first letting go of the blobs no waiting task needs if the cache would pass
    /// its bound (shipped audio is used by one task, sweep data and models by many).
    private func keep(blob bytes: [UInt8], hash: String) {
        if blobs.values.reduce(0, { $0 + $1.count }) + bytes.count > Self.blobCacheBytes {
            let needed = Set(waitingForBlobs.flatMap { CoordinatorCore.Task.blobHashes($0.hash) })
            blobs = blobs.filter { needed.contains($0.key) }
        }
        blobs[hash] = bytes
    }

    /// Starts `jobs` threads that run queued tasks and push their results to the socket thread.
    private func startPool() {
        let executor = self.executor
        let queue = self.queue
        let context = self.context
        let endpoint = resultsEndpoint
        for _ in 0..<jobs {
            Thread.detachNewThread {
                guard let push = try? ZMQSocket(context: context, kind: .push), (try? push.connect(endpoint)) != nil else { return }
                while let job = queue.pop() {
                    let begun = DispatchTime.now().uptimeNanoseconds
                    let reply: WireMessage
                    do {
                        let output = try executor(job.task.kind, job.task.body ?? "{}", job.blobs)
                        let seconds = Double(DispatchTime.now().uptimeNanoseconds - begun) / 1e9
                        reply = WireMessage(Envelope(type: .result, task: job.task.task, attempt: job.task.attempt, body: output.body, seconds: seconds),
                                            blobs: output.blobs)
                    } catch {
                        reply = WireMessage(Envelope(type: .failure, task: job.task.task, attempt: job.task.attempt, reason: "\(error)"))
                    }
                    try? push.send(reply.frames())
                }
            }
        }
    }
}

/// A task waiting for a pool thread.
struct Job: Sendable {
    let task: Envelope
    let blobs: [TaskBlob]
}

/// Tasks waiting for the worker's pool threads.
final class JobQueue: @unchecked Sendable {
    // @unchecked Sendable: guarded by `condition`.
    private var jobs: [Job] = []
    private var head = 0
    private var closed = false
    private let condition = NSCondition()

    func push(_ job: Job) {
        condition.lock()
        jobs.append(job)
        condition.signal()
        condition.unlock()
    }

    /// The next job, waiting for one; `nil` once closed.
    func pop() -> Job? {
        condition.lock()
        defer { condition.unlock() }
        while head == jobs.count && !closed { condition.wait() }
        if closed { return nil }
        let job = jobs[head]
        head += 1
        if head == jobs.count { jobs.removeAll(keepingCapacity: true); head = 0 }
        return job
    }

    /// Removes a queued (not started) copy of a task.
    func cancel(task: String, attempt: Int?) {
        condition.lock()
        defer { condition.unlock() }
        if let i = jobs[head...].firstIndex(where: { $0.task.task == task && (attempt == nil || $0.task.attempt == attempt) }) {
            jobs.remove(at: i)
        }
    }

    /// Drops every job that has not started.
    func removeQueued() {
        condition.lock()
        jobs.removeAll()
        head = 0
        condition.unlock()
    }

    func close() {
        condition.lock()
        closed = true
        condition.broadcast()
        condition.unlock()
    }
}
