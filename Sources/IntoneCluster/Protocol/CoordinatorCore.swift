/// The coordinator's protocol logic as a pure state machine: events in (a message from a worker, a
/// clock tick), directives out (send this, this task is done, that worker is lost). It never touches
/// a socket or a clock, so every rule below is tested without a network.
///
/// Tasks go `pending → running(worker, attempt) → done | failed → pending (retry, up to
/// maxAttempts) | abandoned`. A worker silent for `liveness` heartbeat intervals is declared dead and
/// its tasks go back to the front of the queue. The first result for a task wins; results for a task
/// already done are dropped and counted. When nothing is pending, an idle worker gets a second copy
/// of the oldest running task (speculative execution), so one slow task does not stall the end.
public struct CoordinatorCore: Sendable {
    /// Timing and retry settings.
    public struct Configuration: Sendable {
        /// Seconds between heartbeats (both ways).
        public var heartbeatInterval: Double = 0.5
        /// Heartbeat intervals without a message after which a worker is dead (10 × 0.5 s: a worker
        /// starved of CPU for a few seconds is not declared dead, one that died is found in 5 s).
        public var liveness: Double = 10
        /// Attempts per task before it is abandoned (failures only; a lost worker does not count).
        public var maxAttempts: Int = 3
        /// Duplicate slow tasks on idle workers near the end.
        public var speculate: Bool = true

        public init(heartbeatInterval: Double = 0.5, liveness: Double = 10, maxAttempts: Int = 3, speculate: Bool = true) {
            self.heartbeatInterval = heartbeatInterval
            self.liveness = liveness
            self.maxAttempts = maxAttempts
            self.speculate = speculate
        }
    }

    /// A unit of work: an id, a JSON description, and the blob it needs (by content hash).
    public struct Task: Equatable, Sendable {
        public let id: String
        public let body: String
        public let dataHash: String?

        public init(id: String, body: String, dataHash: String? = nil) {
            self.id = id
            self.body = body
            self.dataHash = dataHash
        }
    }

    public enum Event: Sendable {
        /// A message arrived from the peer with this routing identity.
        case received(from: [UInt8], WireMessage)
        /// Time passed.
        case tick
    }

    public enum Directive: Equatable, Sendable {
        case send(to: [UInt8], WireMessage)
        /// A task's first successful result (its JSON body).
        case completed(task: String, body: String)
        /// A task failed `maxAttempts` times.
        case abandoned(task: String, reason: String)
        case workerJoined(name: String, jobs: Int)
        /// A worker went silent; `requeued` of its tasks went back to the queue.
        case workerLost(name: String, requeued: Int)
        /// A peer was refused (wrong protocol version...).
        case refused(peer: String, reason: String)
    }

    enum TaskState: Equatable, Sendable {
        case pending
        case running
        case done
        case abandoned
    }

    struct Assignment: Equatable, Sendable {
        let worker: [UInt8]
        let attempt: Int
        let since: Double
    }

    struct Worker: Sendable {
        let name: String
        let jobs: Int
        var lastHeard: Double
        var lastHeartbeatSent: Double
        var running: Set<String> = []
    }

    public let configuration: Configuration
    var tasks: [Task]
    var index: [String: Int]
    var blobs: [String: [UInt8]]
    var state: [TaskState]
    var attempts: [Int]
    var failures: [Int]
    var assignments: [[Assignment]]
    var pending: [Int]
    var workers: [[UInt8]: Worker] = [:]
    /// Messages dropped as malformed, late, duplicate or from unknown peers.
    public private(set) var dropped = 0
    /// Results ignored because their task was already done (late or duplicate copies).
    public private(set) var duplicateResults = 0

    public init(tasks: [Task], blobs: [String: [UInt8]] = [:], configuration: Configuration = Configuration()) {
        self.tasks = tasks
        self.blobs = blobs
        self.configuration = configuration
        var index: [String: Int] = [:]
        for (i, t) in tasks.enumerated() { index[t.id] = i }
        self.index = index
        state = [TaskState](repeating: .pending, count: tasks.count)
        attempts = [Int](repeating: 0, count: tasks.count)
        failures = [Int](repeating: 0, count: tasks.count)
        assignments = [[Assignment]](repeating: [], count: tasks.count)
        pending = Array(tasks.indices)
    }

