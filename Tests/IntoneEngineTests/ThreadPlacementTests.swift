import Foundation
import Testing
import IntoneEngine
import IntoneFormats
import IntoneTestSupport

/// Outcomes of a batch, by task id.
final class Outcomes: @unchecked Sendable {
    // @unchecked Sendable: guarded by `lock`.
    private let lock = NSLock()
    private var values: [String: Result<CountLinesKind.Output, TaskError>] = [:]
    private(set) var calls = 0
    func set(_ id: String, _ r: Result<CountLinesKind.Output, TaskError>) { lock.withLock { values[id] = r; calls += 1 } }
    subscript(_ id: String) -> Result<CountLinesKind.Output, TaskError>? { lock.withLock { values[id] } }
}

/// The engine's in-process placement and the task-kind protocol, with no cluster at all.
struct ThreadPlacementTests {
    static let text = Array("a cat\na dog\ncat and dog\nbird\n".utf8)
    static let hash = SHA256.hex(of: text)

    static func run(_ tasks: [TaskSpec], threads: Int = 3) throws -> Outcomes {
        let placement = ThreadPlacement(threads: threads, registry: TaskRegistry().registering(CountLinesKind()))
        let outcomes = Outcomes()
        try placement.run(CountLinesKind.self, tasks, blobs: [hash: text]) { id, r in outcomes.set(id, r) }
        return outcomes
    }

    @Test func aKindsTasksRunThroughTheRegistryAndEachOutcomeComesOnce() throws {
        let words = ["cat", "dog", "bird", "fish", "a", "and"]
        let tasks = words.map { CountLinesKind.task(id: $0, .init(word: $0), blobs: [Self.hash]) }
        let outcomes = try Self.run(tasks + [tasks[0]])   // an id given twice runs once
        #expect(outcomes.calls == words.count)
        #expect(try outcomes["cat"]?.get() == .init(lines: 2))
        #expect(try outcomes["bird"]?.get() == .init(lines: 1))
        #expect(try outcomes["fish"]?.get() == .init(lines: 0))
        #expect(try outcomes["a"]?.get() == .init(lines: 3))   // "bird" has none
    }

    @Test func aFailingTaskIsAbandonedWithItsOwnReason() throws {
        let outcomes = try Self.run([CountLinesKind.task(id: "empty", .init(word: ""), blobs: [Self.hash]),
                                     CountLinesKind.task(id: "blobless", .init(word: "cat"), blobs: ["0123"])])
        #expect(outcomes["empty"] == .failure(TaskError("an empty word is in every line")))
        #expect(outcomes["blobless"] == .failure(TaskError("the blob 0123 it needs was not given")))
    }

    @Test func pinnedTasksAndUnknownKindsAreAbandonedWithAReason() throws {
        var unknown = CountLinesKind.task(id: "v2", .init(word: "cat"), blobs: [Self.hash])
        unknown.kind = "count-lines@2"
        let outcomes = try Self.run([CountLinesKind.task(id: "pinned", .init(word: "cat"), blobs: [Self.hash], pinnedTo: "w1"), unknown])
        #expect(outcomes["pinned"] == .failure(TaskError("worker w1 is not connected")))
        #expect(outcomes["v2"] == .failure(TaskError("this worker does not know tasks of kind count-lines@2; upgrade intone on it")))
    }

    @Test func aTaskIsItsKindsIdentifierAndCanonicalParameters() throws {
        let task = CountLinesKind.task(id: "t", .init(word: "cat"), blobs: [Self.hash], pinnedTo: "w")
        #expect(task == TaskSpec(id: "t", kind: "count-lines@1", body: "{\"word\":\"cat\"}", blobs: [Self.hash], isPure: true, worker: "w"))
        #expect(try CountLinesKind.decode(parameters: task.body) == .init(word: "cat"))
        #expect(throws: TaskError("unreadable count-lines@1 task")) { try CountLinesKind.decode(parameters: "{\"words\":1}") }
        let output = CountLinesKind.encode(output: .init(lines: 3))
        #expect(output == TaskOutput(body: "{\"lines\":3}"))
        #expect(try CountLinesKind.decode(output: output) == .init(lines: 3))
        #expect(throws: TaskError("a worker sent an unreadable count-lines result")) { try CountLinesKind.decode(output: TaskOutput(body: "[]")) }
    }

    @Test func resultsDoNotDependOnTheThreadCount() throws {
        let words = (0..<200).map { "w\($0 % 7)" }
        let tasks = words.enumerated().map { CountLinesKind.task(id: "\($0.offset)", .init(word: $0.element), blobs: [Self.hash]) }
        let one = try Self.run(tasks, threads: 1), four = try Self.run(tasks, threads: 4)
        for i in words.indices { #expect(one["\(i)"] == four["\(i)"]) }
    }
}
