import IntoneFormats

/// One job as `intone jobs` lists it: a client name (`--cluster` jobs say `client-HOST-PID`) and its
/// tasks over all its connections, by state.
public struct JobSummary: Codable, Equatable, Sendable {
    public var name: String
    /// `running` (tasks pending or running), `connected` (a connection open, nothing open),
    /// `gone` (no connection) or `cancelled`.
    public var state: String
    /// Open connections of this job.
    public var connections: Int
    public var pending: Int
    public var running: Int
    public var done: Int
    public var abandoned: Int
    public var withdrawn: Int
    /// Why the job was cancelled, and by whom.
    public var reason: String?
    /// Its fair-share weight and slot cap (of its newest connection).
    public var priority: Double?
    public var maxSlots: Int?
    /// A detached job (`--detach`): the command it runs, and its exit status once it ended. Its
    /// state is then `queued`, `running`, `finished`, `failed` or `cancelled`.
    public var command: String?
    public var detached: Bool?
    public var exitStatus: Int?
    /// The CURVE public key (Z85) its newest connection authenticated with (none without keys).
    public var owner: String?

    public init(name: String, state: String, connections: Int, pending: Int, running: Int, done: Int, abandoned: Int, withdrawn: Int,
                reason: String? = nil, priority: Double? = nil, maxSlots: Int? = nil) {
        self.reason = reason
        self.priority = priority
        self.maxSlots = maxSlots
        self.name = name
        self.state = state
        self.connections = connections
        self.pending = pending
        self.running = running
        self.done = done
        self.abandoned = abandoned
        self.withdrawn = withdrawn
    }
}

/// The coordinator's job table (`jobs` reply body).
public struct JobTable: Codable, Equatable, Sendable {
    public var jobs: [JobSummary]
    /// Connected workers and their job slots.
    public var workers: Int
    public var slots: Int
}

/// Job control: the job table, and cancelling a job by name.
extension CoordinatorCore {
    /// Names of the jobs that ever submitted a task here, and of the jobs the shell knows of
    /// otherwise (detached jobs, rows journaled before a restart).
    var jobNames: Set<String> {
        var names = Set(externalJobs.keys)
        for t in tasks.indices { if case .client(let p) = owner[t], let n = clientNames[p] { names.insert(n) } }
        return names
    }

    /// Every job that submitted tasks here, by name, and the rows the shell supplies.
    public var jobTable: JobTable { jobTable(includingExternal: true) }

    /// The job table; without `includingExternal`, only jobs with tasks here.
    public func jobTable(includingExternal: Bool) -> JobTable {
        var rows: [String: JobSummary] = [:]
        for t in tasks.indices {
            guard case .client(let p) = owner[t], let name = clientNames[p] else { continue }
            var r = rows[name] ?? JobSummary(name: name, state: "gone", connections: 0, pending: 0, running: 0, done: 0, abandoned: 0, withdrawn: 0)
            switch state[t] {
            case .pending: r.pending += 1
            case .running: r.running += 1
            case .done: r.done += 1
            case .abandoned: r.abandoned += 1
            case .withdrawn: r.withdrawn += 1
            }
            rows[name] = r
        }
        for (peer, c) in clients.sorted(by: { $0.key.lexicographicallyPrecedes($1.key) }) where rows[c.name] != nil && clientNames[peer] == c.name {
            rows[c.name]!.connections += 1
            let share = shares[.client(peer)] ?? JobShare()
            rows[c.name]!.priority = share.priority
            rows[c.name]!.maxSlots = share.maxSlots
        }
        for name in rows.keys {
            rows[name]!.command = jobCommands[name]
            rows[name]!.owner = jobOwners[name]
            if let reason = cancelledJobs[name] {
                rows[name]!.state = "cancelled"
                rows[name]!.reason = reason
            } else if rows[name]!.pending + rows[name]!.running > 0 {
                rows[name]!.state = "running"
            } else if rows[name]!.connections > 0 {
                rows[name]!.state = "connected"
            }
        }
        // Rows the shell supplies: a detached job's own state wins once it is final (its process
        // ended); a job with no task here any more shows its journaled row.
        for (name, external) in includingExternal ? externalJobs : [:] {
            guard var live = rows[name] else { rows[name] = external; continue }
            live.command = external.command ?? live.command
            // A detached job's process connects with the coordinator's key: its owner is its submitter.
            live.owner = external.detached == true ? (external.owner ?? live.owner) : (live.owner ?? external.owner)
            live.detached = external.detached
            live.exitStatus = external.exitStatus
            if external.detached == true, let state = HostedJob.State(rawValue: external.state), state.isFinal || live.state == "connected" || live.state == "gone" {
                live.state = external.state
                live.reason = external.reason ?? live.reason
            }
            rows[name] = live
        }
        return JobTable(jobs: rows.keys.sorted().map { rows[$0]! }, workers: workers.count, slots: slotCount)
    }

