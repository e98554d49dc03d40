import IntoneCorpus
import IntoneEngine
import IntoneScoring
import IntoneSweep
import IntoneTraining

/// Every task kind this executable serves: what `intone worker` registers, and what a job run in
/// this process (no `--local-workers`, `--bind` or `--cluster`) runs its tasks with.
enum TaskKinds {
    /// - Parameter faults: fault injection for tests (`intone worker --fault-...`).
    static func registry(faults: ReplicaFaults = ReplicaFaults()) -> TaskRegistry {
        var registry = TaskRegistry()
        registry.register(ExtractShardKind())
        registry.register(TrialKind())
        registry.register(ScoreUnitKind())
        registry.register(GradientShardKind())
        registry.register(ReplicaEpochKind(faults: faults))
        registry.register(ReplicaPrefetchKind())
        return registry
    }
}
