import IntoneEngine
import IntoneFormats

/// The coordinator's protocol logic as a pure state machine: events in (a message from a worker or
/// a client, a clock tick), directives out (send this, this task is done, that worker is lost). It
/// never touches a socket or a clock, so every rule below is tested without a network.
///
/// Tasks come from jobs: the coordinator's own process (`submit`) or remote clients (a `submit`
/// message from a peer that said `hello` as a client, such as `intone sweep --cluster`). Every
/// task belongs to its job: it is keyed by the job and the id the job gave it, so two jobs that
/// use the same id get two runs and each its own result, and no job can name another's work.
/// Jobs share the workers by weighted fair share: a free slot goes to the job with pending tasks
/// whose running tasks per unit of priority are fewest (ties: the job that came first), never past
/// a job's slot cap; within a job, tasks run in the order it gave them.
/// Workers see an id the coordinator makes unique among its tasks. Tasks go `pending →
/// running(worker, attempt) → done | failed → pending (retry, up to maxAttempts) | abandoned`; a
/// task whose job went away is `withdrawn`. A worker silent for `liveness` heartbeat intervals is
/// declared dead and its tasks go back to the front of the queue; a client silent as long loses
/// its tasks. The first result for a task wins; results for a task already done are dropped and
/// counted. When nothing is pending, an idle worker gets a second copy of the oldest running task
/// of a pure kind (speculative execution), so one slow task does not stall the end.
///
/// The core knows tasks by their kind's name only to report it: what a task does is its body's
/// business, read by the worker's registry of kinds.
public struct CoordinatorCore: Sendable {
    /// Timing and retry settings.
    public struct Configuration: Sendable {
        /// Seconds between heartbeats (both ways).
        public var heartbeatInterval: Double = 0.5
        /// Heartbeat intervals without a message after which a worker is dead (10 × 0.5 s: a worker
        /// starved of CPU for a few seconds is not declared dead, one that died is found in 5 s).
        public var liveness: Double = 10
        /// Attempts per task before it is abandoned: failures, and runs whose worker was lost while
        /// it held the task (a task that crashes or stalls its worker must not take down worker
        /// after worker). A worker that says `bye` costs its tasks no attempt.
        public var maxAttempts: Int = 3
        /// Duplicate slow tasks (of pure kinds) on idle workers near the end.
        public var speculate: Bool = true
        /// A worker gets at most `blobSendsPerWindow` copies of one blob per this many seconds.
        public var blobResendSeconds: Double = 10
        public var blobSendsPerWindow: Int = 3
        /// While tasks are short (their mean run time under `shortTaskSeconds`), each worker gets this
        /// many extra tasks per job slot queued ahead, so the round trip to the coordinator does not
        /// idle it. Long tasks get none: a queued long task would wait while another worker idles.
        public var prefetch: Int = 32
        /// See `prefetch`.
        public var shortTaskSeconds: Double = 0.002

        public init(heartbeatInterval: Double = 0.5, liveness: Double = 10, maxAttempts: Int = 3, speculate: Bool = true,
                    prefetch: Int = 32, shortTaskSeconds: Double = 0.002, blobResendSeconds: Double = 10, blobSendsPerWindow: Int = 3) {
            self.blobResendSeconds = blobResendSeconds
            self.blobSendsPerWindow = blobSendsPerWindow
            self.heartbeatInterval = heartbeatInterval
            self.liveness = liveness
            self.maxAttempts = maxAttempts
            self.speculate = speculate
            self.prefetch = prefetch
            self.shortTaskSeconds = shortTaskSeconds
        }
    }

    /// A unit of work as jobs submit it: an id (within its job, the same id means the same result),
    /// the kind that runs it (`name@version`), a JSON description, the blobs it needs (by content
    /// hash) and whether its kind is pure (may be copied).
    ///
    /// A task pinned to a `worker` (by name) runs there or nowhere: one rank of a ring allreduce
    /// holds state its peers count on. It is never copied to another worker or retried: if that
    /// worker is not connected, fails it, or is lost, the task is abandoned at once and the job
    /// decides what to do (re-form its ring with the workers left).
    public struct Task: Codable, Equatable, Sendable {
        public let id: String
        public let kind: String?
        public let body: String
        public let dataHash: String?
        public let worker: String?
        /// Absent: pure.
        public let pure: Bool?

