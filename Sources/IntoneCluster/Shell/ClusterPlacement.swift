import IntoneEngine

/// A job's tasks on cluster workers: through the coordinator this process runs (`--local-workers`,
/// `--bind`) or through one elsewhere (`--cluster`). The tasks travel in their wire form; the
/// workers run them with the kinds they registered, so this knows nothing of what the tasks do.
public final class ClusterPlacement: Placement, @unchecked Sendable {
    // @unchecked Sendable: immutable; the scheduler is Sendable.
    public let scheduler: any TaskScheduler
    /// Seconds a batch waits for a worker before it fails.
    public let waitForWorkers: Double
    public let traits: PlacementTraits

    /// - Parameter sharesFiles: the workers see this machine's files at the same paths (workers on
    ///   this machine, or a shared mount): audio need not travel with the tasks.
    public init(scheduler: any TaskScheduler, waitForWorkers: Double = 60, sharesFiles: Bool = false) {
        self.scheduler = scheduler
        self.waitForWorkers = waitForWorkers
        traits = PlacementTraits(inProcess: false, sharesFiles: sharesFiles)
    }

    public func run(_ tasks: [TaskSpec], blobs: [String: [UInt8]],
                    completed: @escaping @Sendable (String, TaskOutput) -> Void,
                    abandoned: @escaping @Sendable (String, String) -> Void) throws(PlacementError) {
        do {
            try scheduler.run(tasks: tasks.map(CoordinatorCore.Task.init), blobs: blobs, waitForWorkers: waitForWorkers,
                              completed: { id, body, frames in completed(id, TaskOutput(body: body, blobs: frames)) },
                              abandoned: abandoned)
        } catch {
            throw PlacementError(error.reason)
        }
    }

    public var gangWorkers: [GangWorker] { scheduler.ringPeers }

    public func withdrawTasks() { scheduler.withdrawLocalTasks() }
}
