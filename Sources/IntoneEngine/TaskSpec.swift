/// A task as a placement runs it: the engine's unit of work, with nothing in it that only one
/// placement understands.
///
/// The `id` names the work within its job (the same id means the same result; results are merged
/// by id, never by arrival order). `kind` is the `TaskKind.identifier` that runs it, `body` its
/// parameters, `blobs` the content hashes of the data it needs. Tasks of a pure kind may be copied
/// and retried; a task pinned to a `worker` (one member of a gang) runs there or is abandoned.
public struct TaskSpec: Equatable, Sendable {
    public var id: String
    public var kind: String
    public var body: String
    public var blobs: [String]
    public var isPure: Bool
    public var worker: String?

    public init(id: String, kind: String, body: String, blobs: [String] = [], isPure: Bool = true, worker: String? = nil) {
        self.id = id
        self.kind = kind
        self.body = body
        self.blobs = blobs
        self.isPure = isPure
        self.worker = worker
    }
}

/// What a task returns: a JSON body and, optionally, binary frames (feature matrices, gradients).
public struct TaskOutput: Equatable, Sendable {
    public var body: String
    public var blobs: [[UInt8]]

    public init(body: String, blobs: [[UInt8]] = []) {
        self.body = body
        self.blobs = blobs
    }
}

/// A blob a task gets: its content hash and bytes.
public struct TaskBlob: Sendable {
    public let hash: String
    public let bytes: [UInt8]

    public init(hash: String, bytes: [UInt8]) {
        self.hash = hash
        self.bytes = bytes
    }
}

/// What the process running a task offers it besides its parameters and blobs.
public struct TaskContext: Sendable {
    /// The exchange among the members of a gang (ring allreduce between workers), if this process
    /// serves one.
    public var gang: (any GangTransport)?

    public init(gang: (any GangTransport)? = nil) {
        self.gang = gang
    }
}