    /// Replaces the task list (the next round of a sweep), keeping the connected workers.
    /// Copies still running from the previous batch are forgotten; their late results are dropped.
    public mutating func load(tasks newTasks: [Task], blobs newBlobs: [String: [UInt8]]) {
        var next = CoordinatorCore(tasks: newTasks, blobs: newBlobs, configuration: configuration)
        next.workers = workers.mapValues { w in var w = w; w.running = []; return w }
        next.dropped = dropped
        next.duplicateResults = duplicateResults
        self = next
    }

    /// Messages telling every connected worker to stop.
    public func shutdownMessages(reason: String) -> [Directive] {
        workers.keys.sorted { $0.lexicographicallyPrecedes($1) }.map { .send(to: $0, WireMessage(Envelope(type: .shutdown, reason: reason))) }
    }

    // MARK: - Progress

    public var doneCount: Int { state.filter { $0 == .done }.count }
    public var abandonedCount: Int { state.filter { $0 == .abandoned }.count }
    public var runningCount: Int { state.filter { $0 == .running }.count }
    public var pendingCount: Int { pending.count }
    public var workerCount: Int { workers.count }
    /// Every task is done or abandoned.
    public var isFinished: Bool { state.allSatisfy { $0 == .done || $0 == .abandoned } }

    // MARK: - Events

    public mutating func handle(_ event: Event, now: Double) -> [Directive] {
        var out: [Directive] = []
        switch event {
        case .tick:
            reapDeadWorkers(now: now, into: &out)
            sendHeartbeats(now: now, into: &out)
        case .received(let peer, let message):
            receive(message, from: peer, now: now, into: &out)
        }
        dispatch(now: now, into: &out)
        return out
    }

    mutating func receive(_ message: WireMessage, from peer: [UInt8], now: Double, into out: inout [Directive]) {
        let e = message.envelope
        if e.v != clusterProtocolVersion {
            let reason = "protocol version \(e.v) is not this coordinator's \(clusterProtocolVersion); upgrade intone on that host"
            out.append(.send(to: peer, WireMessage(Envelope(type: .refuse, reason: reason))))
            out.append(.refused(peer: e.worker ?? "peer", reason: reason))
            return
        }
        if e.type == .hello {
            if let old = workers[peer] { requeue(worker: peer, old, into: &out, announce: false) }
            let jobs = max(1, min(e.jobs ?? 1, 1024))
            let name = e.worker ?? "worker"
            workers[peer] = Worker(name: name, jobs: jobs, lastHeard: now, lastHeartbeatSent: now)
            out.append(.send(to: peer, WireMessage(Envelope(type: .welcome, heartbeatMilliseconds: Int(configuration.heartbeatInterval * 1000)))))
            out.append(.workerJoined(name: name, jobs: jobs))
            return
        }
        workers[peer]?.lastHeard = now
        switch e.type {
        case .heartbeat:
            if workers[peer] == nil { dropped += 1 }
        case .result:
            guard let id = e.task, let t = index[id], let body = e.body else { dropped += 1; return }
            release(task: t, worker: peer, attempt: e.attempt)
            if state[t] == .done || state[t] == .abandoned {
                duplicateResults += 1
                return
            }
            // First result wins, whoever sent it (results are deterministic).
            state[t] = .done
            pending.removeAll { $0 == t }
            for a in assignments[t] {
                out.append(.send(to: a.worker, WireMessage(Envelope(type: .cancel, task: id))))
                workers[a.worker]?.running.remove(id)
            }
            assignments[t] = []
            out.append(.completed(task: id, body: body))
        case .failure:
            guard let id = e.task, let t = index[id] else { dropped += 1; return }
            release(task: t, worker: peer, attempt: e.attempt)
            guard state[t] == .running || state[t] == .pending else { return }
            failures[t] += 1
            if !assignments[t].isEmpty { return }  // another copy is still running
            if failures[t] >= configuration.maxAttempts {
                state[t] = .abandoned
                pending.removeAll { $0 == t }
                out.append(.abandoned(task: id, reason: e.reason ?? "failed"))
            } else if state[t] != .pending {
                state[t] = .pending
                pending.append(t)
            }
        case .need:
            guard workers[peer] != nil, let hash = e.hash, let bytes = blobs[hash] else { dropped += 1; return }
            out.append(.send(to: peer, WireMessage(Envelope(type: .blob, hash: hash), blobs: [bytes])))
        case .bye:
            if let w = workers[peer] { requeue(worker: peer, w, into: &out, announce: true) }
        default:
            dropped += 1
        }
    }

