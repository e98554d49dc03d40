import IntoneEngine
import IntoneFormats
import IntoneNeural

/// The task kind of coordinator-centred data-parallel training (`gradients`): one shard of one
/// training step. A task carries everything it needs — the config (the worker builds the network
/// from it once), the step's parameters and batch-norm state (blob 1, shared by the step's shards,
/// so it travels once per worker and step) and its shard's inputs (blob 2) — and returns its
/// gradients and state. Tasks hold no state on the worker, so a worker that dies mid-step only has
/// its shard run again elsewhere.
public struct GradientShardKind: TaskKind {
    public static let name = "gradients"
    public static let version = 1
    public static let isPure = true

    public struct Parameters: Codable, Equatable, Sendable {
        public var config: String
        public var inputShape: [Int]
        public var labels: [Int]
        public var classWeights: [Float]?
        public var seed: UInt64
        public var epoch: Int
        public var batch: Int
        public var shard: Int
        public var shards: Int
    }

    /// The shard's gradients and state (two float32 frames) and its loss, correct count and size (the body).
    public typealias Output = ShardGradients

    struct Totals: Codable {
        var lossSum: Double
        var correct: Int
        var count: Int
    }

    public static func encode(output r: ShardGradients) -> TaskOutput {
        TaskOutput(body: String(decoding: CanonicalJSON.encode(Totals(lossSum: r.lossSum, correct: r.correct, count: r.count)), as: UTF8.self),
                   blobs: [ByteCoding.floats(r.gradients), ByteCoding.floats(r.state)])
    }

    public static func decode(output: TaskOutput) throws(TaskError) -> ShardGradients {
        guard let t = CanonicalJSON.decode(Totals.self, Array(output.body.utf8)), output.blobs.count == 2 else {
            throw TaskError("a worker sent an unreadable gradient")
        }
        return ShardGradients(gradients: ByteCoding.floats(from: output.blobs[0][...]), state: ByteCoding.floats(from: output.blobs[1][...]),
                              lossSum: t.lossSum, correct: t.correct, count: t.count)
    }

    private let networks = NetworkPool()

    public init() {}

    /// Builds the network from the config once, loads the step's parameters and state, and computes the shard.
    public func execute(_ p: Parameters, blobs: [TaskBlob], context: TaskContext) throws -> ShardGradients {
        guard blobs.count == 2 else { throw TaskError("a gradient task arrived without its parameters and inputs") }
        var (net, key) = try networks.takeTraining(config: p.config, inputShape: p.inputShape)
        defer { networks.give(net, key) }
        let weights = ByteCoding.floats(from: blobs[0].bytes[...])
        guard weights.count == net.parameterCount + net.stateCount else {
            throw TaskError("a gradient task's parameters do not fit its network (\(weights.count) values)")
        }
        net.parameters = Array(weights[0..<net.parameterCount])
        net.state = Array(weights[net.parameterCount...])
        let inputs = Tensor(shape: [p.labels.count] + p.inputShape, values: ByteCoding.floats(from: blobs[1].bytes[...]))
        return try ShardedGradients.compute(&net, inputs: inputs, labels: p.labels, classWeights: p.classWeights, seed: p.seed,
                                            epoch: p.epoch, batch: p.batch, shard: p.shard, shards: p.shards)
    }
}
