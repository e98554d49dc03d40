import IntoneFormats

/// What the coordinator does with each message from a worker or a client.
extension CoordinatorCore {
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
        // is dropped: a live worker re-introduces itself when its heartbeats go unanswered. A peer
        // that never said hello as a worker is heard in nothing (a forged result reached a job).
        guard workers[peer] != nil || (helloedWorkers.contains(peer) && (e.type == .result || e.type == .failure)) else {
            dropped += 1
            return
        }
        workers[peer]?.lastHeard = now
        switch e.type {
        case .heartbeat:
            break
        case .result:
            guard let id = e.task, let t = wireIndex[id], let body = e.body else { dropped += 1; return }
            workers[peer]?.done += 1
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
            cancelCopies(of: t, into: &out)
            deliver(t, into: &out, local: { .completed(task: $0, body: body, blobs: message.blobs) },
                    client: { WireMessage(Envelope(type: .result, task: $0, body: body), blobs: message.blobs) })
        case .failure:
            guard let id = e.task, let t = wireIndex[id] else { dropped += 1; return }
            workers[peer]?.failed += 1
            release(task: t, worker: peer, attempt: e.attempt)
            guard state[t] == .running || state[t] == .pending else { return }
            failures[t] += 1
            failuresTotal += 1
            if failures[t] >= configuration.maxAttempts || tasks[t].worker != nil {
                // Whatever copies still run: a task whose copies keep failing (while speculation
                // keeps starting new ones) would otherwise never end.
                cancelCopies(of: t, into: &out)
                abandon(t, reason: e.reason ?? "failed", into: &out)
                return
            }
            if !assignments[t].isEmpty { return }  // another copy is still running
            if state[t] != .pending {
                setState(t, .pending)
                enqueue(t)
            }
        case .need:
            guard let hash = e.hash, let bytes = blobs[hash] else { dropped += 1; return }
            // At most `blobSendsPerWindow` copies of a blob per worker per `blobResendSeconds`: a
            // worker caches what it gets (and may ask again after its cache let a blob go), but a
            // peer asking again and again (200 needs of a 2 MiB blob took the coordinator from 40
            // to 440 MiB) is not sent a copy per request.
            if var w = workers[peer] {
                var (since, count) = w.blobsSent[hash] ?? (now, 0)
                if now - since >= configuration.blobResendSeconds { (since, count) = (now, 0) }
                guard count < configuration.blobSendsPerWindow else {
                    dropped += 1
                    return
                }
                w.blobsSent[hash] = (since, count + 1)
                workers[peer] = w
            }
            out.append(.send(to: peer, WireMessage(Envelope(type: .blob, hash: hash), blobs: [bytes])))
        case .bye:
            if let w = workers[peer] { requeue(worker: peer, w, into: &out, announce: true, costsAttempts: false) }
        default:
            dropped += 1
        }
    }

    mutating func hello(_ e: Envelope, from peer: [UInt8], now: Double, into out: inout [Directive]) {
        let name = e.worker ?? "peer"
        let key = peerKeys.removeValue(forKey: peer)
        // Roles: a key for jobs cannot join as a worker (and receive other tenants' task bodies),
        // and a worker's key cannot submit.
        if let key, let roles = keyRoles[key] {
            let allowed = e.role == .client ? !roles.isDisjoint(with: [.job, .admin]) : roles.contains(.worker)
            if !allowed {
                let reason = "this key may not connect as a \(e.role == .client ? "job" : "worker") (its roles in the allow-list: \(roles.map(\.rawValue).sorted().joined(separator: ", ")))"
                out.append(.send(to: peer, WireMessage(Envelope(type: .refuse, reason: reason))))
                out.append(.refused(peer: name, reason: reason))
                return
            }
        }
        if e.role == .client {
            // A job's name belongs to the key that first used it: another key cannot take it over
            // (and with it the right to cancel the job).
            if let key, let first = jobOwners[name], first != key {
                let reason = "the job name \(name) is in use by another key; choose another --job-name"
                out.append(.send(to: peer, WireMessage(Envelope(type: .refuse, reason: reason))))
                out.append(.refused(peer: name, reason: reason))
                return
            }
            if let reason = cancelledJobs[name] {
                out.append(.send(to: peer, WireMessage(Envelope(type: .refuse, reason: reason))))
                return
            }
            if let old = clients[peer] { drop(client: peer, old, into: &out, announce: false) }
            clientNames[peer] = name
            let asked = HelloBody.decode(e.body)
            shares[.client(peer)] = asked.share
            clients[peer] = Client(name: name, lastHeard: now, lastHeartbeatSent: now)
            if let command = asked.command { jobCommands[name] = command }
            if let key { jobOwners[name] = key }
            out.append(.send(to: peer, WireMessage(Envelope(type: .welcome, heartbeatMilliseconds: heartbeatMilliseconds, body: ringPeersBody,
                                                            workers: workers.count))))
            out.append(.clientJoined(name: name))
            return
        }
        if let closingReason {
            out.append(.send(to: peer, WireMessage(Envelope(type: .shutdown, reason: closingReason))))
            return
        }
        // A worker saying hello again lost its session, not necessarily to a task: no attempt is charged.
        if let old = workers[peer] { requeue(worker: peer, old, into: &out, announce: false, costsAttempts: false) }
        helloedWorkers.insert(peer)
        let jobs = max(1, min(e.jobs ?? 1, 1024))
        workers[peer] = Worker(name: name, jobs: jobs, peer: e.peer, lastHeard: now, lastHeartbeatSent: now,
                               host: e.host.map { String($0.prefix(255)) })
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
            guard let list = message.blobs.first, let submitted = CanonicalJSON.decode([Task].self, list),
                  submitted.count <= 10_000_000 else {
                dropped += 1
                return
            }
            var shipped: [String: [UInt8]] = [:]
            for bytes in message.blobs.dropFirst() { shipped[SHA256.hex(of: bytes)] = bytes }
            out += add(submitted, blobs: shipped, owner: .client(peer))
        case .bye:
            if let c = clients[peer] { drop(client: peer, c, into: &out, announce: true) }
        case .jobs:
            out.append(.send(to: peer, WireMessage(Envelope(type: .jobs, body: jobTableBody()))))
        case .cancel:
            let by = clients[peer]?.name ?? "a client"
            guard let name = e.body, jobNames.contains(name) else {
                out.append(.send(to: peer, WireMessage(Envelope(type: .jobs, reason: "no job named \(e.body ?? "")", body: jobTableBody()))))
                return
            }
            // A detached job's process connects with the coordinator's key: its owner is its submitter.
            let owner = externalJobs[name]?.detached == true ? externalJobs[name]?.owner : (jobOwners[name] ?? externalJobs[name]?.owner)
            if !mayControl(jobOwnedBy: owner, from: by) {
                out.append(.send(to: peer, WireMessage(Envelope(type: .jobs, reason: "job \(name) is not this key's: only its owner or a key with the admin role may cancel it"))))
                return
            }
            cancel(job: name, by: by, into: &out)
            out.append(.send(to: peer, WireMessage(Envelope(type: .jobs, body: jobTableBody()))))
        case .launch, .fetch:
            let name = clients[peer]?.name ?? "a client"
            out.append(.hostRequest(from: peer, client: name, owner: jobOwners[name], admin: isAdmin(client: name), message))
        default:
            dropped += 1
        }
    }
}

extension CoordinatorCore {
    /// Whether the client `name` may act on every job: no keys, a key listed without roles, or one
    /// with the admin role.
    func isAdmin(client name: String) -> Bool {
        guard let key = jobOwners[name], let roles = keyRoles[key] else { return true }
        return roles.contains(.admin)
    }

    /// Whether the client `name` may cancel (or fetch) a job owned by the key `owner`.
    func mayControl(jobOwnedBy owner: String?, from name: String) -> Bool {
        isAdmin(client: name) || (owner != nil && owner == jobOwners[name])
    }
}
