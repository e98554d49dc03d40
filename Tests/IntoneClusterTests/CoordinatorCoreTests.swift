import Testing
import IntoneCluster

/// The coordinator's rules, driven by events with no sockets and no clock.
struct CoordinatorCoreTests {
    static let a: [UInt8] = Array("A".utf8), b: [UInt8] = Array("B".utf8)

    static func tasks(_ n: Int) -> [CoordinatorCore.Task] { (0..<n).map { .init(id: "t\($0)", body: "{\"n\":\($0)}", dataHash: "h") } }

    static func hello(_ name: String, jobs: Int) -> WireMessage { WireMessage(Envelope(type: .hello, worker: name, jobs: jobs)) }
    static func result(_ task: String, attempt: Int) -> WireMessage { WireMessage(Envelope(type: .result, task: task, attempt: attempt, body: "{\"ok\":1}")) }

    /// Task ids sent to `peer` in these directives.
    static func sentTasks(_ d: [CoordinatorCore.Directive], to peer: [UInt8]) -> [String] {
        d.compactMap { if case .send(let to, let m) = $0, to == peer, m.envelope.type == .task { return m.envelope.task! } else { return nil } }
    }

    @Test func workersGetAsManyTasksAsTheyHaveSlotsInOrder() {
        var core = CoordinatorCore(tasks: Self.tasks(5))
        var d = core.handle(.received(from: Self.a, Self.hello("a", jobs: 2)), now: 0)
        #expect(d.contains(.workerJoined(name: "a", jobs: 2)))
        #expect(Self.sentTasks(d, to: Self.a) == ["t0", "t1"])
        d = core.handle(.received(from: Self.b, Self.hello("b", jobs: 1)), now: 0)
        #expect(Self.sentTasks(d, to: Self.b) == ["t2"])
        d = core.handle(.received(from: Self.a, Self.result("t0", attempt: 1)), now: 1)
        #expect(d.contains(.completed(task: "t0", body: "{\"ok\":1}")))
        #expect(Self.sentTasks(d, to: Self.a) == ["t3"])
        #expect(core.doneCount == 1 && core.runningCount == 3 && core.pendingCount == 1)
    }

    @Test func silentWorkerIsDeclaredDeadAndItsTasksAreRequeuedFirst() {
        var core = CoordinatorCore(tasks: Self.tasks(4), configuration: .init(heartbeatInterval: 1, liveness: 3))
        _ = core.handle(.received(from: Self.a, Self.hello("a", jobs: 2)), now: 0)   // t0, t1
        _ = core.handle(.received(from: Self.b, Self.hello("b", jobs: 1)), now: 0)   // t2
        _ = core.handle(.received(from: Self.b, WireMessage(Envelope(type: .heartbeat))), now: 2.5)
        _ = core.handle(.received(from: Self.b, Self.result("t2", attempt: 1)), now: 2.9) // b takes t3
        let d = core.handle(.tick, now: 3.5)   // a silent for 3.5 s > 3 intervals
        #expect(d.contains(.workerLost(name: "a", requeued: 2)))
        #expect(core.workerCount == 1)
        // b finishes t3, then gets a's lost tasks, oldest first.
        let next = core.handle(.received(from: Self.b, Self.result("t3", attempt: 1)), now: 3.6)
        #expect(Self.sentTasks(next, to: Self.b) == ["t0"])
    }

