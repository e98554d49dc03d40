/// The task kinds a process serves, by identifier: what a worker (or a thread placement) runs a
/// task with. Each registered kind is one instance, shared by every task of that kind the process
/// runs, so a kind may cache what its tasks share (decoded data, a loaded model) by content hash.
public struct TaskRegistry: Sendable {
    typealias Executor = @Sendable (_ body: String, _ blobs: [TaskBlob], _ context: TaskContext) throws -> TaskOutput
    private var executors: [String: Executor] = [:]

    public init() {}

    /// Serves tasks of `kind`'s type (replacing an earlier registration of the same identifier).
    public mutating func register<Kind: TaskKind>(_ kind: Kind) {
        executors[Kind.identifier] = { body, blobs, context in
            let parameters = try Kind.decode(parameters: body)
            return Kind.encode(output: try kind.execute(parameters, blobs: blobs, context: context))
        }
    }

    /// `register` for several kinds, as a new registry.
    public func registering<Kind: TaskKind>(_ kind: Kind) -> TaskRegistry {
        var copy = self
        copy.register(kind)
        return copy
    }

    /// The identifiers served, sorted.
    public var kinds: [String] { executors.keys.sorted() }

    /// Runs one task of kind `kind` (an identifier); throws the task's own error, or says the kind is unknown.
    public func execute(kind: String, body: String, blobs: [TaskBlob], context: TaskContext) throws -> TaskOutput {
        guard let executor = executors[kind] else {
            throw TaskError("this worker does not know tasks of kind \(kind); upgrade intone on it")
        }
        return try executor(body, blobs, context)
    }
}
