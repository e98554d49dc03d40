import IntoneFormats

/// A kind of task the engine runs: what the features, sweep, scoring and training modules define
/// next to the code they run, and what a worker registers (`TaskRegistry`) to serve.
///
/// A kind has a stable `name` and a `version` (together its `identifier`, `name@version`, which
/// travels with every task, so a worker that does not know it says so instead of misreading the
/// body). A task of this kind is its `Parameters`, encoded as canonical JSON (sorted keys: the same
/// parameters give the same bytes), plus the blobs it needs by content hash. `execute` runs on a
/// worker, or on a thread of this process, and its `Output` travels back as a `TaskOutput` (a JSON
/// body and binary frames).
///
/// `isPure` says that the same parameters and blobs always give the same output bytes: then the
/// engine may run a second copy of a slow task and keep the first result, and retry one whose
/// worker died. A kind that keeps state between tasks on its worker (a training replica) is not pure.
public protocol TaskKind: Sendable {
    associatedtype Parameters: Codable & Sendable
    associatedtype Output: Sendable

    /// The kind's name on the wire (`extract`, `trial`, ...); never reused for another meaning.
    static var name: String { get }
    /// Bumped whenever the parameters, blobs or output change meaning.
    static var version: Int { get }
    /// Whether the output is a function of the parameters and blobs alone.
    static var isPure: Bool { get }

    /// The output as it travels.
    static func encode(output: Output) -> TaskOutput
    /// The output back from `encode(output:)`; throws if the bytes do not make one.
    static func decode(output: TaskOutput) throws(TaskError) -> Output

    /// Runs one task: its parameters, the blobs it named (in its order), and what the worker offers.
    func execute(_ parameters: Parameters, blobs: [TaskBlob], context: TaskContext) throws -> Output
}

extension TaskKind {
    /// `name@version`: what a task carries to name its kind.
    public static var identifier: String { "\(name)@\(version)" }

    /// Parameters as a task body: canonical JSON (sorted keys).
    public static func encode(parameters: Parameters) -> String {
        String(decoding: CanonicalJSON.encode(parameters), as: UTF8.self)
    }

    /// Parameters back from a task body.
    public static func decode(parameters body: String) throws(TaskError) -> Parameters {
        guard let p = CanonicalJSON.decode(Parameters.self, Array(body.utf8)) else {
            throw TaskError("unreadable \(identifier) task")
        }
        return p
    }

    /// A task of this kind with id `id` (the same id must mean the same work within a job).
    /// - Parameters:
    ///   - blobs: content hashes of the blobs it needs, in the order `execute` gets them.
    ///   - worker: pins it to that worker (a gang member); it runs there or is abandoned.
    public static func task(id: String, _ parameters: Parameters, blobs: [String] = [], pinnedTo worker: String? = nil) -> TaskSpec {
        TaskSpec(id: id, kind: identifier, body: encode(parameters: parameters), blobs: blobs, isPure: isPure, worker: worker)
    }
}

extension TaskKind where Output: Codable {
    /// A JSON body, no frames.
    public static func encode(output: Output) -> TaskOutput {
        TaskOutput(body: String(decoding: CanonicalJSON.encode(output), as: UTF8.self))
    }

    public static func decode(output: TaskOutput) throws(TaskError) -> Output {
        guard let o = CanonicalJSON.decode(Output.self, Array(output.body.utf8)) else {
            throw TaskError("a worker sent an unreadable \(name) result")
        }
        return o
    }
}

/// A task that could not be run or whose output could not be read, in words for the job's log.
public struct TaskError: Error, Equatable, Sendable, CustomStringConvertible {
    public let reason: String
    public init(_ reason: String) { self.reason = reason }
    public var description: String { reason }
}
