import IntoneEngine
import IntoneFormats
import IntoneNeural

/// Each training step's shards as `GradientShardKind` tasks on a placement (`intone train
/// --allreduce coordinator`, and the ring's fallback): the job averages the shards' gradients and
/// applies the optimizer once (the coordinator-centred reduction). The step, and the run, come out
/// the same bytes wherever the shards ran, and training never waits on a lost worker.
public struct PlacedGradientComputer: GradientComputer {
    let placement: any Placement

    public init(placement: any Placement) {
        self.placement = placement
    }

    public func step(network: Network, configText: String, inputs: Tensor, labels: [Int], classWeights: [Float]?,
                     seed: UInt64, epoch: Int, batch: Int, shards: Int) throws(TrainingError) -> ShardGradients {
        let weights = ByteCoding.floats(network.parameters + network.state)
        let weightsHash = SHA256.hex(of: weights)
        var blobs: [String: [UInt8]] = [weightsHash: weights]
        var tasks: [TaskSpec] = []
        var shardOf: [String: Int] = [:]
        for s in 0..<shards {
            let (x, y) = ShardedGradients.slice(inputs, labels: labels, shard: s, of: shards)
            if y.isEmpty { continue }
            let data = ByteCoding.floats(x.values)
            let dataHash = SHA256.hex(of: data)
            blobs[dataHash] = data
            let parameters = GradientShardKind.Parameters(config: configText, inputShape: network.inputShape, labels: y, classWeights: classWeights,
                                                          seed: seed, epoch: epoch, batch: batch, shard: s, shards: shards)
            let id = "grad-" + String(SHA256.hex(of: Array((GradientShardKind.encode(parameters: parameters) + weightsHash + dataHash).utf8)).prefix(32))
            tasks.append(GradientShardKind.task(id: id, parameters, blobs: [weightsHash, dataHash]))
            shardOf[id] = s
        }
        let results = ResultSlots<Result<ShardGradients, TrainingError>>(count: shards)
        let lookup = shardOf
        let parameterCount = network.parameterCount, stateCount = network.stateCount
        do {
            try placement.run(tasks, blobs: blobs, completed: { id, output in
                guard let s = lookup[id] else { return }
                guard let r = try? GradientShardKind.decode(output: output) else {
                    results.set(s, .failure(TrainingError("a worker sent an unreadable gradient for shard \(s + 1)")))
                    return
                }
                guard r.gradients.count == parameterCount, r.state.count == stateCount else {
                    results.set(s, .failure(TrainingError("a worker sent \(r.gradients.count) gradients for \(parameterCount) parameters")))
                    return
                }
                results.set(s, .success(r))
            }, abandoned: { id, reason in
                if let s = lookup[id] { results.set(s, .failure(TrainingError("shard \(s + 1) of batch \(batch + 1) could not be computed: \(reason)"))) }
            })
        } catch {
            throw TrainingError("cluster: \(error)")
        }
        var parts: [ShardGradients] = []
        let submitted = Set(lookup.values)
        for s in 0..<shards where submitted.contains(s) {
            switch results.get(s) {
            case .success(let r)?: parts.append(r)
            case .failure(let e)?: throw e
            case nil: throw TrainingError("no result came back for shard \(s + 1) of batch \(batch + 1)")
            }
        }
        return ShardedGradients.combine(parts)
    }
}