    /// Forgets one assignment of task `t` to `worker` (any attempt when `attempt` is nil).
    mutating func release(task t: Int, worker: [UInt8], attempt: Int?) {
        assignments[t].removeAll { $0.worker == worker && (attempt == nil || $0.attempt == attempt) }
        workers[worker]?.running.remove(tasks[t].id)
    }

    mutating func requeue(worker peer: [UInt8], _ w: Worker, into out: inout [Directive], announce: Bool) {
        workers[peer] = nil
        var requeued: [Int] = []
        for id in w.running.sorted() {
            guard let t = index[id] else { continue }
            assignments[t].removeAll { $0.worker == peer }
            if state[t] == .running && assignments[t].isEmpty {
                state[t] = .pending
                requeued.append(t)
            }
        }
        pending.insert(contentsOf: requeued, at: 0)
        if announce { out.append(.workerLost(name: w.name, requeued: requeued.count)) }
    }

    mutating func reapDeadWorkers(now: Double, into out: inout [Directive]) {
        let limit = configuration.heartbeatInterval * configuration.liveness
        for peer in workers.keys.sorted(by: { $0.lexicographicallyPrecedes($1) }) {
            guard let w = workers[peer], now - w.lastHeard > limit else { continue }
            requeue(worker: peer, w, into: &out, announce: true)
        }
    }

    mutating func sendHeartbeats(now: Double, into out: inout [Directive]) {
        for peer in workers.keys.sorted(by: { $0.lexicographicallyPrecedes($1) }) where now - workers[peer]!.lastHeartbeatSent >= configuration.heartbeatInterval {
            workers[peer]!.lastHeartbeatSent = now
            out.append(.send(to: peer, WireMessage(Envelope(type: .heartbeat))))
        }
    }

    /// Gives pending tasks to workers with free slots (workers in name order), then, with nothing
    /// pending, second copies of the oldest running tasks to idle slots.
    mutating func dispatch(now: Double, into out: inout [Directive]) {
        let peers = workers.keys.sorted { workers[$0]!.name != workers[$1]!.name ? workers[$0]!.name < workers[$1]!.name : $0.lexicographicallyPrecedes($1) }
        for peer in peers {
            while let w = workers[peer], w.running.count < w.jobs {
                if let t = pending.first {
                    pending.removeFirst()
                    assign(t, to: peer, now: now, into: &out)
                } else if configuration.speculate, let t = speculationCandidate(for: peer) {
                    assign(t, to: peer, now: now, into: &out)
                } else {
                    break
                }
            }
        }
    }

    func speculationCandidate(for peer: [UInt8]) -> Int? {
        var best: Int?
        var oldest = Double.infinity
        for t in tasks.indices where state[t] == .running && assignments[t].count == 1 && assignments[t][0].worker != peer {
            if assignments[t][0].since < oldest { oldest = assignments[t][0].since; best = t }
        }
        return best
    }

    mutating func assign(_ t: Int, to peer: [UInt8], now: Double, into out: inout [Directive]) {
        attempts[t] += 1
        state[t] = .running
        assignments[t].append(Assignment(worker: peer, attempt: attempts[t], since: now))
        workers[peer]!.running.insert(tasks[t].id)
        out.append(.send(to: peer, WireMessage(Envelope(type: .task, task: tasks[t].id, attempt: attempts[t], hash: tasks[t].dataHash, body: tasks[t].body))))
    }
}
