import IntoneFormats

/// The coordinator's protocol logic as a pure state machine: events in (a message from a worker or
/// a client, a clock tick), directives out (send this, this task is done, that worker is lost). It
/// never touches a socket or a clock, so every rule below is tested without a network.
///
/// Tasks come from the coordinator's own process (`submit`) or from remote clients (a `submit`
/// message from a peer that said `hello` as a client, such as `intone sweep --cluster`). They go
/// `pending → running(worker, attempt) → done | failed → pending (retry, up to maxAttempts) |
/// abandoned`; a task whose every owner went away is `withdrawn`. A worker silent for `liveness`
/// heartbeat intervals is declared dead and its tasks go back to the front of the queue; a client
/// silent as long loses its tasks. The first result for a task wins; results for a task already
/// done are dropped and counted. When nothing is pending, an idle worker gets a second copy of the
/// oldest running task (speculative execution), so one slow task does not stall the end.
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
        /// While tasks are short (their mean run time under `shortTaskSeconds`), each worker gets this
        /// many extra tasks per job slot queued ahead, so the round trip to the coordinator does not
        /// idle it. Long tasks get none: a queued long task would wait while another worker idles.
        public var prefetch: Int = 32
        /// See `prefetch`.
        public var shortTaskSeconds: Double = 0.002

        public init(heartbeatInterval: Double = 0.5, liveness: Double = 10, maxAttempts: Int = 3, speculate: Bool = true,
                    prefetch: Int = 32, shortTaskSeconds: Double = 0.002) {
            self.heartbeatInterval = heartbeatInterval
            self.liveness = liveness
            self.maxAttempts = maxAttempts
            self.speculate = speculate
            self.prefetch = prefetch
            self.shortTaskSeconds = shortTaskSeconds
        }
    }

    /// A unit of work: an id (a content key: the same id means the same result), a JSON
    /// description, and the blob it needs (by content hash).
    ///
    /// A task pinned to a `worker` (by name) runs there or nowhere: one rank of a ring allreduce
    /// holds state its peers count on. It is never copied to another worker or retried: if that
    /// worker is not connected, fails it, or is lost, the task is abandoned at once and the job
    /// decides what to do (re-form its ring with the workers left).
    public struct Task: Codable, Equatable, Sendable {
        public let id: String
        public let body: String
        public let dataHash: String?
        public let worker: String?

        public init(id: String, body: String, dataHash: String? = nil, worker: String? = nil) {
            self.id = id
            self.body = body
            self.dataHash = dataHash
            self.worker = worker
        }

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
    }

    enum TaskState: Int, CaseIterable, Sendable {
        case pending, running, done, abandoned, withdrawn
    }

    /// Who wants a task's result.
    enum Owner: Equatable, Sendable {
        case local
        case client([UInt8])
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
    }

    struct Client: Sendable {
        let name: String
        var lastHeard: Double
        var lastHeartbeatSent: Double
        var owned: Set<Int> = []
    }

    public let configuration: Configuration
    var tasks: [Task] = []
    var index: [String: Int] = [:]
    var blobs: [String: [UInt8]] = [:]
    var state: [TaskState] = []
    var counts = [Int](repeating: 0, count: TaskState.allCases.count)
    var attempts: [Int] = []
    var failures: [Int] = []
    var owners: [[Owner]] = []
    var assignments: [[Assignment]] = []
    /// Pending tasks in order; entries whose task is no longer pending are skipped when taken.
    var queue = TaskQueue()
    var queued: [Bool] = []
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
    /// Messages dropped as malformed, late, duplicate or from unknown peers.
    public private(set) var dropped = 0
    /// Results ignored because their task was already done (late or duplicate copies).
    public private(set) var duplicateResults = 0
    /// Tasks completed since the coordinator started (all jobs).
    public private(set) var completedTotal = 0
    /// Tasks abandoned since the coordinator started.
    public private(set) var abandonedTotal = 0
    /// Task failures reported by workers (each attempt).
    public private(set) var failuresTotal = 0
    /// Workers declared dead or gone since the coordinator started.
    public private(set) var workersLostTotal = 0

    public init(configuration: Configuration = Configuration()) {
        self.configuration = configuration
    }

    /// A core holding `tasks` (submitted locally) from the start.
    public init(tasks: [Task], blobs: [String: [UInt8]] = [:], configuration: Configuration = Configuration()) {
        self.init(configuration: configuration)
        _ = submit(tasks, blobs: blobs, owner: .local, now: 0)
    }

    // MARK: - Local submission and closing

    /// Adds tasks wanted by this process. Their outcomes come back as `completed` / `abandoned`
    /// directives. Returns the directives of the dispatch that follows.
    public mutating func submit(_ newTasks: [Task], blobs newBlobs: [String: [UInt8]], now: Double) -> [Directive] {
        var out = submit(newTasks, blobs: newBlobs, owner: .local, now: now)
        dispatch(now: now, into: &out)
        return out
    }

    /// Stops wanting every locally submitted task still pending or running (their copies are
    /// cancelled on the workers).
    public mutating func withdrawLocal() -> [Directive] {
        var out: [Directive] = []
        for t in tasks.indices where owners[t].contains(.local) {
            if state[t] == .pending || state[t] == .running { localOpen -= 1 }
            owners[t].removeAll { $0 == .local }
            if owners[t].isEmpty { withdraw(t, into: &out) }
        }
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

    /// What clients are told of the ring peers (`body` of `welcome` and `heartbeat`), if there are any.
    var ringPeersBody: String? {
        let peers = ringPeers
        return peers.isEmpty ? nil : String(decoding: ClusterJSON.encode(RingPeers(ringPeers: peers)), as: UTF8.self)
    }
    /// Every task is done, abandoned or withdrawn.
    public var isFinished: Bool { pendingCount == 0 && runningCount == 0 }
    /// No locally submitted task is pending or running.
    public var isLocalWorkFinished: Bool { localOpen == 0 }
    var localOpen = 0

    // MARK: - Events

    public mutating func handle(_ event: Event, now: Double) -> [Directive] {
        var out: [Directive] = []
        switch event {
        case .tick:
            reapSilentPeers(now: now, into: &out)
            sendHeartbeats(now: now, into: &out)
        case .received(let peer, let message):
            receive(message, from: peer, now: now, into: &out)
        case .malformed:
            dropped += 1
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
            hello(e, from: peer, now: now, into: &out)
            return
        }
        if clients[peer] != nil {
            receiveFromClient(message, from: peer, now: now, into: &out)
            return
        }
        // A result from a worker declared dead still counts (results are deterministic, and such a
        // worker was often only starved of CPU); anything else from a peer that has not said hello
        // is dropped: a live worker re-introduces itself when its heartbeats go unanswered.
        guard workers[peer] != nil || e.type == .result || e.type == .failure else {
            dropped += 1
            return
        }
        workers[peer]?.lastHeard = now
        switch e.type {
        case .heartbeat:
            break
        case .result:
            guard let id = e.task, let t = index[id], let body = e.body else { dropped += 1; return }
            release(task: t, worker: peer, attempt: e.attempt)
            if let seconds = e.seconds, seconds >= 0, seconds.isFinite {
                meanTaskSeconds = meanTaskSeconds.map { 0.9 * $0 + 0.1 * seconds } ?? seconds
            }
            guard state[t] == .pending || state[t] == .running else {
                duplicateResults += 1
                return
            }
            // First result wins, whoever sent it (results are deterministic).
            setState(t, .done)
            completedTotal += 1
            for a in assignments[t] {
                out.append(.send(to: a.worker, WireMessage(Envelope(type: .cancel, task: id, attempt: a.attempt))))
                workers[a.worker]?.running.remove(t)
            }
            assignments[t] = []
            deliver(t, into: &out) { owner in
                switch owner {
                case .local: return .completed(task: id, body: body, blobs: message.blobs)
                case .client(let c): return .send(to: c, WireMessage(Envelope(type: .result, task: id, body: body), blobs: message.blobs))
                }
            }
        case .failure:
            guard let id = e.task, let t = index[id] else { dropped += 1; return }
            release(task: t, worker: peer, attempt: e.attempt)
            guard state[t] == .running || state[t] == .pending else { return }
            failures[t] += 1
            failuresTotal += 1
            if !assignments[t].isEmpty { return }  // another copy is still running
            if failures[t] >= configuration.maxAttempts || tasks[t].worker != nil {
                abandon(t, reason: e.reason ?? "failed", into: &out)
            } else if state[t] != .pending {
                setState(t, .pending)
                enqueue(t)
            }
        case .need:
            guard let hash = e.hash, let bytes = blobs[hash] else { dropped += 1; return }
            out.append(.send(to: peer, WireMessage(Envelope(type: .blob, hash: hash), blobs: [bytes])))
        case .bye:
            if let w = workers[peer] { requeue(worker: peer, w, into: &out, announce: true) }
        default:
            dropped += 1
        }
    }

    mutating func hello(_ e: Envelope, from peer: [UInt8], now: Double, into out: inout [Directive]) {
        let name = e.worker ?? "peer"
        if e.role == .client {
            if let old = clients[peer] { drop(client: peer, old, into: &out, announce: false) }
            clients[peer] = Client(name: name, lastHeard: now, lastHeartbeatSent: now)
            out.append(.send(to: peer, WireMessage(Envelope(type: .welcome, heartbeatMilliseconds: heartbeatMilliseconds, body: ringPeersBody,
                                                            workers: workers.count))))
            out.append(.clientJoined(name: name))
            return
        }
        if let closingReason {
            out.append(.send(to: peer, WireMessage(Envelope(type: .shutdown, reason: closingReason))))
            return
        }
        if let old = workers[peer] { requeue(worker: peer, old, into: &out, announce: false) }
        let jobs = max(1, min(e.jobs ?? 1, 1024))
        workers[peer] = Worker(name: name, jobs: jobs, peer: e.peer, lastHeard: now, lastHeartbeatSent: now)
        orderWorkers()
        out.append(.send(to: peer, WireMessage(Envelope(type: .welcome, heartbeatMilliseconds: heartbeatMilliseconds))))
        out.append(.workerJoined(name: name, jobs: jobs))
    }

    var heartbeatMilliseconds: Int { Int(configuration.heartbeatInterval * 1000) }

    mutating func receiveFromClient(_ message: WireMessage, from peer: [UInt8], now: Double, into out: inout [Directive]) {
        clients[peer]?.lastHeard = now
        let e = message.envelope
        switch e.type {
        case .heartbeat:
            break
        case .submit:
            // Frame 1: the tasks as JSON; frames 2...: the blobs they refer to, each under its hash.
            guard let list = message.blobs.first, let submitted = ClusterJSON.decode([Task].self, list),
                  submitted.count <= 10_000_000 else {
                dropped += 1
                return
            }
            var shipped: [String: [UInt8]] = [:]
            for bytes in message.blobs.dropFirst() { shipped[SHA256.hex(of: bytes)] = bytes }
            out += submit(submitted, blobs: shipped, owner: .client(peer), now: now)
        case .bye:
            if let c = clients[peer] { drop(client: peer, c, into: &out, announce: true) }
        default:
            dropped += 1
        }
    }

    // MARK: - Task bookkeeping

    mutating func submit(_ newTasks: [Task], blobs newBlobs: [String: [UInt8]], owner: Owner, now: Double) -> [Directive] {
        if isFinished && !tasks.isEmpty { compact() }
        blobs.merge(newBlobs) { old, _ in old }
        for task in newTasks {
            let t: Int
            if let existing = index[task.id] {
                t = existing
                if !owners[t].contains(owner) {
                    if owner == .local && (state[t] == .pending || state[t] == .running) { localOpen += 1 }
                    owners[t].append(owner)
                }
                if case .client(let c) = owner { clients[c]?.owned.insert(t) }
                if state[t] == .pending || state[t] == .running { continue }
                // Done, abandoned or withdrawn earlier: wanted again, so run it again.
                failures[t] = 0
                assignments[t] = []
                setState(t, .pending)
                enqueue(t)
            } else {
                t = tasks.count
                index[task.id] = t
                tasks.append(task)
                state.append(.pending)
                counts[TaskState.pending.rawValue] += 1
                attempts.append(0)
                failures.append(0)
                owners.append([owner])
                assignments.append([])
                queued.append(false)
                if owner == .local { localOpen += 1 }
                enqueue(t)
                if case .client(let c) = owner { clients[c]?.owned.insert(t) }
            }
        }
        return []
    }

    /// Forgets finished tasks and their blobs (nothing is pending or running).
    mutating func compact() {
        tasks = []
        index = [:]
        blobs = [:]
        state = []
        counts = [Int](repeating: 0, count: TaskState.allCases.count)
        attempts = []
        failures = []
        owners = []
        assignments = []
        queue = TaskQueue()
        queued = []
        pinnedQueue = [:]
        runningTasks = []
        localOpen = 0
        for k in workers.keys { workers[k]?.running = [] }
        for k in clients.keys { clients[k]?.owned = [] }
    }

    mutating func setState(_ t: Int, _ s: TaskState) {
        let old = state[t]
        guard old != s else { return }
        let wasOpen = old == .pending || old == .running
        let isOpen = s == .pending || s == .running
        if owners[t].contains(.local) && wasOpen != isOpen { localOpen += isOpen ? 1 : -1 }
        counts[old.rawValue] -= 1
        counts[s.rawValue] += 1
        state[t] = s
        if s == .running { runningTasks.insert(t) } else if old == .running { runningTasks.remove(t) }
    }

    mutating func enqueue(_ t: Int, front: Bool = false) {
        guard !queued[t] else { return }
        queued[t] = true
        if let name = tasks[t].worker {
            pinnedQueue[name, default: []].append(t)
        } else if front {
            queue.pushFront(t)
        } else {
            queue.pushBack(t)
        }
    }

    /// The next pending task, skipping entries that stopped being pending.
    mutating func nextPending() -> Int? {
        while let t = queue.popFront() {
            queued[t] = false
            if state[t] == .pending { return t }
        }
        return nil
    }

    /// Sends each owner of task `t` its outcome and forgets the owners.
    mutating func deliver(_ t: Int, into out: inout [Directive], _ message: (Owner) -> Directive) {
        for owner in owners[t] {
            if case .client(let c) = owner, clients[c] == nil { continue }
            out.append(message(owner))
            if case .client(let c) = owner { clients[c]?.owned.remove(t) }
        }
    }

    mutating func withdraw(_ t: Int, into out: inout [Directive]) {
        guard state[t] == .pending || state[t] == .running else { return }
        for a in assignments[t] {
            out.append(.send(to: a.worker, WireMessage(Envelope(type: .cancel, task: tasks[t].id, attempt: a.attempt))))
            workers[a.worker]?.running.remove(t)
        }
        assignments[t] = []
        setState(t, .withdrawn)
    }

    /// Forgets one assignment of task `t` to `worker` (any attempt when `attempt` is nil).
    mutating func release(task t: Int, worker: [UInt8], attempt: Int?) {
        assignments[t].removeAll { $0.worker == worker && (attempt == nil || $0.attempt == attempt) }
        if !assignments[t].contains(where: { $0.worker == worker }) { workers[worker]?.running.remove(t) }
    }

    mutating func requeue(worker peer: [UInt8], _ w: Worker, into out: inout [Directive], announce: Bool) {
        workers[peer] = nil
        orderWorkers()
        var requeued: [Int] = []
        for t in w.running.sorted() {
            assignments[t].removeAll { $0.worker == peer }
            if state[t] == .running && assignments[t].isEmpty {
                if tasks[t].worker != nil {
                    abandon(t, reason: "worker \(w.name) was lost", into: &out)
                    continue
                }
                setState(t, .pending)
                requeued.append(t)
            }
        }
        for t in requeued.reversed() { enqueue(t, front: true) }
        if announce {
            workersLostTotal += 1
            out.append(.workerLost(name: w.name, requeued: requeued.count))
        }
    }

    mutating func drop(client peer: [UInt8], _ c: Client, into out: inout [Directive], announce: Bool) {
        clients[peer] = nil
        var withdrawn = 0
        for t in c.owned.sorted() {
            owners[t].removeAll { $0 == .client(peer) }
            if owners[t].isEmpty && (state[t] == .pending || state[t] == .running) {
                withdraw(t, into: &out)
                withdrawn += 1
            }
        }
        if announce { out.append(.clientLost(name: c.name, withdrawn: withdrawn)) }
    }

    mutating func reapSilentPeers(now: Double, into out: inout [Directive]) {
        let limit = configuration.heartbeatInterval * configuration.liveness
        for peer in workerOrder {
            guard let w = workers[peer], now - w.lastHeard > limit else { continue }
            requeue(worker: peer, w, into: &out, announce: true)
        }
        for peer in clients.keys.sorted(by: { $0.lexicographicallyPrecedes($1) }) {
            guard let c = clients[peer], now - c.lastHeard > limit else { continue }
            drop(client: peer, c, into: &out, announce: true)
        }
    }

    mutating func sendHeartbeats(now: Double, into out: inout [Directive]) {
        for peer in workerOrder where now - workers[peer]!.lastHeartbeatSent >= configuration.heartbeatInterval {
            workers[peer]!.lastHeartbeatSent = now
            out.append(.send(to: peer, WireMessage(Envelope(type: .heartbeat))))
        }
        for peer in clients.keys.sorted(by: { $0.lexicographicallyPrecedes($1) }) where now - clients[peer]!.lastHeartbeatSent >= configuration.heartbeatInterval {
            clients[peer]!.lastHeartbeatSent = now
            out.append(.send(to: peer, WireMessage(Envelope(type: .heartbeat, body: ringPeersBody, workers: workers.count))))
        }
    }

    mutating func orderWorkers() {
        workerOrder = workers.keys.sorted {
            let a = workers[$0]!.name, b = workers[$1]!.name
            return a != b ? a < b : $0.lexicographicallyPrecedes($1)
        }
    }

    /// Tasks a worker may hold at once: its job slots, plus queued-ahead ones while tasks are short.
    func capacity(of w: Worker) -> Int {
        guard let mean = meanTaskSeconds, mean < configuration.shortTaskSeconds else { return w.jobs }
        return w.jobs * (1 + max(0, configuration.prefetch))
    }

    /// Abandons task `t` and tells its owners why.
    mutating func abandon(_ t: Int, reason: String, into out: inout [Directive]) {
        setState(t, .abandoned)
        abandonedTotal += 1
        let id = tasks[t].id
        deliver(t, into: &out) { owner in
            switch owner {
            case .local: return .abandoned(task: id, reason: reason)
            case .client(let c): return .send(to: c, WireMessage(Envelope(type: .failure, task: id, reason: reason)))
            }
        }
    }

    /// Gives each connected worker its pinned tasks (whatever its free slots: a ring rank must
    /// start with its peers) and abandons those whose worker is not connected.
    mutating func dispatchPinned(now: Double, into out: inout [Directive]) {
        guard !pinnedQueue.isEmpty else { return }
        for name in pinnedQueue.keys.sorted() {
            let listed = pinnedQueue[name]!
            pinnedQueue[name] = nil
            for t in listed { queued[t] = false }   // withdrawn ones too, or a resubmission could not queue them
            let waiting = listed.filter { state[$0] == .pending }
            if let peer = workerOrder.first(where: { workers[$0]?.name == name }) {
                for t in waiting { assign(t, to: peer, now: now, into: &out) }
            } else {
                for t in waiting { abandon(t, reason: "worker \(name) is not connected", into: &out) }
            }
        }
    }

    /// Gives pending tasks to workers with free slots (workers in name order), then, with nothing
    /// pending, second copies of the oldest running tasks to idle slots.
    mutating func dispatch(now: Double, into out: inout [Directive]) {
        dispatchPinned(now: now, into: &out)
        guard !workerOrder.isEmpty else { return }
        var anyPending = pendingCount > 0
        for peer in workerOrder {
            guard let w = workers[peer] else { continue }
            var free = capacity(of: w) - w.running.count
            while free > 0, anyPending, let t = nextPending() {
                assign(t, to: peer, now: now, into: &out)
                free -= 1
            }
            anyPending = pendingCount > 0
            // Speculate only into truly idle job slots, never into queued-ahead ones.
            guard !anyPending, configuration.speculate, runningCount > 0 else { continue }
            var idle = w.jobs - (workers[peer]?.running.count ?? 0)
            while idle > 0, let t = speculationCandidate(for: peer) {
                assign(t, to: peer, now: now, into: &out)
                idle -= 1
            }
        }
    }

    func speculationCandidate(for peer: [UInt8]) -> Int? {
        var best: Int?
        var oldest = Double.infinity
        for t in runningTasks where assignments[t].count == 1 && assignments[t][0].worker != peer && tasks[t].worker == nil {
            if assignments[t][0].since < oldest || (assignments[t][0].since == oldest && t < best!) {
                oldest = assignments[t][0].since
                best = t
            }
        }
        return best
    }

    mutating func assign(_ t: Int, to peer: [UInt8], now: Double, into out: inout [Directive]) {
        attempts[t] += 1
        setState(t, .running)
        assignments[t].append(Assignment(worker: peer, attempt: attempts[t], since: now))
        workers[peer]!.running.insert(t)
        let task = tasks[t]
        out.append(.send(to: peer, WireMessage(Envelope(type: .task, task: task.id, attempt: attempts[t], hash: task.dataHash, body: task.body))))
    }
}

/// A worker that serves ring allreduce: its name (tasks are pinned to it by name) and where its
/// peers reach it (`tcp://HOST:PORT`, with ` curve:PUBLICKEY` when its peer socket is encrypted).
public struct RingPeer: Codable, Equatable, Sendable {
    public let worker: String
    public let endpoint: String
    public init(worker: String, endpoint: String) {
        self.worker = worker
        self.endpoint = endpoint
    }
}

/// The ring peers as clients get them: `{"ringPeers":[{"worker","endpoint"}]}`.
struct RingPeers: Codable {
    var ringPeers: [RingPeer]
}

/// A FIFO of task numbers with cheap pushes at both ends.
struct TaskQueue: Sendable {
    private var back: [Int] = []
    private var head = 0
    private var front: [Int] = []   // pushed to the front, last pushed first

    mutating func pushBack(_ t: Int) { back.append(t) }
    mutating func pushFront(_ t: Int) { front.append(t) }

    mutating func popFront() -> Int? {
        if let t = front.popLast() { return t }
        guard head < back.count else { return nil }
        let t = back[head]
        head += 1
        if head > 4096 && head * 2 > back.count {
            back.removeFirst(head)
            head = 0
        }
        return t
    }
}