    /// A poison task: each worker given it dies. Every loss counts an attempt; after the third the
    /// task is abandoned with the reason and the job is told, and the next worker gets the next
    /// task instead of the poison one. A worker that says `bye` costs its task no attempt.
    @Test func aTaskThatKillsItsWorkersIsAbandonedAfterTheAttemptLimit() {
        var core = CoordinatorCore(tasks: Self.tasks(2), configuration: .init(heartbeatInterval: 1, liveness: 2, maxAttempts: 3, speculate: false))
        var abandoned: [CoordinatorCore.Directive] = []
        var now = 0.0
        for i in 0..<3 {
            let peer = Array("W\(i)".utf8)
            let d = core.handle(.received(from: peer, Self.hello("w\(i)", jobs: 1)), now: now)
            #expect(Self.sentTasks(d, to: peer) == ["t0"], "worker \(i)")
            now += 5   // silent: dead
            abandoned += core.handle(.tick, now: now).filter { if case .abandoned = $0 { return true } else { return false } }
        }
        #expect(abandoned == [.abandoned(task: "t0", reason: "abandoned after 3 attempts: its worker was lost during 3 of them (last: w2); "
                                          + "a task that crashes or stalls its worker is not tried again")])
        let next = core.handle(.received(from: Self.a, Self.hello("a", jobs: 1)), now: now)
        #expect(Self.sentTasks(next, to: Self.a) == ["t1"])
        // A worker leaving with bye: its task is requeued at no cost, however often.
        var polite = CoordinatorCore(tasks: Self.tasks(1), configuration: .init(maxAttempts: 2, speculate: false))
        for i in 0..<4 {
            let peer = Array("P\(i)".utf8)
            #expect(Self.sentTasks(polite.handle(.received(from: peer, Self.hello("p\(i)", jobs: 1)), now: Double(i)), to: peer) == ["t0"])
            _ = polite.handle(.received(from: peer, WireMessage(Envelope(type: .bye))), now: Double(i) + 0.5)
        }
        #expect(polite.pendingCount == 1 && polite.abandonedTotal == 0)
    }

    /// A result from a connection that never said hello (guessing a task id) is dropped: the task
    /// stays with its worker and the job gets the real result.
    @Test func aResultFromAPeerThatNeverSaidHelloIsDropped() {
        var core = CoordinatorCore(tasks: Self.tasks(1), configuration: .init(speculate: false))
        _ = core.handle(.received(from: Self.a, Self.hello("a", jobs: 1)), now: 0)
        let forged = core.handle(.received(from: Array("X".utf8), WireMessage(Envelope(type: .result, task: "t0", attempt: 1, body: "{\"forged\":1}"))), now: 1)
        #expect(!forged.contains { if case .completed = $0 { return true } else { return false } })
        #expect(core.dropped == 1 && core.runningCount == 1)
        let real = core.handle(.received(from: Self.a, Self.result("t0", attempt: 1)), now: 2)
        #expect(real.contains(.completed(task: "t0", body: "{\"ok\":1}")))
    }

    @Test func lateResultAfterReassignmentIsCountedOnceAndDropped() {
        var core = CoordinatorCore(tasks: Self.tasks(1), configuration: .init(heartbeatInterval: 1, liveness: 2, speculate: false))
        _ = core.handle(.received(from: Self.a, Self.hello("a", jobs: 1)), now: 0)
        _ = core.handle(.tick, now: 5)                                                      // a is dead; t0 pending
        let d = core.handle(.received(from: Self.b, Self.hello("b", jobs: 1)), now: 5)      // t0 to b (attempt 2)
        #expect(Self.sentTasks(d, to: Self.b) == ["t0"])
        var completions = core.handle(.received(from: Self.b, Self.result("t0", attempt: 2)), now: 6)
        completions += core.handle(.received(from: Self.a, Self.result("t0", attempt: 1)), now: 6.1)  // the dead worker's late copy
        #expect(completions.filter { if case .completed = $0 { return true } else { return false } }.count == 1)
        #expect(core.duplicateResults == 1)
        #expect(core.isFinished)
    }

    @Test func idleWorkersDuplicateTheOldestRunningTaskAndTheFirstResultWins() {
        var core = CoordinatorCore(tasks: Self.tasks(2))
        _ = core.handle(.received(from: Self.a, Self.hello("a", jobs: 2)), now: 0)          // t0, t1 on a
        let d = core.handle(.received(from: Self.b, Self.hello("b", jobs: 1)), now: 1)      // nothing pending: copy of t0
        #expect(Self.sentTasks(d, to: Self.b) == ["t0"])
        let r = core.handle(.received(from: Self.b, Self.result("t0", attempt: 2)), now: 2)
        #expect(r.contains(.completed(task: "t0", body: "{\"ok\":1}")))
        #expect(r.contains(.send(to: Self.a, WireMessage(Envelope(type: .cancel, task: "t0", attempt: 1)))))
        _ = core.handle(.received(from: Self.a, Self.result("t0", attempt: 1)), now: 3)
        #expect(core.duplicateResults == 1 && core.doneCount == 1)
    }

    @Test func failingTaskIsRetriedThenAbandoned() {
        var core = CoordinatorCore(tasks: Self.tasks(1), configuration: .init(maxAttempts: 2, speculate: false))
        _ = core.handle(.received(from: Self.a, Self.hello("a", jobs: 1)), now: 0)
        let fail = WireMessage(Envelope(type: .failure, task: "t0", attempt: 1, reason: "bad parameter"))
        let d1 = core.handle(.received(from: Self.a, fail), now: 1)
        #expect(Self.sentTasks(d1, to: Self.a) == ["t0"])   // retried
        var fail2 = fail
        fail2.envelope.attempt = 2
        let d2 = core.handle(.received(from: Self.a, fail2), now: 2)
        #expect(d2.contains(.abandoned(task: "t0", reason: "bad parameter")))
        #expect(core.isFinished && core.abandonedCount == 1)
    }

    @Test func wrongVersionIsRefusedAndGarbageIsCounted() {
        var core = CoordinatorCore(tasks: Self.tasks(1))
        var old = Self.hello("old", jobs: 1)
        old.envelope.v = 0
        let d = core.handle(.received(from: Self.a, old), now: 0)
        #expect(d.contains { if case .refused(_, let why) = $0 { return why.contains("protocol version 0") } else { return false } })
        #expect(core.workerCount == 0)
        #expect(WireMessage.parse([Array("not json".utf8)]) == nil)
        #expect(WireMessage.parse([]) == nil)
        _ = core.handle(.received(from: Self.b, WireMessage(Envelope(type: .result, task: "nope", attempt: 1, body: "{}"))), now: 1)
        #expect(core.dropped == 1)
    }

    @Test func blobsAreShippedOnRequest() {
        var core = CoordinatorCore(tasks: Self.tasks(1), blobs: ["h": [1, 2, 3]])
        _ = core.handle(.received(from: Self.a, Self.hello("a", jobs: 1)), now: 0)
        let d = core.handle(.received(from: Self.a, WireMessage(Envelope(type: .need, hash: "h"))), now: 0.1)
        #expect(d.contains(.send(to: Self.a, WireMessage(Envelope(type: .blob, hash: "h"), blobs: [[1, 2, 3]]))))
    }

    // MARK: - Tasks pinned to a worker (ring ranks)

    static func pinned(_ id: String, to worker: String) -> CoordinatorCore.Task { .init(id: id, body: "{}", worker: worker) }
    static func ringHello(_ name: String, peer: String?) -> WireMessage { WireMessage(Envelope(type: .hello, worker: name, jobs: 1, peer: peer)) }

    @Test func workersAnnouncingARingEndpointAreRingPeersInNameOrder() {
        var core = CoordinatorCore()
        _ = core.handle(.received(from: Self.b, Self.ringHello("b", peer: "tcp://10.0.0.3:7000")), now: 0)
        _ = core.handle(.received(from: Self.a, Self.ringHello("a", peer: "tcp://10.0.0.2:7000")), now: 0)
        _ = core.handle(.received(from: Array("C".utf8), Self.ringHello("c", peer: nil)), now: 0)
        #expect(core.ringPeers == [RingPeer(worker: "a", endpoint: "tcp://10.0.0.2:7000"), RingPeer(worker: "b", endpoint: "tcp://10.0.0.3:7000")])
    }

    @Test func pinnedTasksGoToTheirWorkerWhateverItsSlotsAndAreNeverCopied() {
        var core = CoordinatorCore()
        _ = core.handle(.received(from: Self.a, Self.ringHello("a", peer: "tcp://x:1")), now: 0)
        _ = core.handle(.received(from: Self.b, Self.ringHello("b", peer: "tcp://y:1")), now: 0)
        let d = core.submit([Self.pinned("r0", to: "b"), Self.pinned("r1", to: "b"), Self.pinned("r2", to: "a")], blobs: [:], now: 1)
        #expect(Self.sentTasks(d, to: Self.b) == ["r0", "r1"])   // b has one slot but takes both
        #expect(Self.sentTasks(d, to: Self.a) == ["r2"])
        // a finishes; nothing is pending, yet a gets no copy of b's tasks.
        let r = core.handle(.received(from: Self.a, Self.result("r2", attempt: 1)), now: 2)
        #expect(Self.sentTasks(r, to: Self.a).isEmpty)
    }

    @Test func aPinnedTaskIsAbandonedAtOnceWhenItsWorkerFailsItIsLostOrIsAbsent() {
        var core = CoordinatorCore(configuration: .init(heartbeatInterval: 1, liveness: 2))
        _ = core.handle(.received(from: Self.a, Self.ringHello("a", peer: "tcp://x:1")), now: 0)
        _ = core.handle(.received(from: Self.b, Self.ringHello("b", peer: "tcp://y:1")), now: 0)
        let d = core.submit([Self.pinned("r0", to: "a"), Self.pinned("r1", to: "b"), Self.pinned("r2", to: "gone")], blobs: [:], now: 0)
        #expect(d.contains(.abandoned(task: "r2", reason: "worker gone is not connected")))
        // One failure abandons (no retry: the ring it belonged to is over).
        let f = core.handle(.received(from: Self.a, WireMessage(Envelope(type: .failure, task: "r0", attempt: 1, reason: "no data from rank 2"))), now: 0.5)
        #expect(f.contains(.abandoned(task: "r0", reason: "no data from rank 2")))
        #expect(Self.sentTasks(f, to: Self.a).isEmpty)
        // b goes silent: its task is abandoned, not requeued to a.
        _ = core.handle(.received(from: Self.a, WireMessage(Envelope(type: .heartbeat))), now: 2.5)
        let lost = core.handle(.tick, now: 2.5)
        #expect(lost.contains(.abandoned(task: "r1", reason: "worker b was lost")))
        #expect(lost.contains(.workerLost(name: "b", requeued: 0)))
        #expect(core.isFinished && core.abandonedCount == 3)
    }

    @Test func aPinnedTaskWithdrawnBeforeItsDispatchRunsWhenSubmittedAgain() {
        var core = CoordinatorCore(tasks: [Self.pinned("r0", to: "a")])
        _ = core.withdrawLocal()
        _ = core.handle(.tick, now: 1)   // the withdrawn entry leaves the pinned queue
        _ = core.handle(.received(from: Self.a, Self.ringHello("a", peer: "tcp://x:1")), now: 1)
        let d = core.submit([Self.pinned("r0", to: "a")], blobs: [:], now: 2)
        #expect(Self.sentTasks(d, to: Self.a) == ["r0"])
    }
}