        public init(id: String, kind: String? = nil, body: String, dataHash: String? = nil, worker: String? = nil, pure: Bool = true) {
            self.id = id
            self.kind = kind
            self.body = body
            self.dataHash = dataHash
            self.worker = worker
            self.pure = pure ? nil : false
        }

        /// An engine task in the wire form.
        public init(_ spec: TaskSpec) {
            self.init(id: spec.id, kind: spec.kind, body: spec.body, dataHash: Self.dataHash(spec.blobs), worker: spec.worker, pure: spec.isPure)
        }

        /// Whether copies of it may run at once (its kind is pure).
        public var isPure: Bool { pure ?? true }

        /// The blobs a task needs, in order: its `dataHash` is one content hash or several joined by `+`.
        public static func blobHashes(_ field: String?) -> [String] {
            guard let field, !field.isEmpty else { return [] }
            return field.split(separator: "+").map(String.init)
        }

        /// The `dataHash` of a task that needs these blobs, in this order.
        public static func dataHash(_ hashes: [String]) -> String? { hashes.isEmpty ? nil : hashes.joined(separator: "+") }
    }

    public enum Event: Sendable {
        /// A message arrived from the peer with this routing identity.
        case received(from: [UInt8], WireMessage)
        /// A message that is not a protocol message arrived (it is dropped and counted).
        case malformed
        /// Time passed.
        case tick
    }

    public enum Directive: Equatable, Sendable {
        case send(to: [UInt8], WireMessage)
        /// A locally submitted task's first successful result (its JSON body and binary frames).
        case completed(task: String, body: String, blobs: [[UInt8]] = [])
        /// A locally submitted task failed `maxAttempts` times.
        case abandoned(task: String, reason: String)
        case workerJoined(name: String, jobs: Int)
        /// A worker went silent or left; `requeued` of its tasks went back to the queue.
        case workerLost(name: String, requeued: Int)
        case clientJoined(name: String)
        /// A client went silent or left; `withdrawn` of its tasks are no longer wanted.
        case clientLost(name: String, withdrawn: Int)
        /// A peer was refused (wrong protocol version...).
        case refused(peer: String, reason: String)
        /// A client cancelled a job (`intone jobs cancel`): `withdrawn` of its tasks withdrawn.
        case jobCancelled(name: String, by: String, withdrawn: Int)
        /// A request for the shell's job host (`launch`, `fetch`) from the client `client`
        /// (authenticated with the public key `owner`, if keys are on); the host answers `peer`.
        case hostRequest(from: [UInt8], client: String, owner: String?, admin: Bool, WireMessage)
    }

    enum TaskState: Int, CaseIterable, Sendable {
        case pending, running, done, abandoned, withdrawn
    }

    /// The job a task belongs to: this process's, or a client's (by its routing id).
    enum Owner: Hashable, Sendable {
        case local
        case client([UInt8])
    }

    /// A task's key: its job and the id the job gave it.
    struct TaskKey: Hashable, Sendable {
        let owner: Owner
        let id: String
    }

    struct Assignment: Equatable, Sendable {
        let worker: [UInt8]
        let attempt: Int
        let since: Double
    }

    struct Worker: Sendable {
        let name: String
        let jobs: Int
        /// Where peers reach it for ring allreduce (its `hello`'s `peer`), if it serves one.
        var peer: String?
        var lastHeard: Double
        var lastHeartbeatSent: Double
        var running: Set<Int> = []
        /// Results and failures it sent (this connection).
        var done = 0
        var failed = 0
        /// The host name its hello gave (informational).
        var host: String?
        /// Answers to its `need`s per blob: when the current window began and copies sent in it.
        var blobsSent: [String: (since: Double, count: Int)] = [:]
    }

