import Foundation
import Testing
@testable import IntoneCluster
import IntoneFormats

/// The coordinator's rules for remote clients, prefetching and closing, driven by events alone.
struct CoordinatorClientTests {
    static let w: [UInt8] = Array("W".utf8), c: [UInt8] = Array("C".utf8), d: [UInt8] = Array("D".utf8)

    static func hello(worker name: String, jobs: Int) -> WireMessage { WireMessage(Envelope(type: .hello, worker: name, jobs: jobs)) }
    static func helloClient(_ name: String) -> WireMessage { WireMessage(Envelope(type: .hello, worker: name, role: .client)) }
    static func submit(_ ids: [String], blob: [UInt8]? = nil) -> WireMessage {
        let tasks = ids.map { CoordinatorCore.Task(id: $0, body: "{}", dataHash: blob.map { SHA256.hex(of: $0) }) }
        return WireMessage(Envelope(type: .submit), blobs: [CanonicalJSON.encode(tasks)] + (blob.map { [$0] } ?? []))
    }
    static func sent(_ directives: [CoordinatorCore.Directive], to peer: [UInt8], _ type: Envelope.Kind) -> [Envelope] {
        directives.compactMap { if case .send(let to, let m) = $0, to == peer, m.envelope.type == type { return m.envelope } else { return nil } }
    }

    @Test func clientTasksRunOnWorkersAndResultsGoBackToTheClient() {
        var core = CoordinatorCore()
        _ = core.handle(.received(from: Self.w, Self.hello(worker: "w", jobs: 1)), now: 0)
        let welcome = core.handle(.received(from: Self.c, Self.helloClient("c")), now: 0)
        #expect(Self.sent(welcome, to: Self.c, .welcome).first?.workers == 1)
        let blob: [UInt8] = [9, 8, 7]
        let d = core.handle(.received(from: Self.c, Self.submit(["a", "b"], blob: blob)), now: 1)
        let task = Self.sent(d, to: Self.w, .task)
        #expect(task.map(\.task) == ["a"])
        // The worker asks for the blob the client shipped with its tasks.
        let need = core.handle(.received(from: Self.w, WireMessage(Envelope(type: .need, hash: task[0].hash))), now: 1.1)
        #expect(need.contains(.send(to: Self.w, WireMessage(Envelope(type: .blob, hash: task[0].hash), blobs: [blob]))))
        let r = core.handle(.received(from: Self.w, WireMessage(Envelope(type: .result, task: "a", attempt: 1, body: "{\"x\":1}"), blobs: [[1]])), now: 2)
        #expect(r.contains(.send(to: Self.c, WireMessage(Envelope(type: .result, task: "a", body: "{\"x\":1}"), blobs: [[1]]))))
        #expect(!r.contains { if case .completed = $0 { return true } else { return false } })   // not a local task
        #expect(Self.sent(r, to: Self.w, .task).map(\.task) == ["b"])
    }

    @Test func aSilentClientsTasksAreWithdrawnAndCancelled() {
        var core = CoordinatorCore(configuration: .init(heartbeatInterval: 1, liveness: 3, speculate: false))
        _ = core.handle(.received(from: Self.w, Self.hello(worker: "w", jobs: 1)), now: 0)
        _ = core.handle(.received(from: Self.c, Self.helloClient("c")), now: 0)
        _ = core.handle(.received(from: Self.c, Self.submit(["a", "b", "c"])), now: 0)
        _ = core.handle(.received(from: Self.w, WireMessage(Envelope(type: .heartbeat))), now: 3)
        let d = core.handle(.tick, now: 3.5)   // the client has been silent for 3.5 s
        #expect(d.contains(.clientLost(name: "c", withdrawn: 3)))
        #expect(d.contains(.send(to: Self.w, WireMessage(Envelope(type: .cancel, task: "a", attempt: 1)))))
        #expect(core.isFinished && core.pendingCount == 0 && core.clientCount == 0)
    }

