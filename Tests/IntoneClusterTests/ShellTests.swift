import Foundation
import Testing
import IntoneCluster
import CZMQ

/// The coordinator and worker shells over real ZeroMQ sockets on loopback.
@Suite(.serialized)
struct ShellTests {
    /// A worker that doubles the number in its task body.
    static func doubling() -> WorkerShell.Handler {
        { body, blobs in
            let n = Int(body.filter(\.isNumber)) ?? 0
            return WorkerShell.TaskOutput(body: "{\"value\":\(n * 2 + blobs.reduce(0) { $0 + $1.bytes.count })}")
        }
    }

    /// With keys, the job table names each job's owner by the public key its connection
    /// authenticated with (learnt from the ZAP handler, not from anything the client says), and the
    /// command the client said it runs.
    @Test func theJobTableNamesTheOwnersKeyAndTheCommand() throws {
        let server = try CurveKeyPair.generate(), alice = try CurveKeyPair.generate()
        let shell = try CoordinatorShell(bind: "tcp://127.0.0.1:*", security: .curve(server: server, allow: AllowList(keys: [alice.publicKey])))
        defer { shell.stop() }
        let client = ClusterClient(connect: shell.endpoint, security: .curve(client: alice, serverPublicKey: server.publicKey), name: "alice-sweep",
                                   command: "sweep")
        // No worker: the task waits, and the job stays in the table.
        let ended = DispatchSemaphore(value: 0)
        Thread.detachNewThread {
            try? client.run(tasks: [CoordinatorCore.Task(id: "t", body: "{}")], blobs: [:], waitForWorkers: 30, completed: { _, _, _ in }, abandoned: { _, _ in })
            ended.signal()
        }
        defer {
            client.withdrawLocalTasks()
            _ = ended.wait(timeout: .now() + 10)
        }
        var row: JobSummary?
        let deadline = Date().addingTimeInterval(10)
        while row == nil && Date() < deadline {
            row = shell.jobTable().jobs.first { $0.name == "alice-sweep" }
            Thread.sleep(forTimeInterval: 0.02)
        }
        #expect(row?.owner == alice.publicKey)
        #expect(row?.command == "sweep")
        #expect(row?.pending == 1)
    }