    func jobTableBody() -> String { String(decoding: CanonicalJSON.encode(jobTable), as: UTF8.self) }

    /// Cancels the job `name`: its queued and running tasks are withdrawn (their copies cancelled on
    /// the workers), each of its connections is refused with the reason, and so is every later
    /// hello under that name, so a job that reconnects learns it too.
    mutating func cancel(job name: String, by: String, into out: inout [Directive]) {
        let reason = "job \(name) was cancelled by \(by)"
        cancelledJobs[name] = reason
        var withdrawn = 0
        for peer in clients.keys.sorted(by: { $0.lexicographicallyPrecedes($1) }) where clients[peer]?.name == name {
            let c = clients[peer]!
            withdrawn += c.owned.filter { state[$0] == .pending || state[$0] == .running }.count
            drop(client: peer, c, into: &out, announce: false)
            out.append(.send(to: peer, WireMessage(Envelope(type: .refuse, reason: reason))))
        }
        out.append(.jobCancelled(name: name, by: by, withdrawn: withdrawn))
    }
}

/// A job's claim on the workers: its priority (a weight: a job of priority 2 gets twice the slots
/// of a job of priority 1 while both have work) and an optional cap on its running tasks. A client
/// sends it in its `hello` body (`{"priority": 2, "maxSlots": 8}`); absent, priority 1 and no cap.
public struct JobShare: Codable, Equatable, Sendable {
    public var priority: Double
    public var maxSlots: Int?

    public init(priority: Double = 1, maxSlots: Int? = nil) {
        self.priority = priority.isFinite && priority > 0 ? min(priority, 1_000_000) : 1
        self.maxSlots = maxSlots.map { max(1, $0) }
    }

}

/// A client's hello body: its share of the workers and the command it runs
/// (`{"priority": 2, "maxSlots": 8, "command": "sweep"}`; every field optional).
struct HelloBody: Codable {
    var priority: Double?
    var maxSlots: Int?
    var command: String?

    init(share: JobShare, command: String?) {
        priority = share.priority
        maxSlots = share.maxSlots
        self.command = command
    }

    /// The share and command a hello body asks for (the defaults for none or an unreadable one;
    /// a command that is no plain name is dropped).
    static func decode(_ body: String?) -> (share: JobShare, command: String?) {
        guard let body, let h = CanonicalJSON.decode(HelloBody.self, Array(body.utf8)) else { return (JobShare(), nil) }
        let command = h.command.flatMap { HostedJob.isValidName($0) && $0.count <= 32 ? $0 : nil }
        return (JobShare(priority: h.priority ?? 1, maxSlots: h.maxSlots), command)
    }
}

/// One connected worker as the dashboard shows it.
public struct WorkerSummary: Codable, Equatable, Sendable {
    public var name: String
    /// Job slots, and tasks on it now.
    public var slots: Int
    public var running: Int
    /// Seconds since it was last heard from.
    public var lastHeard: Double
    /// Results and failures it sent since it (re)connected.
    public var done: Int
    public var failed: Int
    /// The host name it gave (informational only).
    public var host: String?
}

extension CoordinatorCore {
    /// The connected workers in dispatch (name) order.
    public func workerTable(now: Double) -> [WorkerSummary] {
        workerOrder.compactMap { id in
            workers[id].map { w in
                WorkerSummary(name: w.name, slots: w.jobs, running: w.running.count, lastHeard: max(0, now - w.lastHeard), done: w.done, failed: w.failed,
                              host: w.host)
            }
        }
    }
}