    struct Client: Sendable {
        let name: String
        var lastHeard: Double
        var lastHeartbeatSent: Double
        var owned: Set<Int> = []
    }

    public let configuration: Configuration
    /// Every task, by number; the arrays below are indexed the same way.
    var tasks: [Task] = []
    var owner: [Owner] = []
    /// The id workers see: the job's own id unless another live task has it already.
    var wireIDs: [String] = []
    var state: [TaskState] = []
    var attempts: [Int] = []
    var failures: [Int] = []
    /// Of the failed attempts, those whose worker was lost.
    var losses: [Int] = []
    var assignments: [[Assignment]] = []
    var queued: [Bool] = []
    var index: [TaskKey: Int] = [:]
    var wireIndex: [String: Int] = [:]
    var counts = [Int](repeating: 0, count: TaskState.allCases.count)
    /// Blobs by content hash, and the jobs that sent each.
    var blobs: [String: [UInt8]] = [:]
    var blobOwners: [String: Set<Owner>] = [:]
    /// Pending tasks in order, one queue per job; entries whose task is no longer pending are
    /// skipped when taken. Jobs in the order they first submitted.
    var queues: [Owner: TaskQueue] = [:]
    var ownerOrder: [Owner] = []
    /// Each job's running tasks, and its share (`JobShare`: priority and slot cap).
    var runningPerOwner: [Owner: Int] = [:]
    var shares: [Owner: JobShare] = [:]
    /// Pending pinned tasks, by worker name, in order.
    var pinnedQueue: [String: [Int]] = [:]
    /// Running tasks (speculation candidates).
    var runningTasks: Set<Int> = []
    var workers: [[UInt8]: Worker] = [:]
    /// Worker routing ids in dispatch order (by name).
    var workerOrder: [[UInt8]] = []
    var clients: [[UInt8]: Client] = [:]
    /// Mean run time of recent tasks as the workers measured it (seconds), if any reported one.
    var meanTaskSeconds: Double?
    /// Set once the coordinator is closing: every hello is answered with shutdown.
    var closingReason: String?
    /// The name every client connection said in its hello (kept after it leaves: a job's name
    /// spans its connections), and the jobs cancelled, with why.
    var clientNames: [[UInt8]: String] = [:]
    var cancelledJobs: [String: String] = [:]
    /// The CURVE public key (Z85) each connection authenticated with, as the shell learnt it at its
    /// hello (none without keys).
    public var peerKeys: [[UInt8]: String] = [:]
    /// Each job's command and owner key, from its newest hello that named them.
    var jobCommands: [String: String] = [:]
    var jobOwners: [String: String] = [:]
    /// Roles of the keys the allow-list gives roles to (a key not in it has every role).
    public var keyRoles: [String: Set<PeerRole>] = [:]
    /// Routing ids that ever said hello as a worker (the only peers whose results count).
    var helloedWorkers: Set<[UInt8]> = []
    /// Job rows the shell supplies (detached jobs, rows journaled before a restart), by name.
    public var externalJobs: [String: JobSummary] = [:]
    /// Locally submitted tasks pending or running.
    var localOpen = 0
    /// Messages dropped as malformed, late, duplicate or from unknown peers.
    public internal(set) var dropped = 0
    /// Results ignored because their task was already done (late or duplicate copies).
    public internal(set) var duplicateResults = 0
    /// Tasks completed since the coordinator started (all jobs).
    public internal(set) var completedTotal = 0
    /// Tasks abandoned since the coordinator started.
    public internal(set) var abandonedTotal = 0
    /// Task failures reported by workers (each attempt).
    public internal(set) var failuresTotal = 0
    /// Workers declared dead or gone since the coordinator started.
    public internal(set) var workersLostTotal = 0

    public init(configuration: Configuration = Configuration()) {
        self.configuration = configuration
    }

