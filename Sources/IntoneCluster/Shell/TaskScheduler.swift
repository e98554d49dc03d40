import IntoneEngine

/// Something that runs a batch of tasks on cluster workers and reports each outcome: the
/// coordinator in this process (`CoordinatorShell`, for `--local-workers` and `--bind`) or a
/// coordinator elsewhere (`ClusterClient`, for `--cluster`). `ClusterPlacement` makes either a
/// placement that jobs run on.
public protocol TaskScheduler: AnyObject, Sendable {
    /// Runs `tasks` until each is done or abandoned, calling `completed(id, body, frames)` or
    /// `abandoned(id, reason)` once per task (on a service thread). Throws if no worker is there to
    /// run them for `waitForWorkers` seconds.
    func run(tasks: [CoordinatorCore.Task], blobs: [String: [UInt8]], waitForWorkers: Double,
             completed: @escaping @Sendable (String, String, [[UInt8]]) -> Void,
             abandoned: @escaping @Sendable (String, String) -> Void) throws(ClusterError)

    /// Connected workers that serve ring allreduce (data-parallel training), in name order; empty
    /// where the scheduler cannot pin tasks to workers.
    var ringPeers: [RingPeer] { get }

    /// Gives up this process's tasks still pending or running (they are cancelled on the workers,
    /// and reported neither done nor abandoned), so that the `run` waiting for them returns.
    func withdrawLocalTasks()
}

extension TaskScheduler {
    public var ringPeers: [RingPeer] { [] }
    public func withdrawLocalTasks() {}
}
