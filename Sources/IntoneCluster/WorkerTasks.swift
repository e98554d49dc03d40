import Foundation

/// Every kind of task a worker runs, chosen by the body's `kind` field: `extract` (feature
/// extraction shards), `score` (chunks of calls), `gradients` (shards of training steps),
/// `replica-epoch` (an epoch as one rank of a ring, over `ringLink`) or, without a kind, a sweep
/// trial. One worker serves any job.
public enum WorkerTasks {
    struct Kind: Decodable { var kind: String? }

    /// - Parameter perturbAfterStep: fault injection for tests (see `ReplicaEpochTask`).
    public static func handler(ringLink: RingLink? = nil, perturbAfterStep: Int? = nil) -> WorkerShell.Handler {
        let trial = ClusterTrialExecutor.workerHandler()
        let extract = ExtractTaskData.workerHandler()
        let score = ClusterCallScorer.workerHandler()
        let gradients = ClusterGradientComputer.workerHandler()
        let replica = ReplicaEpochTask.workerHandler(link: ringLink, perturbAfterStep: perturbAfterStep)
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