    /// Roles in the allow-list: a job's key cannot join as a worker (and receive other tenants'
    /// task bodies), a worker's key cannot submit, and a job key cannot cancel another key's job;
    /// an admin key can.
    @Test func rolesDecideWhoMayWorkSubmitAndCancel() throws {
        let server = try CurveKeyPair.generate(), worker = try CurveKeyPair.generate()
        let alice = try CurveKeyPair.generate(), bob = try CurveKeyPair.generate(), admin = try CurveKeyPair.generate()
        let allow = AllowList(keys: [worker.publicKey, alice.publicKey, bob.publicKey, admin.publicKey],
                              roles: [worker.publicKey: [.worker], alice.publicKey: [.job], bob.publicKey: [.job], admin.publicKey: [.admin]])
        let shell = try CoordinatorShell(bind: "tcp://127.0.0.1:*", security: .curve(server: server, allow: allow))
        defer { shell.stop() }
        func as_(_ keys: CurveKeyPair) -> WorkerSecurity { .curve(client: keys, serverPublicKey: server.publicKey) }

        // Alice's key as a worker is refused.
        let impostor = WorkerShell(connect: shell.endpoint, name: "impostor", jobs: 1, security: as_(alice), handler: Self.doubling())
        #expect { _ = try impostor.run() } throws: { "\($0)".contains("may not connect as a worker (its roles in the allow-list: job)") }
        // The worker's key as a job is refused.
        #expect { _ = try ClusterClient(connect: shell.endpoint, security: as_(worker), name: "w-as-job").jobTable(timeout: 5) } throws: {
            "\($0)".contains("may not connect as a job (its roles in the allow-list: worker)")
        }
        // Alice submits (no worker yet, so her task waits); Bob may not cancel it, the admin may.
        let client = ClusterClient(connect: shell.endpoint, security: as_(alice), name: "alice-job")
        let ended = DispatchSemaphore(value: 0)
        Thread.detachNewThread {
            try? client.run(tasks: [CoordinatorCore.Task(id: "t", body: "{}")], blobs: [:], waitForWorkers: 30, completed: { _, _, _ in }, abandoned: { _, _ in })
            ended.signal()
        }
        defer { client.withdrawLocalTasks(); _ = ended.wait(timeout: .now() + 10) }
        let deadline = Date().addingTimeInterval(10)
        while shell.jobTable().jobs.first(where: { $0.name == "alice-job" }) == nil && Date() < deadline { Thread.sleep(forTimeInterval: 0.02) }
        #expect(shell.jobTable().jobs.first { $0.name == "alice-job" }?.owner == alice.publicKey)
        #expect { _ = try ClusterClient(connect: shell.endpoint, security: as_(bob), name: "bob").cancel(job: "alice-job", timeout: 5) } throws: {
            "\($0)".contains("job alice-job is not this key's: only its owner or a key with the admin role may cancel it")
        }
        let table = try ClusterClient(connect: shell.endpoint, security: as_(admin), name: "admin").cancel(job: "alice-job", timeout: 5)
        #expect(table.jobs.first { $0.name == "alice-job" }?.state == "cancelled")
    }

    /// Another admitted key reusing a worker's routing id (ROUTER_HANDOVER hands it the pipe) is
    /// not heard: its forged result for the worker's task does not reach the job.
    @Test func anotherKeyUsingAWorkersRoutingIdIsNotHeard() throws {
        let server = try CurveKeyPair.generate(), worker = try CurveKeyPair.generate(), tenant = try CurveKeyPair.generate()
        let shell = try CoordinatorShell(bind: "tcp://127.0.0.1:*", security: .curve(server: server, allow: AllowList(keys: [worker.publicKey, tenant.publicKey],
            roles: [worker.publicKey: [.worker], tenant.publicKey: [.job]])))
        defer { shell.stop() }
        let context = ZMQContext()
        func dealer(_ keys: CurveKeyPair) throws -> ZMQSocket {
            let s = try ZMQSocket(context: context, kind: .dealer)
            try s.setRoutingID(Array("w1".utf8))
            try s.setOption(ZMQ_CURVE_SERVERKEY, string: server.publicKey)
            try s.setOption(ZMQ_CURVE_PUBLICKEY, string: keys.publicKey)
            try s.setOption(ZMQ_CURVE_SECRETKEY, string: keys.secretKey)
            try s.connect(shell.endpoint)
            return s
        }
        let real = try dealer(worker)
        try real.send(WireMessage(Envelope(type: .hello, worker: "w1", jobs: 1)).frames())
        let results = Results()
        let done = DispatchSemaphore(value: 0)
        Thread.detachNewThread {
            try? shell.run(tasks: [CoordinatorCore.Task(id: "t", body: "{}")], blobs: [:], waitForWorkers: 10,
                           completed: { id, body, _ in results.add(id, body) }, abandoned: { id, _ in results.add(id, "abandoned") })
            done.signal()
        }
        // The real worker got the task; now another key takes its routing id and answers for it.
        var got: [[UInt8]]?
        let deadline = Date().addingTimeInterval(10)
        while got == nil && Date() < deadline {
            if let frames = try real.receive(timeout: 100), WireMessage.parse(frames)?.envelope.type == .task { got = frames }
        }
        #expect(got != nil)
        let forger = try dealer(tenant)
        Thread.sleep(forTimeInterval: 0.3)
        try? forger.send(WireMessage(Envelope(type: .result, task: "t", attempt: 1, body: "{\"forged\":1}")).frames())
        Thread.sleep(forTimeInterval: 0.5)
        #expect(results.value("t") == nil, "a forged result reached the job")
        shell.withdrawLocalTasks()
        _ = done.wait(timeout: .now() + 5)
    }

    /// A peer with no keys at all never reaches the ZAP handler (its handshake fails first): it is
    /// still logged and counted as a refusal (it was neither).
    @Test func aKeylessPeerAtACurveCoordinatorIsLoggedAndCounted() throws {
        let server = try CurveKeyPair.generate()
        let shell = try CoordinatorShell(bind: "tcp://127.0.0.1:*", security: .curve(server: server, allow: AllowList(keys: [])))
        defer { shell.stop() }
        let lines = Results()
        shell.log = { line in lines.add(UUID().uuidString, line) }
        let context = ZMQContext()
        let plain = try ZMQSocket(context: context, kind: .dealer)
        try plain.connect(shell.endpoint)
        try? plain.send(WireMessage(Envelope(type: .hello, worker: "nokeys", jobs: 1)).frames())
        let deadline = Date().addingTimeInterval(10)
        // The line is logged just after the count goes up: wait for both.
        func logged() -> Bool { lines.all.contains { $0.contains("its handshake failed (no CurveZMQ keys") } }
        while (shell.status.refusedPeers == 0 || !logged()) && Date() < deadline { Thread.sleep(forTimeInterval: 0.02) }
        #expect(shell.status.refusedPeers >= 1)
        #expect(lines.all.contains { $0.contains("refused a peer on tcp://127.0.0.1:") && $0.contains("its handshake failed (no CurveZMQ keys") }, "\(lines.all)")
    }

    @Test func garbageOnTheCoordinatorPortIsDroppedAndWorkGoesOn() throws {
        let shell = try CoordinatorShell(bind: "tcp://127.0.0.1:*")
        defer { shell.stop() }
        // Random, truncated and oversized frames from a raw peer.
        let context = ZMQContext()
        let raw = try ZMQSocket(context: context, kind: .dealer)
        try raw.connect(shell.endpoint)
        var seed: UInt64 = 1
        for i in 0..<200 {
            seed = seed &* 6364136223846793005 &+ 1442695040888963407
            let length = Int(seed >> 54) + (i % 7 == 0 ? 0 : 1)
            let frame = (0..<length).map { UInt8(truncatingIfNeeded: (seed >> UInt64($0 % 56)) &+ UInt64($0)) }
            try raw.send(i % 3 == 0 ? [frame, frame] : [frame])
        }
        try raw.send([Array("{\"v\":1,\"type\":\"result\",\"task\":\"t0\"".utf8)])          // truncated JSON
        try raw.send([[UInt8](repeating: 0x7B, count: WireMessage.maximumHeaderBytes + 1)])  // oversized
        try raw.send([Array("{\"v\":1,\"type\":\"result\",\"task\":\"zzz\",\"attempt\":9,\"body\":\"{}\"}".utf8)])  // unknown task

        let worker = WorkerShell(connect: shell.endpoint, name: "w1", jobs: 2, handler: Self.doubling())
        let workerDone = DispatchSemaphore(value: 0)
        Thread.detachNewThread { _ = try? worker.run(); workerDone.signal() }
        let results = Results()
        let tasks = (0..<20).map { CoordinatorCore.Task(id: "t\($0)", body: "{\"n\":\($0)}", dataHash: "blob") }
        try shell.run(tasks: tasks, blobs: ["blob": [1, 2, 3]], waitForWorkers: 10,
                      completed: { id, body, _ in results.add(id, body) }, abandoned: { id, _ in results.add(id, "abandoned") })
        #expect(results.count == 20)
        #expect(results.value("t7") == "{\"value\":17}")   // 2·7 + the 3-byte blob, shipped once on request
        shell.shutdownWorkers()
        #expect(workerDone.wait(timeout: .now() + 5) == .success)
    }

    @Test func workerWithAnotherProtocolVersionIsRefused() throws {
        let shell = try CoordinatorShell(bind: "tcp://127.0.0.1:*")
        defer { shell.stop() }
        let context = ZMQContext()
        let old = try ZMQSocket(context: context, kind: .dealer)
        try old.connect(shell.endpoint)
        var hello = Envelope(type: .hello, worker: "old", jobs: 1)
        hello.v = 99
        try old.send(WireMessage(hello).frames())
        let reply = try #require(try old.receive(timeout: 5000))
        let message = try #require(WireMessage.parse(reply))
        #expect(message.envelope.type == .refuse)
        #expect(message.envelope.reason?.contains("protocol version 99 is not this coordinator's 1") == true)
        #expect(shell.workerCount == 0)
    }
}

final class Results: @unchecked Sendable {
    private var values: [String: String] = [:]
    private let lock = NSLock()
    func add(_ id: String, _ body: String) { lock.withLock { values[id] = body } }
    var count: Int { lock.withLock { values.count } }
    func value(_ id: String) -> String? { lock.withLock { values[id] } }
    var all: [String] { lock.withLock { Array(values.values) } }
}
