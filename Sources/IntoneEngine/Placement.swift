/// Where a job's tasks run: threads in this process (`ThreadPlacement`), worker processes started
/// here, workers that connect to a coordinator this process binds, or a coordinator elsewhere (the
/// cluster module's placements). A job is written once against this protocol and gives the same
/// bytes on every placement: its tasks are values, and it merges their results by id.
public protocol Placement: AnyObject, Sendable {
    /// What the job may assume about where its tasks run.
    var traits: PlacementTraits { get }

    /// Runs `tasks` until each is done or abandoned, calling `completed(id, output)` or
    /// `abandoned(id, reason)` once per task, one call at a time (from a thread of the placement's).
    /// `blobs` holds the bytes of every blob the tasks name, by content hash. Throws only when the
    /// batch as a whole cannot run (no worker came, the coordinator cannot be reached).
    func run(_ tasks: [TaskSpec], blobs: [String: [UInt8]],
             completed: @escaping @Sendable (String, TaskOutput) -> Void,
             abandoned: @escaping @Sendable (String, String) -> Void) throws(PlacementError)

    /// Workers that can be members of a gang (they serve a gang endpoint, as the ring allreduce of
    /// data-parallel training needs), in name order. A job forms a gang of k of them and pins one
    /// task to each (`TaskSpec.worker`); empty where the placement has none.
    var gangWorkers: [GangWorker] { get }

    /// Gives up this process's tasks still pending or running: they are cancelled where they run and
    /// reported neither done nor abandoned, so the `run` waiting for them returns.
    func withdrawTasks()
}

/// What a job may assume about a placement.
public struct PlacementTraits: Equatable, Sendable {
    /// The tasks run in this process: no round trip to amortise, nothing to ship.
    public var inProcess: Bool
    /// The tasks see this machine's files at the same paths (threads, workers on this machine, or
    /// workers on a shared mount), so audio need not travel with them.
    public var sharesFiles: Bool

    public init(inProcess: Bool, sharesFiles: Bool) {
        self.inProcess = inProcess
        self.sharesFiles = sharesFiles
    }
}

/// A worker that can join a gang: its name (tasks are pinned to it by name) and where the other
/// members reach it (`tcp://HOST:PORT`, with ` curve:PUBLICKEY` when that endpoint is encrypted).
public struct GangWorker: Codable, Equatable, Sendable {
    public let worker: String
    public let endpoint: String

    public init(worker: String, endpoint: String) {
        self.worker = worker
        self.endpoint = endpoint
    }
}

/// A batch that cannot run at all, in words an operator can act on.
public struct PlacementError: Error, Equatable, Sendable, CustomStringConvertible {
    public let reason: String
    public init(_ reason: String) { self.reason = reason }
    public var description: String { reason }
}

extension Placement {
    /// Runs tasks of one kind and hands each its decoded output: `finished(id, result)` once per
    /// task (an abandoned task, or an output that does not decode, is a failure with the reason).
    public func run<Kind: TaskKind>(_ kind: Kind.Type, _ tasks: [TaskSpec], blobs: [String: [UInt8]],
                                    finished: @escaping @Sendable (String, Result<Kind.Output, TaskError>) -> Void) throws(PlacementError) {
        try run(tasks, blobs: blobs, completed: { id, output in
            finished(id, Result { () throws(TaskError) in try Kind.decode(output: output) })
        }, abandoned: { id, reason in
            finished(id, .failure(TaskError(reason)))
        })
    }
}
