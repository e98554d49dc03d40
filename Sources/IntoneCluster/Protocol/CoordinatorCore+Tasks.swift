/// The coordinator's bookkeeping of tasks, their jobs, workers and clients.
extension CoordinatorCore {
    /// Adds a job's tasks. A task id the same job gave before is the same task: while it is pending
    /// or running nothing changes; once done, abandoned or withdrawn it runs again. A client's task
    /// that names a blob its job did not send is abandoned at once: a job computes on its own data
    /// only, whatever hashes it knows.
    mutating func add(_ newTasks: [Task], blobs newBlobs: [String: [UInt8]], owner job: Owner) -> [Directive] {
        if isFinished && !tasks.isEmpty { compact() }
        for (hash, bytes) in newBlobs {
            if blobs[hash] == nil { blobs[hash] = bytes }
            blobOwners[hash, default: []].insert(job)
        }
        var out: [Directive] = []
        for task in newTasks {
            let key = TaskKey(owner: job, id: task.id)
            // The same id with the same content is the same task (a resubmission after a
            // reconnection); with other content it is a new task, whatever its id says: the id is
            // the client's, the work is what the body and blobs say.
            if let t = index[key], tasks[t] == task {
                if state[t] == .pending || state[t] == .running { continue }
                failures[t] = 0
                losses[t] = 0
                assignments[t] = []
                setState(t, .pending)
                enqueue(t)
                continue
            }
            // An open task under this id with other content is superseded: its result would answer
            // the new one.
            if let old = index[key], state[old] == .pending || state[old] == .running { withdraw(old, into: &out) }
            let t = tasks.count
            index[key] = t
            var wire = task.id
            if wireIndex[wire] != nil { wire += "#\(t)" }   // another job's task has this id: workers must tell them apart
            wireIndex[wire] = t
            wireIDs.append(wire)
            tasks.append(task)
            owner.append(job)
            state.append(.pending)
            counts[TaskState.pending.rawValue] += 1
            attempts.append(0)
            failures.append(0)
            losses.append(0)
            assignments.append([])
            queued.append(false)
            if job == .local { localOpen += 1 }
            if case .client(let c) = job { clients[c]?.owned.insert(t) }
            if job != .local, let foreign = Task.blobHashes(task.dataHash).first(where: { blobOwners[$0]?.contains(job) != true }) {
                abandon(t, reason: "it names the blob \(foreign.prefix(16)), which its job did not send", into: &out)
                continue
            }
            enqueue(t)
        }
        return out
    }

    /// Forgets finished tasks and their blobs (nothing is pending or running).
    mutating func compact() {
        tasks = []
        owner = []
        wireIDs = []
        state = []
        attempts = []
        failures = []
        losses = []
        assignments = []
        queued = []
        index = [:]
        wireIndex = [:]
        counts = [Int](repeating: 0, count: TaskState.allCases.count)
        blobs = [:]
        blobOwners = [:]
        queues = [:]
        ownerOrder = []
        runningPerOwner = [:]
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
        if owner[t] == .local && wasOpen != isOpen { localOpen += isOpen ? 1 : -1 }
        counts[old.rawValue] -= 1
        counts[s.rawValue] += 1
        state[t] = s
        if s == .running {
            runningTasks.insert(t)
            runningPerOwner[owner[t], default: 0] += 1
        } else if old == .running {
            runningTasks.remove(t)
            runningPerOwner[owner[t], default: 1] -= 1
        }
    }

    mutating func enqueue(_ t: Int, front: Bool = false) {
        guard !queued[t] else { return }
        queued[t] = true
        if let name = tasks[t].worker {
            pinnedQueue[name, default: []].append(t)
        } else {
            let o = owner[t]
            if queues[o] == nil {
                queues[o] = TaskQueue()
                if !ownerOrder.contains(o) { ownerOrder.append(o) }
            }
            if front { queues[o]!.pushFront(t) } else { queues[o]!.pushBack(t) }
        }
    }

    /// The next pending task by weighted fair share (see the type's notes), skipping entries that
    /// stopped being pending; `nil` when no job has a pending task it may start now.
    mutating func nextPending() -> Int? {
        while true {
            var chosen: Owner?
            var lowest = Double.infinity
            for o in ownerOrder where !(queues[o]?.isEmpty ?? true) {
                let share = shares[o] ?? JobShare()
                let running = runningPerOwner[o] ?? 0
                if let cap = share.maxSlots, running >= cap { continue }
                let load = Double(running) / share.priority
                if load < lowest { lowest = load; chosen = o }
            }
            guard let o = chosen else { return nil }
            while let t = queues[o]!.popFront() {
                queued[t] = false
                if state[t] == .pending { return t }
            }
            // That job's queue held only finished entries: choose again.
        }
    }

