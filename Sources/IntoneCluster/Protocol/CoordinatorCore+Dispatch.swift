/// Who runs what: pending tasks to free slots, pinned tasks to their workers, second copies of
/// slow pure tasks to idle slots.
extension CoordinatorCore {
    /// Tasks a worker may hold at once: its job slots, plus queued-ahead ones while tasks are short.
    func capacity(of w: Worker) -> Int { w.jobs * capacityMultiplier }

    /// Tasks per job slot a worker may hold: 1, or `1 + prefetch` while tasks are short.
    var capacityMultiplier: Int {
        guard let mean = meanTaskSeconds, mean < configuration.shortTaskSeconds else { return 1 }
        return 1 + max(0, configuration.prefetch)
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
    /// pending, second copies of the oldest running pure tasks to idle slots.
    mutating func dispatch(now: Double, into out: inout [Directive], only: [UInt8]? = nil) {
        dispatchPinned(now: now, into: &out)
        guard !workerOrder.isEmpty else { return }
        var anyPending = pendingCount > 0
        for peer in only.map({ [$0] }) ?? workerOrder {
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

    /// The oldest running task with one copy elsewhere that may be copied: pure and not pinned.
    func speculationCandidate(for peer: [UInt8]) -> Int? {
        var best: Int?
        var oldest = Double.infinity
        for t in runningTasks where assignments[t].count == 1 && assignments[t][0].worker != peer && tasks[t].worker == nil && tasks[t].isPure {
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
        out.append(.send(to: peer, WireMessage(Envelope(type: .task, task: wireIDs[t], attempt: attempts[t], hash: task.dataHash, body: task.body,
                                                        kind: task.kind))))
    }
}

/// A FIFO of task numbers with cheap pushes at both ends.
struct TaskQueue: Sendable {
    private var back: [Int] = []
    private var head = 0
    private var front: [Int] = []   // pushed to the front, last pushed first

    var isEmpty: Bool { front.isEmpty && head >= back.count }

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