    /// Every task belongs to its job (here, a client's): the same id from two jobs is two tasks,
    /// workers tell them apart, and each job gets the result of its own.
    @Test func twoClientsGivingTheSameTaskIdGetARunEachAndTheirOwnResult() {
        var core = CoordinatorCore()
        _ = core.handle(.received(from: Self.c, Self.helloClient("c")), now: 0)
        _ = core.handle(.received(from: Self.d, Self.helloClient("d")), now: 0)
        _ = core.handle(.received(from: Self.c, Self.submit(["same"])), now: 0)
        _ = core.handle(.received(from: Self.d, Self.submit(["same"])), now: 0)
        let d = core.handle(.received(from: Self.w, Self.hello(worker: "w", jobs: 2)), now: 1)
        let sent = Self.sent(d, to: Self.w, .task)
        #expect(sent.count == 2)
        #expect(Set(sent.compactMap(\.task)).count == 2)   // the worker sees two ids
        let first = core.handle(.received(from: Self.w, WireMessage(Envelope(type: .result, task: sent[0].task, attempt: 1, body: "{\"job\":\"c\"}"))), now: 2)
        let second = core.handle(.received(from: Self.w, WireMessage(Envelope(type: .result, task: sent[1].task, attempt: 1, body: "{\"job\":\"d\"}"))), now: 2)
        #expect(first.contains(.send(to: Self.c, WireMessage(Envelope(type: .result, task: "same", body: "{\"job\":\"c\"}")))))
        #expect(Self.sent(first, to: Self.d, .result).isEmpty)
        #expect(second.contains(.send(to: Self.d, WireMessage(Envelope(type: .result, task: "same", body: "{\"job\":\"d\"}")))))
        #expect(core.isFinished && core.doneCount == 2)
    }

