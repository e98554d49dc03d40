import Foundation

/// Every kind of task a worker runs, chosen by the body's `kind` field: `extract` (feature
/// extraction shards), `score` (chunks of calls), `gradients` (shards of training steps),
/// `replica-epoch` (an epoch as one rank of a ring, over `ringLink`) or, without a kind, a sweep
/// trial. One worker serves any job.
public enum WorkerTasks {
    struct Kind: Decodable { var kind: String? }

    /// - Parameter faults: fault injection for tests (see `WorkerFaults`).
    public static func handler(ringLink: RingLink? = nil, faults: WorkerFaults = WorkerFaults()) -> WorkerShell.Handler {
        let trial = ClusterTrialExecutor.workerHandler()
        let extract = ExtractTaskData.workerHandler()
        let score = ClusterCallScorer.workerHandler()
        let gradients = ClusterGradientComputer.workerHandler()
        let replica = ReplicaEpochTask.workerHandler(link: ringLink, faults: faults)
        return { body, blobs in
            let kind = ClusterJSON.decode(Kind.self, Array(body.utf8))?.kind
            switch kind {
            case nil, "trial": return try trial(body, blobs)
            case "extract": return try extract(body, blobs)
            case "score": return try score(body, blobs)
            case "gradients": return try gradients(body, blobs)
            case ReplicaEpochTask.kind: return try replica(body, blobs)
            case ReplicaEpochTask.prefetchKind: return WorkerShell.TaskOutput(body: "{}")   // its blobs are now cached
            case let other?: throw ClusterError("this worker does not know tasks of kind \(other); upgrade intone on it")
            }
        }
    }
}

/// Faults a worker can be told to commit, so that tests reach the code that handles them (hidden
/// `intone worker --fault-...` options; never set in normal use).
public struct WorkerFaults: Sendable {
    /// Nudge one parameter of this worker's replica after this step of every epoch, as a silent
    /// bit flip would: the replicas' agreement check must stop the run.
    public var perturbAfterStep: Int?
    /// Forget the replica kept between epochs, as a worker restarted under the same name would:
    /// the job must send the epoch's start again.
    public var forgetKeptReplica = false

    public init(perturbAfterStep: Int? = nil, forgetKeptReplica: Bool = false) {
        self.perturbAfterStep = perturbAfterStep
        self.forgetKeptReplica = forgetKeptReplica
    }
}
