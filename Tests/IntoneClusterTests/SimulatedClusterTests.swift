import Foundation
import Testing
@testable import IntoneCluster
import IntoneFormats

/// The coordinator core driven by a simulated clock, simulated workers and simulated clients, with
/// no sockets (as swift-cluster-membership tests SWIM): workers die and their late results arrive
/// afterwards, a slow worker's tasks get second copies, some results arrive twice, some tasks fail
/// on every worker, a new worker joins mid-run, and three jobs (this process's and two clients')
/// use the same task ids at once. Whatever happens, every job gets exactly one outcome per task,
/// and each result is the one of its own task.
struct SimulatedClusterTests {
    /// A small deterministic generator (the simulation must replay for a seed).
    struct Generator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return state >> 11
        }
        mutating func uniform(_ lo: Double, _ hi: Double) -> Double { lo + (hi - lo) * Double(next() % 1_000_000) / 1_000_000 }
        mutating func chance(_ p: Double) -> Bool { uniform(0, 1) < p }
    }

    struct RunningCopy {
        let id: String
        let attempt: Int
        let body: String
        let blobs: [String]
        var finishes: Double?
    }

    /// A worker as the core sees it from outside: it asks for blobs it lacks, runs `slots` copies at
    /// once at its own speed, answers with the task's echo (or fails tasks marked to fail), and
    /// sometimes sends a result twice.
    struct SimulatedWorker {
        let name: String
        let slots: Int
        let slowness: Double
        var alive = true
        var blobs: Set<String> = []
        var copies: [RunningCopy] = []
        var lastHeartbeat = 0.0
        var routing: [UInt8] { Array(name.utf8) }
    }

    struct SimulatedClient {
        let name: String
        var lastHeartbeat = 0.0
        var routing: [UInt8] { Array(name.utf8) }
    }

    static func body(job: String, n: Int) -> String { "{\"job\":\"\(job)\",\"n\":\(n)\(n % 17 == 5 ? ",\"fail\":true" : "")}" }

    static func echo(_ body: String) -> String { "{\"echo\":" + JSONText.quoted(body) + "}" }

    @Test(arguments: [1, 2, 3, 4, 5] as [UInt64])
    func everyJobGetsExactlyItsOwnResultsWhateverTheWorkersDo(seed: UInt64) {
        var random = Generator(state: seed)
        var core = CoordinatorCore(configuration: .init(heartbeatInterval: 0.5, liveness: 4, maxAttempts: 3, speculate: true))
        let blob = Array("shared data".utf8), blobHash = SHA256.hex(of: blob)
        let taskCount = 60
        func tasks(_ job: String) -> [CoordinatorCore.Task] {
            (0..<taskCount).map { CoordinatorCore.Task(id: "t\($0)", kind: "echo@1", body: Self.body(job: job, n: $0), dataHash: $0 % 2 == 0 ? blobHash : nil) }
        }
        var workers = [SimulatedWorker(name: "w1", slots: 2, slowness: 1), SimulatedWorker(name: "w2", slots: 1, slowness: 1),
                       SimulatedWorker(name: "w3", slots: 2, slowness: 6)]   // w3 is slow: its tasks get copies at the end
        var clients = [SimulatedClient(name: "client-a"), SimulatedClient(name: "client-b")]
        var outcomes: [String: [String: [String]]] = [:]   // per job ("local" or a client), by the job's task id
        var pending: [(at: Double, from: [UInt8], message: WireMessage)] = []   // messages in flight to the core
        let deathAt = random.uniform(1, 3), lateDelivery = 9.0, joinAt = 4.0
        var now = 0.0

        func handle(_ directives: [CoordinatorCore.Directive]) {
            for d in directives {
                switch d {
                case .completed(let id, let body, _): outcomes["local", default: [:]][id, default: []].append(body)
                case .abandoned(let id, let reason): outcomes["local", default: [:]][id, default: []].append("abandoned: " + reason)
                case .send(let to, let m):
                    if let c = clients.first(where: { $0.routing == to }) {
                        switch m.envelope.type {
                        case .result: outcomes[c.name, default: [:]][m.envelope.task!, default: []].append(m.envelope.body!)
                        case .failure: outcomes[c.name, default: [:]][m.envelope.task!, default: []].append("abandoned: " + m.envelope.reason!)
                        default: break
                        }
                    } else if let w = workers.firstIndex(where: { $0.routing == to }) {
                        deliver(m, to: w)
                    }
                default: break
                }
            }
        }

        func deliver(_ m: WireMessage, to w: Int) {
            guard workers[w].alive else { return }
            let e = m.envelope
            switch e.type {
            case .task:
                workers[w].copies.append(RunningCopy(id: e.task!, attempt: e.attempt!, body: e.body!, blobs: CoordinatorCore.Task.blobHashes(e.hash)))
                for h in CoordinatorCore.Task.blobHashes(e.hash) where !workers[w].blobs.contains(h) {
                    pending.append((now, workers[w].routing, WireMessage(Envelope(type: .need, hash: h))))
                }
            case .blob:
                workers[w].blobs.insert(e.hash!)
            case .cancel:
                workers[w].copies.removeAll { $0.id == e.task && $0.attempt == e.attempt && $0.finishes == nil }
            default:
                break
            }
        }

        // The jobs: this process's and two clients', all with ids t0...t59.
        handle(core.submit(tasks("local"), blobs: [blobHash: blob], now: 0))
        for c in clients {
            handle(core.handle(.received(from: c.routing, WireMessage(Envelope(type: .hello, worker: c.name, role: .client))), now: 0))
            let frames = [CanonicalJSON.encode(tasks(c.name)), blob]
            handle(core.handle(.received(from: c.routing, WireMessage(Envelope(type: .submit), blobs: frames)), now: 0.01))
        }
        for w in workers { handle(core.handle(.received(from: w.routing, WireMessage(Envelope(type: .hello, worker: w.name, jobs: w.slots))), now: 0.02)) }

        let step = 0.05
        while now < 300 {
            now += step
            // A worker dies; its finished work reaches the core late, after it was declared dead.
            if now >= deathAt, workers[0].alive {
                workers[0].alive = false
                for c in workers[0].copies {
                    // What it would have answered, as any worker does: a task made to fail fails.
                    let reply = c.body.contains("\"fail\":true")
                        ? WireMessage(Envelope(type: .failure, task: c.id, attempt: c.attempt, reason: "refused by design"))
                        : WireMessage(Envelope(type: .result, task: c.id, attempt: c.attempt, body: Self.echo(c.body), seconds: 0.5))
                    pending.append((lateDelivery, workers[0].routing, reply))
                }
                workers[0].copies = []
            }
            if now >= joinAt && workers.count == 3 {
                workers.append(SimulatedWorker(name: "w4", slots: 2, slowness: 1))
                handle(core.handle(.received(from: workers[3].routing, WireMessage(Envelope(type: .hello, worker: "w4", jobs: 2))), now: now))
            }
            for w in workers.indices where workers[w].alive {
                // Start what fits, once its blobs are here; finish what is due.
                var running = workers[w].copies.filter { $0.finishes != nil }.count
                for k in workers[w].copies.indices where workers[w].copies[k].finishes == nil && running < workers[w].slots {
                    if !workers[w].copies[k].blobs.allSatisfy(workers[w].blobs.contains) { continue }
                    workers[w].copies[k].finishes = now + random.uniform(0.1, 0.6) * workers[w].slowness
                    running += 1
                }
                let due = workers[w].copies.filter { ($0.finishes ?? .infinity) <= now }
                workers[w].copies.removeAll { ($0.finishes ?? .infinity) <= now }
                for c in due {
                    let reply = c.body.contains("\"fail\":true")
                        ? WireMessage(Envelope(type: .failure, task: c.id, attempt: c.attempt, reason: "refused by design"))
                        : WireMessage(Envelope(type: .result, task: c.id, attempt: c.attempt, body: Self.echo(c.body), seconds: 0.3))
                    pending.append((now, workers[w].routing, reply))
                    if random.chance(0.1) { pending.append((now + 0.2, workers[w].routing, reply)) }   // sent twice
                }
                if now - workers[w].lastHeartbeat >= 0.5 {
                    workers[w].lastHeartbeat = now
                    pending.append((now, workers[w].routing, WireMessage(Envelope(type: .heartbeat))))
                }
            }
            for c in clients.indices where now - clients[c].lastHeartbeat >= 0.5 {
                clients[c].lastHeartbeat = now
                pending.append((now, clients[c].routing, WireMessage(Envelope(type: .heartbeat))))
            }
            let arrived = pending.filter { $0.at <= now }
            pending.removeAll { $0.at <= now }
            for m in arrived { handle(core.handle(.received(from: m.from, m.message), now: now)) }
            handle(core.handle(.tick, now: now))
            let answered = ["local", "client-a", "client-b"].allSatisfy { (outcomes[$0]?.count ?? 0) == taskCount }
            if answered && core.isFinished && now > lateDelivery + 1 { break }
        }

        #expect(now < 300, "the simulation did not finish")
        for job in ["local", "client-a", "client-b"] {
            for n in 0..<taskCount {
                let got = outcomes[job]?["t\(n)"] ?? []
                #expect(got.count == 1, "\(job) t\(n): \(got.count) outcomes")
                let body = Self.body(job: job, n: n)
                let expected = body.contains("\"fail\":true") ? "abandoned: refused by design" : Self.echo(body)
                #expect(got.first == expected, "\(job) t\(n): \(got.first ?? "nothing")")
            }
        }
        #expect(core.isFinished)
        #expect(core.workersLostTotal == 1)
        #expect(core.completedTotal == 3 * (taskCount - (0..<taskCount).filter { $0 % 17 == 5 }.count))
        #expect(core.duplicateResults > 0)
    }
}
