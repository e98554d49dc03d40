import Foundation
import Testing
import IntoneCluster
import IntoneEngine
import IntoneFormats
import IntoneTestSupport

/// A kind of task the cluster module has never heard of (docs/ARCHITECTURE.md's example) runs on a
/// real coordinator and worker over loopback, through the coordinator's own job and through a
/// client of a coordinator service, with the same outcomes as on threads of this process.
@Suite(.serialized)
struct ExampleKindThroughTheClusterTests {
    static let text = Array("a cat\na dog\ncat and dog\nbird\n".utf8)
    static let hash = SHA256.hex(of: text)
    static let words = ["cat", "dog", "bird", "fish", "", "and"]
    static var tasks: [TaskSpec] { words.map { CountLinesKind.task(id: "w-\($0)", .init(word: $0), blobs: [hash]) } }

    final class Collected: @unchecked Sendable {
        // @unchecked Sendable: guarded by `lock`.
        private let lock = NSLock()
        private var values: [String: String] = [:]
        func set(_ id: String, _ r: Result<CountLinesKind.Output, TaskError>) {
            lock.withLock { values[id] = (try? r.get()).map { "\($0.lines) lines" } ?? "failed: \((r.failure?.reason) ?? "")" }
        }
        var all: [String: String] { lock.withLock { values } }
    }

    static func outcomes(on placement: any Placement) throws -> [String: String] {
        let collected = Collected()
        try placement.run(CountLinesKind.self, tasks, blobs: [hash: text]) { id, r in collected.set(id, r) }
        return collected.all
    }

    static func startWorker(_ endpoint: String, name: String) -> (WorkerShell, DispatchSemaphore) {
        let worker = WorkerShell(connect: endpoint, name: name, jobs: 2, registry: TaskRegistry().registering(CountLinesKind()))
        let done = DispatchSemaphore(value: 0)
        Thread.detachNewThread { _ = try? worker.run(); done.signal() }
        return (worker, done)
    }

    @Test func aNewKindRunsOnWorkersWithTheOutcomesOfThreads() throws {
        let here = try Self.outcomes(on: ThreadPlacement(threads: 2, registry: TaskRegistry().registering(CountLinesKind())))
        #expect(here["w-cat"] == "2 lines" && here["w-fish"] == "0 lines")
        #expect(here["w-"] == "failed: an empty word is in every line")

        // This process coordinates (`--bind`): the job's tasks go to a worker that connects.
        let shell = try CoordinatorShell(bind: "tcp://127.0.0.1:*")
        defer { shell.stop() }
        let (_, workerDone) = Self.startWorker(shell.endpoint, name: "w1")
        #expect(try Self.outcomes(on: ClusterPlacement(scheduler: shell, waitForWorkers: 10)) == here)

        // A coordinator service (`--cluster`): a client submits, the service's worker runs them.
        let client = ClusterClient(connect: shell.endpoint)
        #expect(try Self.outcomes(on: ClusterPlacement(scheduler: client, waitForWorkers: 10)) == here)

        shell.shutdownWorkers()
        #expect(workerDone.wait(timeout: .now() + 5) == .success)
    }
}

extension Result {
    var failure: Failure? { if case .failure(let e) = self { return e } else { return nil } }
}