    /// Tells task `t`'s job its outcome, made from the id the job gave the task: `local` for this
    /// process's job, `client` sent to a client's.
    mutating func deliver(_ t: Int, into out: inout [Directive], local: (String) -> Directive, client: (String) -> WireMessage) {
        let id = tasks[t].id
        switch owner[t] {
        case .local:
            out.append(local(id))
        case .client(let c):
            guard clients[c] != nil else { return }
            out.append(.send(to: c, client(id)))
            clients[c]?.owned.remove(t)
        }
    }

    /// Cancels every running copy of task `t` (another copy finished, or its job went away).
    mutating func cancelCopies(of t: Int, into out: inout [Directive]) {
        for a in assignments[t] {
            out.append(.send(to: a.worker, WireMessage(Envelope(type: .cancel, task: wireIDs[t], attempt: a.attempt))))
            workers[a.worker]?.running.remove(t)
        }
        assignments[t] = []
    }

    mutating func withdraw(_ t: Int, into out: inout [Directive]) {
        guard state[t] == .pending || state[t] == .running else { return }
        cancelCopies(of: t, into: &out)
        setState(t, .withdrawn)
    }

    /// Abandons task `t` and tells its job why.
    mutating func abandon(_ t: Int, reason: String, into out: inout [Directive]) {
        setState(t, .abandoned)
        abandonedTotal += 1
        deliver(t, into: &out, local: { .abandoned(task: $0, reason: reason) },
                client: { WireMessage(Envelope(type: .failure, task: $0, reason: reason)) })
    }

    /// Forgets one assignment of task `t` to `worker` (any attempt when `attempt` is nil).
    mutating func release(task t: Int, worker: [UInt8], attempt: Int?) {
        assignments[t].removeAll { $0.worker == worker && (attempt == nil || $0.attempt == attempt) }
        if !assignments[t].contains(where: { $0.worker == worker }) { workers[worker]?.running.remove(t) }
    }

    /// A worker is gone: its tasks go back to the front of the queue (pinned ones are abandoned).
    /// Unless it left with `bye` (`costsAttempts` false), each task it alone ran counts a failed
    /// attempt, and one that reaches the limit is abandoned: a task that kills its worker would
    /// otherwise kill every worker it is given to.
    mutating func requeue(worker peer: [UInt8], _ w: Worker, into out: inout [Directive], announce: Bool, costsAttempts: Bool = true) {
        workers[peer] = nil
        orderWorkers()
        var requeued: [Int] = []
        // Charged: the tasks it held longest, one per job slot (the ones it was running; the
        // rest were queued ahead on it and never started).
        let charged = Set(w.running.sorted { a, b in
            let x = assignments[a].first { $0.worker == peer }?.since ?? 0, y = assignments[b].first { $0.worker == peer }?.since ?? 0
            return x != y ? x < y : a < b
        }.prefix(w.jobs))
        for t in w.running.sorted() {
            let wasCharged = charged.contains(t)
            assignments[t].removeAll { $0.worker == peer }
            if state[t] == .running && assignments[t].isEmpty {
                if tasks[t].worker != nil {
                    abandon(t, reason: "worker \(w.name) was lost", into: &out)
                    continue
                }
                if costsAttempts && wasCharged {
                    failures[t] += 1
                    losses[t] += 1
                    if failures[t] >= configuration.maxAttempts {
                        let reason = "abandoned after \(failures[t]) attempts: its worker was lost during \(losses[t]) of them (last: \(w.name)); "
                            + "a task that crashes or stalls its worker is not tried again"
                        abandon(t, reason: reason, into: &out)
                        continue
                    }
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

    /// A client is gone: the tasks of its job still open are withdrawn.
    mutating func drop(client peer: [UInt8], _ c: Client, into out: inout [Directive], announce: Bool) {
        clients[peer] = nil
        var withdrawn = 0
        for t in c.owned.sorted() where state[t] == .pending || state[t] == .running {
            withdraw(t, into: &out)
            withdrawn += 1
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
}
