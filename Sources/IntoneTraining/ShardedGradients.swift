import IntoneNeural
import IntoneRandom

/// One shard's part of a training step: the gradients of its mean loss, the batch-norm state after
/// its pass, its summed loss and correct count.
public struct ShardGradients: Sendable, Equatable {
    public var gradients: [Float]
    public var state: [Float]
    /// Loss summed over the shard's samples (class-weighted as in training).
    public var lossSum: Double
    public var correct: Int
    public var count: Int

    public init(gradients: [Float], state: [Float], lossSum: Double, correct: Int, count: Int) {
        self.gradients = gradients
        self.state = state
        self.lossSum = lossSum
        self.correct = correct
        self.count = count
    }
}

/// A training step split into shards — data-parallel training's unit of work. The global batch of
/// `n` samples is cut into `k` contiguous shards (`shardRange`; uneven when `k` does not divide `n`),
/// each shard's gradients are computed from the same parameters, and the step's gradient is their
/// average weighted by shard size, which is the gradient of the whole batch's mean loss. The same
/// functions run on cluster workers and here, so a step gives the same bytes wherever its shards ran.
///
/// Dropout masks come from `dropout/epoch/E/batch/B/shard/S` (one shard: `dropout/epoch/E/batch/B`,
/// the single-process stream). Batch normalisation uses each shard's own statistics (as Horovod and
/// DDP do without SyncBatchNorm), and the moving statistics after the step are the shards' weighted
/// mean; so with batch normalisation in the model, k shards are not the same arithmetic as one batch.
public enum ShardedGradients {
    /// Samples of shard `s` of `k` in a batch of `n`.
    public static func shardRange(_ s: Int, of k: Int, batch n: Int) -> Range<Int> { (s * n / k)..<((s + 1) * n / k) }

    /// The dropout stream of a shard.
    public static func dropoutStream(seed: UInt64, epoch: Int, batch: Int, shard: Int, shards: Int) -> SeededRandom {
        shards == 1 ? SeededRandom(seed: seed, stream: "dropout/epoch/\(epoch)/batch/\(batch)")
                    : SeededRandom(seed: seed, stream: "dropout/epoch/\(epoch)/batch/\(batch)/shard/\(shard)")
    }

    /// Computes one shard on `network` (whose parameters and state are the step's).
    public static func compute(_ network: inout Network, inputs: Tensor, labels: [Int], classWeights: [Float]?,
                               seed: UInt64, epoch: Int, batch: Int, shard: Int, shards: Int) throws(TrainingError) -> ShardGradients {
        network.dropoutRandom = dropoutStream(seed: seed, epoch: epoch, batch: batch, shard: shard, shards: shards)
        let r: BatchResult
        do { r = try network.computeGradients(inputs: inputs, labels: labels, classWeights: classWeights) } catch {
            throw TrainingError("batch \(batch + 1) of epoch \(epoch + 1), shard \(shard + 1): \(error)")
        }
        return ShardGradients(gradients: network.gradients, state: network.state, lossSum: r.loss * Double(r.count), correct: r.correct, count: r.count)
    }

    /// The step from its shards (in shard order): gradients and state weighted by shard size,
    /// summed in shard order in double precision.
    public static func combine(_ shards: [ShardGradients]) -> ShardGradients {
        guard let first = shards.first else { return ShardGradients(gradients: [], state: [], lossSum: 0, correct: 0, count: 0) }
        let total = shards.reduce(0) { $0 + $1.count }
        var g = [Double](repeating: 0, count: first.gradients.count), st = [Double](repeating: 0, count: first.state.count)
        for s in shards where s.count > 0 {
            let w = Double(s.count) / Double(total)
            for i in g.indices { g[i] += w * Double(s.gradients[i]) }
            for i in st.indices { st[i] += w * Double(s.state[i]) }
        }
        return ShardGradients(gradients: g.map { Float($0) }, state: st.map { Float($0) }, lossSum: shards.reduce(0) { $0 + $1.lossSum },
                              correct: shards.reduce(0) { $0 + $1.correct }, count: total)
    }

    /// The inputs and labels of shard `s`.
    public static func slice(_ inputs: Tensor, labels: [Int], shard s: Int, of k: Int) -> (Tensor, [Int]) {
        let n = labels.count, r = shardRange(s, of: k, batch: n)
        let size = n == 0 ? 0 : inputs.values.count / n
        return (Tensor(shape: [r.count] + inputs.shape.dropFirst(), values: Array(inputs.values[(r.lowerBound * size)..<(r.upperBound * size)])),
                Array(labels[r]))
    }
}

/// Where a training step's shards are computed: here, one after another, or on cluster workers.
public protocol GradientComputer: Sendable {
    /// The combined step for `inputs` (a whole global batch) cut into `shards` shards, computed
    /// from `network`'s parameters and state.
    func step(network: Network, configText: String, inputs: Tensor, labels: [Int], classWeights: [Float]?,
              seed: UInt64, epoch: Int, batch: Int, shards: Int) throws(TrainingError) -> ShardGradients
}

/// Computes the shards in this process, one after another: the reference a cluster run must match.
public struct LocalGradientComputer: GradientComputer {
    public init() {}

    public func step(network: Network, configText: String, inputs: Tensor, labels: [Int], classWeights: [Float]?,
                     seed: UInt64, epoch: Int, batch: Int, shards: Int) throws(TrainingError) -> ShardGradients {
        var parts: [ShardGradients] = []
        for s in 0..<shards {
            var net = network
            let (x, y) = ShardedGradients.slice(inputs, labels: labels, shard: s, of: shards)
            if y.isEmpty { continue }
            parts.append(try ShardedGradients.compute(&net, inputs: x, labels: y, classWeights: classWeights, seed: seed,
                                                      epoch: epoch, batch: batch, shard: s, shards: shards))
        }
        return ShardedGradients.combine(parts)
    }
}