    /// A core holding `tasks` (submitted locally) from the start.
    public init(tasks: [Task], blobs: [String: [UInt8]] = [:], configuration: Configuration = Configuration()) {
        self.init(configuration: configuration)
        _ = add(tasks, blobs: blobs, owner: .local)
    }

    // MARK: - Local submission and closing

    /// Adds tasks wanted by this process. Their outcomes come back as `completed` / `abandoned`
    /// directives. Returns the directives of the dispatch that follows.
    public mutating func submit(_ newTasks: [Task], blobs newBlobs: [String: [UInt8]], now: Double) -> [Directive] {
        var out = add(newTasks, blobs: newBlobs, owner: .local)
        dispatch(now: now, into: &out)
        return out
    }

    /// Stops wanting every locally submitted task still pending or running (their copies are
    /// cancelled on the workers).
    public mutating func withdrawLocal() -> [Directive] {
        var out: [Directive] = []
        for t in tasks.indices where owner[t] == .local { withdraw(t, into: &out) }
        return out
    }

    /// Starts closing: tells every connected worker to stop, and answers every later hello with the
    /// same message (a worker that had just timed out and reconnects is told too).
    public mutating func close(reason: String) -> [Directive] {
        closingReason = reason
        return workerOrder.map { .send(to: $0, WireMessage(Envelope(type: .shutdown, reason: reason))) }
    }

    // MARK: - Progress

    public var doneCount: Int { counts[TaskState.done.rawValue] }
    public var abandonedCount: Int { counts[TaskState.abandoned.rawValue] }
    public var runningCount: Int { counts[TaskState.running.rawValue] }
    public var pendingCount: Int { counts[TaskState.pending.rawValue] }
    public var workerCount: Int { workers.count }
    public var clientCount: Int { clients.count }
    /// Job slots of the connected workers.
    public var slotCount: Int { workers.values.reduce(0) { $0 + $1.jobs } }
    /// Connected workers that serve ring allreduce, in name order: their names and peer endpoints.
    public var ringPeers: [RingPeer] {
        workerOrder.compactMap { id in workers[id].flatMap { w in w.peer.map { RingPeer(worker: w.name, endpoint: $0) } } }
    }
    /// Every task is done, abandoned or withdrawn.
    public var isFinished: Bool { pendingCount == 0 && runningCount == 0 }
    /// No locally submitted task is pending or running.
    public var isLocalWorkFinished: Bool { localOpen == 0 }

    /// What clients are told of the ring peers (`body` of `welcome` and `heartbeat`), if there are any.
    var ringPeersBody: String? {
        let peers = ringPeers
        return peers.isEmpty ? nil : String(decoding: CanonicalJSON.encode(RingPeers(ringPeers: peers)), as: UTF8.self)
    }

    // MARK: - Events

    public mutating func handle(_ event: Event, now: Double) -> [Directive] {
        var out: [Directive] = []
        switch event {
        case .tick:
            reapSilentPeers(now: now, into: &out)
            sendHeartbeats(now: now, into: &out)
        case .received(let peer, let message):
            let prefetching = capacityMultiplier
            receive(message, from: peer, now: now, into: &out)
            // After each full dispatch either nothing is pending or no worker has a free slot. A
            // result, failure or heartbeat from a worker changes only that worker's slots (a retry
            // adds a pending task, but only this worker can have room for it), so only it needs a
            // look, unless the prefetch depth changed for all: O(1) instead of O(workers).
            let type = message.envelope.type
            if workers[peer] != nil, [.result, .failure, .heartbeat].contains(type), capacityMultiplier == prefetching {
                if type != .heartbeat { dispatch(now: now, into: &out, only: peer) }
                return out
            }
        case .malformed:
            dropped += 1
        }
        dispatch(now: now, into: &out)
        return out
    }
}

/// A worker that serves ring allreduce, as the coordinator lists it: a gang worker.
public typealias RingPeer = GangWorker

/// The ring peers as clients get them: `{"ringPeers":[{"worker","endpoint"}]}`.
struct RingPeers: Codable {
    var ringPeers: [RingPeer]
}