    /// Job control: a third client lists the jobs (by name, over their connections), cancels one:
    /// its tasks are withdrawn (the running copy cancelled on the worker), it is refused with the
    /// reason, and so is its next hello; the other job runs on; an unknown name is an error.
    @Test func aJobCanBeListedAndCancelled() throws {
        var core = CoordinatorCore(configuration: .init(speculate: false))
        let admin: [UInt8] = Array("A".utf8)
        _ = core.handle(.received(from: Self.c, Self.helloClient("job-c")), now: 0)
        _ = core.handle(.received(from: Self.d, Self.helloClient("job-d")), now: 0)
        _ = core.handle(.received(from: Self.c, Self.submit(["c1", "c2", "c3"])), now: 0)
        _ = core.handle(.received(from: Self.d, Self.submit(["d1"])), now: 0)
        let started = core.handle(.received(from: Self.w, Self.hello(worker: "w", jobs: 1)), now: 1)
        let first = try #require(Self.sent(started, to: Self.w, .task).first?.task)
        #expect(first == "c1")
        _ = core.handle(.received(from: admin, Self.helloClient("admin")), now: 1)
        let listed = core.handle(.received(from: admin, WireMessage(Envelope(type: .jobs))), now: 1)
        let reply = try #require(Self.sent(listed, to: admin, .jobs).first?.body)
        let table = try #require(CanonicalJSON.decode(JobTable.self, Array(reply.utf8)))
        #expect(table.jobs.map(\.name) == ["job-c", "job-d"])   // the admin sent no task: not a job
        #expect(table.jobs[0] == JobSummary(name: "job-c", state: "running", connections: 1, pending: 2, running: 1, done: 0, abandoned: 0, withdrawn: 0,
                                            priority: 1))
        #expect(table.workers == 1 && table.slots == 1)

        let cancelled = core.handle(.received(from: admin, WireMessage(Envelope(type: .cancel, body: "job-c"))), now: 2)
        #expect(cancelled.contains(.send(to: Self.c, WireMessage(Envelope(type: .refuse, reason: "job job-c was cancelled by admin")))))
        #expect(cancelled.contains(.send(to: Self.w, WireMessage(Envelope(type: .cancel, task: first, attempt: 1)))))
        #expect(cancelled.contains(.jobCancelled(name: "job-c", by: "admin", withdrawn: 3)))
        #expect(Self.sent(cancelled, to: Self.w, .task).map(\.task) == ["d1"])   // the other job's task takes the slot
        let after = try #require(CanonicalJSON.decode(JobTable.self, Array((Self.sent(cancelled, to: admin, .jobs).first?.body ?? "").utf8)))
        #expect(after.jobs[0].state == "cancelled" && after.jobs[0].withdrawn == 3 && after.jobs[0].reason == "job job-c was cancelled by admin")
        // The job reconnecting under its name is refused too.
        let again = core.handle(.received(from: Array("C2".utf8), Self.helloClient("job-c")), now: 3)
        #expect(again.contains(.send(to: Array("C2".utf8), WireMessage(Envelope(type: .refuse, reason: "job job-c was cancelled by admin")))))
        let unknown = core.handle(.received(from: admin, WireMessage(Envelope(type: .cancel, body: "nosuch"))), now: 3)
        #expect(Self.sent(unknown, to: admin, .jobs).first?.reason == "no job named nosuch")
    }

    /// Runs every task to the end on one worker of `slots` slots, answering the oldest running
    /// task first; returns the job (client) of each task in the order they were started.
    static func startOrder(_ core: inout CoordinatorCore, slots: Int, jobOf: (String) -> String, lateJoin: ((Int, inout CoordinatorCore) -> Void)? = nil) -> [String] {
        var running: [String] = []
        var order: [String] = []
        var d = core.handle(.received(from: Self.w, Self.hello(worker: "w", jobs: slots)), now: 0)
        var step = 0
        while true {
            let started = Self.sent(d, to: Self.w, .task).compactMap(\.task)
            running += started
            order += started.map(jobOf)
            guard !running.isEmpty else { return order }
            let done = running.removeFirst()
            step += 1
            lateJoin?(step, &core)
            d = core.handle(.received(from: Self.w, WireMessage(Envelope(type: .result, task: done, attempt: 1, body: "{}"))), now: Double(step))
        }
    }

    /// Weighted fair share: two equal jobs alternate on the slots whatever order they came in
    /// (the first-come queue gave one all its tasks first); priority 3 gets three slots of four;
    /// a job's slot cap is never passed; a job that arrives late gets the next free slot.
    @Test func jobsShareTheSlotsByWeight() {
        func run(cShare: String?, dShare: String?, late: Bool = false) -> [String] {
            var core = CoordinatorCore(configuration: .init(speculate: false, prefetch: 0))
            _ = core.handle(.received(from: Self.c, WireMessage(Envelope(type: .hello, worker: "c", body: cShare, role: .client))), now: 0)
            _ = core.handle(.received(from: Self.d, WireMessage(Envelope(type: .hello, worker: "d", body: dShare, role: .client))), now: 0)
            _ = core.handle(.received(from: Self.c, Self.submit((0..<40).map { "c\($0)" })), now: 0)
            if !late { _ = core.handle(.received(from: Self.d, Self.submit((0..<40).map { "d\($0)" })), now: 0) }
            return Self.startOrder(&core, slots: 4, jobOf: { String($0.prefix(1)) }, lateJoin: late ? { step, core in
                if step == 5 { _ = core.handle(.received(from: Self.d, Self.submit((0..<40).map { "d\($0)" })), now: 5) }
            } : nil)
        }
        let equal = run(cShare: nil, dShare: nil)
        #expect(equal.count == 80)
        // Over any stretch while both have work, the two jobs' starts differ by at most one slot's worth.
        for n in stride(from: 4, through: 76, by: 4) {
            let c = equal.prefix(n).filter { $0 == "c" }.count
            #expect(abs(2 * c - n) <= 2, "first \(n) starts: \(c) of job c")
        }
        let weighted = run(cShare: "{\"priority\":3}", dShare: nil)
        let firstForty = weighted.prefix(40).filter { $0 == "c" }.count
        #expect((28...32).contains(firstForty), "priority 3 of 4 slots: \(firstForty) of the first 40 starts")
        // Capped at one slot: c never runs two at once, so d gets the other three.
        let capped = run(cShare: "{\"priority\":1,\"maxSlots\":1}", dShare: nil)
        #expect(capped.prefix(4).filter { $0 == "c" }.count == 1)
        let cappedForty = capped.prefix(40).filter { $0 == "c" }.count
        #expect((8...12).contains(cappedForty), "\(cappedForty)")
        // d submits after 5 of c's tasks finished: its first task is the next one started.
        let late = run(cShare: nil, dShare: nil, late: true)
        #expect(late.prefix(8).allSatisfy { $0 == "c" } && late[8] == "d", "\(late.prefix(12))")
    }

    /// A gang (a ring trial: one task pinned to each of two workers) placed while another job's
    /// small tasks hold every slot: both ranks start at once (a ring must start together, so a
    /// gang never waits for slots and cannot deadlock), they count as the gang job's running tasks,
    /// and the small job's next task takes the first slot that frees, so back-to-back gangs do not
    /// starve it: it finishes all its tasks while the gang job keeps submitting rings.
    @Test func aGangStartsAtOnceAndDoesNotStarveAnotherJobsSmallTasks() {
        let w1: [UInt8] = Array("W1".utf8), w2: [UInt8] = Array("W2".utf8)
        var core = CoordinatorCore(configuration: .init(speculate: false, prefetch: 0))
        _ = core.handle(.received(from: w1, Self.hello(worker: "w1", jobs: 1)), now: 0)
        _ = core.handle(.received(from: w2, Self.hello(worker: "w2", jobs: 1)), now: 0)
        _ = core.handle(.received(from: Self.c, Self.helloClient("small")), now: 0)
        _ = core.handle(.received(from: Self.d, Self.helloClient("gang")), now: 0)
        let first = core.handle(.received(from: Self.c, Self.submit((0..<6).map { "s\($0)" })), now: 0)
        #expect(Self.sent(first, to: w1, .task).map(\.task) == ["s0"] && Self.sent(first, to: w2, .task).map(\.task) == ["s1"])
        func ring(_ n: Int, now: Double) -> [CoordinatorCore.Directive] {
            let ranks = [("w1", "r\(n)-0"), ("w2", "r\(n)-1")].map { CoordinatorCore.Task(id: $0.1, body: "{}", worker: $0.0, pure: false) }
            return core.handle(.received(from: Self.d, WireMessage(Envelope(type: .submit), blobs: [CanonicalJSON.encode(ranks)])), now: now)
        }
        let placed = ring(0, now: 1)
        #expect(Self.sent(placed, to: w1, .task).map(\.task) == ["r0-0"] && Self.sent(placed, to: w2, .task).map(\.task) == ["r0-1"])
        let gangRow = core.jobTable.jobs.first { $0.name == "gang" }
        #expect(gangRow?.running == 2)
        var smallDone = 0
        var gang = 0
        var open: [[UInt8]: [String]] = [w1: ["s0", "r0-0"], w2: ["s1", "r0-1"]]
        var now = 2.0
        // Workers finish their oldest task in turn; whenever a ring has ended, the gang job submits the next one.
        for _ in 0..<40 where smallDone < 6 {
            for w in [w1, w2] {
                guard let id = open[w]?.first else { continue }
                open[w]!.removeFirst()
                if id.hasPrefix("s") { smallDone += 1 }
                var d = core.handle(.received(from: w, WireMessage(Envelope(type: .result, task: id, attempt: 1, body: "{}"))), now: now)
                if id.hasPrefix("r"), !open.values.contains(where: { $0.contains { $0.hasPrefix("r") } }) {
                    gang += 1
                    d += ring(gang, now: now)
                }
                for peer in [w1, w2] { open[peer]! += Self.sent(d, to: peer, .task).compactMap(\.task) }
                now += 1
            }
        }
        #expect(smallDone == 6, "the small job finished \(smallDone) of 6 while \(gang) rings ran")
        #expect(gang >= 2)   // rings kept coming meanwhile
    }

    /// A worker asking for the same blob again and again gets a few copies per interval (a cache
    /// may let a blob go and ask again), not one per request.
    @Test func repeatedNeedsOfABlobAreAnsweredOnce() {
        var core = CoordinatorCore(configuration: .init(speculate: false, blobResendSeconds: 10, blobSendsPerWindow: 3))
        _ = core.handle(.received(from: Self.c, Self.helloClient("c")), now: 0)
        let blob = [UInt8](repeating: 7, count: 1000)
        _ = core.handle(.received(from: Self.c, Self.submit(["t"], blob: blob)), now: 0)
        _ = core.handle(.received(from: Self.w, Self.hello(worker: "w", jobs: 1)), now: 0)
        let need = WireMessage(Envelope(type: .need, hash: SHA256.hex(of: blob)))
        var sent = 0
        for i in 0..<200 { sent += Self.sent(core.handle(.received(from: Self.w, need), now: 1 + Double(i) * 0.01), to: Self.w, .blob).count }
        #expect(sent == 3)
        #expect(Self.sent(core.handle(.received(from: Self.w, need), now: 12), to: Self.w, .blob).count == 1)   // after the interval
    }

    /// A job that resubmits an id with another body gets the new body run, not the old result:
    /// work is what the body says, the id is only the client's name for it.
    @Test func anIdResubmittedWithAnotherBodyRunsTheNewBody() {
        var core = CoordinatorCore(configuration: .init(speculate: false, prefetch: 0))
        _ = core.handle(.received(from: Self.w, Self.hello(worker: "w", jobs: 1)), now: 0)
        _ = core.handle(.received(from: Self.c, Self.helloClient("c")), now: 0)
        func submit(_ body: String) -> [CoordinatorCore.Directive] {
            core.handle(.received(from: Self.c, WireMessage(Envelope(type: .submit), blobs: [CanonicalJSON.encode([CoordinatorCore.Task(id: "t", body: body)])])), now: 1)
        }
        #expect(Self.sent(submit("{\"n\":1}"), to: Self.w, .task).map(\.body) == ["{\"n\":1}"])
        _ = core.handle(.received(from: Self.w, WireMessage(Envelope(type: .result, task: "t", attempt: 1, body: "{\"v\":1}"))), now: 2)
        // Other content under the same id: it runs (it ran the first body again before).
        let again = submit("{\"n\":2}")
        #expect(Self.sent(again, to: Self.w, .task).map(\.body) == ["{\"n\":2}"], "\(again)")
        // While that runs, a third body supersedes it: the running copy is cancelled.
        let third = submit("{\"n\":3}")
        #expect(Self.sent(third, to: Self.w, .cancel).count == 1, "\(third)")
    }

    /// Blobs are keyed by job too: knowing another job's content hash gets a job nothing.
    @Test func aClientCannotComputeOnABlobAnotherJobSent() {
        var core = CoordinatorCore()
        _ = core.handle(.received(from: Self.c, Self.helloClient("c")), now: 0)
        _ = core.handle(.received(from: Self.d, Self.helloClient("d")), now: 0)
        let secret: [UInt8] = [1, 2, 3, 4]
        _ = core.handle(.received(from: Self.c, Self.submit(["mine"], blob: secret)), now: 0)
        let hash = SHA256.hex(of: secret)
        let borrowed = WireMessage(Envelope(type: .submit), blobs: [CanonicalJSON.encode([CoordinatorCore.Task(id: "theirs", body: "{}", dataHash: hash)])])
        let d = core.handle(.received(from: Self.d, borrowed), now: 1)
        #expect(d.contains(.send(to: Self.d, WireMessage(Envelope(type: .failure, task: "theirs",
                                                                  reason: "it names the blob \(hash.prefix(16)), which its job did not send")))))
        let w = core.handle(.received(from: Self.w, Self.hello(worker: "w", jobs: 2)), now: 2)
        #expect(Self.sent(w, to: Self.w, .task).map(\.task) == ["mine"])
    }

    @Test func shortTasksAreQueuedAheadLongOnesAreNot() {
        var core = CoordinatorCore(configuration: .init(speculate: false, prefetch: 4, shortTaskSeconds: 0.01))
        _ = core.submit((0..<100).map { CoordinatorCore.Task(id: "t\($0)", body: "{}") }, blobs: [:], now: 0)
        var d = core.handle(.received(from: Self.w, Self.hello(worker: "w", jobs: 2)), now: 0)
        #expect(Self.sent(d, to: Self.w, .task).count == 2)              // no timing yet: one per slot
        d = core.handle(.received(from: Self.w, WireMessage(Envelope(type: .result, task: "t0", attempt: 1, body: "{}", seconds: 0.0001))), now: 0.1)
        #expect(Self.sent(d, to: Self.w, .task).count == 2 * 5 - 1)      // short: 2 slots × (1 + 4)
        var slow = CoordinatorCore(configuration: .init(speculate: false, prefetch: 4, shortTaskSeconds: 0.01))
        _ = slow.submit((0..<100).map { CoordinatorCore.Task(id: "t\($0)", body: "{}") }, blobs: [:], now: 0)
        _ = slow.handle(.received(from: Self.w, Self.hello(worker: "w", jobs: 2)), now: 0)
        d = slow.handle(.received(from: Self.w, WireMessage(Envelope(type: .result, task: "t0", attempt: 1, body: "{}", seconds: 0.5))), now: 0.5)
        #expect(Self.sent(d, to: Self.w, .task).count == 1)
    }

    @Test func aClosingCoordinatorTellsEveryWorkerAndEveryLateHelloToStop() {
        var core = CoordinatorCore()
        _ = core.handle(.received(from: Self.w, Self.hello(worker: "w", jobs: 1)), now: 0)
        let close = core.close(reason: "done")
        #expect(close == [.send(to: Self.w, WireMessage(Envelope(type: .shutdown, reason: "done")))])
        let late = core.handle(.received(from: Self.d, Self.hello(worker: "late", jobs: 1)), now: 1)
        #expect(late == [.send(to: Self.d, WireMessage(Envelope(type: .shutdown, reason: "done")))])
    }

    @Test func malformedMessagesAreCountedAndKnownWorkersKeepTheirTasks() {
        var core = CoordinatorCore(tasks: [.init(id: "t0", body: "{}")])
        _ = core.handle(.received(from: Self.w, Self.hello(worker: "w", jobs: 1)), now: 0)
        _ = core.handle(.malformed, now: 0.1)
        _ = core.handle(.received(from: Self.c, WireMessage(Envelope(type: .submit))), now: 0.2)   // not a client: dropped
        #expect(core.dropped == 2 && core.runningCount == 1 && core.workerCount == 1)
    }

    @Test func finishedTasksAreForgottenWhenTheNextBatchArrives() {
        var core = CoordinatorCore(tasks: [.init(id: "t0", body: "{}")])
        _ = core.handle(.received(from: Self.w, Self.hello(worker: "w", jobs: 1)), now: 0)
        _ = core.handle(.received(from: Self.w, WireMessage(Envelope(type: .result, task: "t0", attempt: 1, body: "{}"))), now: 1)
        #expect(core.isLocalWorkFinished && core.tasks.count == 1)
        let d = core.submit([.init(id: "t1", body: "{}")], blobs: [:], now: 2)
        #expect(core.tasks.map(\.id) == ["t1"] && core.completedTotal == 1)
        #expect(Self.sent(d, to: Self.w, .task).map(\.task) == ["t1"])
        #expect(!core.isLocalWorkFinished)
    }
}
