import Foundation
import IntoneNeural

/// How replicas exchange during data-parallel training: a sum of every replica's buffer (an
/// allreduce), of batch statistics within a pass (SyncBatchNorm), and a check that all hold the
/// same parameters. A ring of workers implements it (`RingAllreduce` in IntoneCluster); a lone
/// replica's exchange does nothing.
public protocol ReplicaExchange: AnyObject {
    /// Replaces `values` with the element-wise sum over the replicas.
    func sum(_ values: inout [Float]) throws(TrainingError)
    /// The same for batch statistics, in double precision.
    func sum(_ values: inout [Double]) throws(TrainingError)
    /// Throws if any replica's `fingerprint` differs from this one's.
    func agree(on fingerprint: UInt64, step: Int) throws(TrainingError)
    /// Seconds spent exchanging so far.
    var communicationSeconds: Double { get }
}

/// What one replica does in one epoch of data-parallel training.
public struct ReplicaEpochPlan: Codable, Equatable, Sendable {
    /// 0-based epoch (it names the shuffle and dropout streams).
    public var epoch: Int
    public var batchSize: Int
    /// Shards each global batch is cut into (the run's `--shards`), and those this replica computes.
    public var shards: Int
    public var ownedShards: [Int]
    public var seed: UInt64
    /// Steps between parameter agreement checks (0: only at the end of the epoch).
    public var checkEvery: Int
    /// Batch normalisation over the global batch (SyncBatchNorm): the replica's shards run as one
    /// pass (with the first one's dropout stream) whose statistics are summed over the replicas.
    public var syncBatchNorm: Bool

    public init(epoch: Int, batchSize: Int, shards: Int, ownedShards: [Int], seed: UInt64, checkEvery: Int, syncBatchNorm: Bool = false) {
        self.epoch = epoch
        self.batchSize = batchSize
        self.shards = shards
        self.ownedShards = ownedShards
        self.seed = seed
        self.checkEvery = checkEvery
        self.syncBatchNorm = syncBatchNorm
    }
}

/// A replica's account of its epoch.
public struct ReplicaEpochTotals: Codable, Equatable, Sendable {
    /// Loss summed over the samples of the shards this replica computed, their correct count and number.
    public var lossSum: Double
    public var correct: Int
    public var count: Int
    public var steps: Int
    public var computeSeconds: Double
    public var communicationSeconds: Double
    /// `ReplicaTraining.fingerprint` of the parameters and state at the end.
    public var fingerprint: UInt64
}

/// One replica's epoch of synchronous data-parallel training. Every replica starts from the same
/// parameters, state and optimizer; each step it computes the shards of the global batch it owns
/// (`ShardedGradients.compute`, the same arithmetic as one process computing every shard), weights
/// them by shard size, sums the weighted gradients and batch-norm states with the other replicas
/// (`exchange`), and applies the optimizer to the sum. The sum is the same bytes on every replica,
/// so the replicas stay identical, which `exchange.agree` checks every `checkEvery` steps and at
/// the end.
public enum ReplicaTraining {
    /// Runs `plan` on `network` and `optimizer` (the epoch's start, replaced by its end).
    /// - Parameters:
    ///   - trainCount: examples in the training split; the epoch's order is `Trainer.epochOrder`.
    ///   - labels: every training example's class, by index.
    ///   - inputs: the network inputs of training examples, by index.
    ///   - afterStep: called after each step (1-based) with the network; fault injection in tests.
    public static func runEpoch<Exchange: ReplicaExchange>(
        _ plan: ReplicaEpochPlan, network: inout Network, optimizer: inout TrainingOptimizer, trainCount n: Int,
        labels: [Int], classWeights: [Float]?, inputs: ([Int]) throws(TrainingError) -> Tensor, exchange: Exchange,
        afterStep: ((Int, inout Network) -> Void)? = nil
    ) throws(TrainingError) -> ReplicaEpochTotals {
        let order = Trainer.epochOrder(seed: plan.seed, epoch: plan.epoch, count: n)
        let batches = (n + plan.batchSize - 1) / plan.batchSize
        let p = network.parameterCount, st = network.stateCount
        var totals = ReplicaEpochTotals(lossSum: 0, correct: 0, count: 0, steps: 0, computeSeconds: 0, communicationSeconds: 0, fingerprint: 0)
        var sums = [Double](repeating: 0, count: p + st)
        var buffer = [Float](repeating: 0, count: p + st)
        var clock = DispatchTime.now().uptimeNanoseconds
        func lap() -> Double {
            let t = DispatchTime.now().uptimeNanoseconds
            defer { clock = t }
            return Double(t - clock) / 1e9
        }
        // SyncBatchNorm: the network sums its batch statistics through the exchange; a failure
        // there is kept and thrown after the pass (a layer cannot throw).
        var statisticsFailure: TrainingError?
        if plan.syncBatchNorm {
            network.batchStatisticsSync = BatchStatisticsSync { values in
                guard statisticsFailure == nil else { return }
                do { try exchange.sum(&values) } catch let e as TrainingError { statisticsFailure = e } catch { statisticsFailure = TrainingError("\(error)") }
            }
        }
        defer { network.batchStatisticsSync = nil }
        for b in 0..<batches {
            let batch = Array(order[(b * plan.batchSize)..<min(n, (b + 1) * plan.batchSize)])
            let startState = network.state
            let exchangedBefore = exchange.communicationSeconds   // SyncBatchNorm exchanges within the pass
            for i in sums.indices { sums[i] = 0 }
            // The passes this replica makes: each owned shard from the step's state; with
            // SyncBatchNorm one pass over all of them (the statistics are the global batch's anyway).
            var passes: [(members: [Int], shard: Int)] = plan.ownedShards.map { s in
                (Array(batch[ShardedGradients.shardRange(s, of: plan.shards, batch: batch.count)]), s)
            }
            if plan.syncBatchNorm, let first = plan.ownedShards.first {
                passes = [(passes.flatMap(\.members), first)]
                network.batchStatisticsSync?.weight = Double(passes[0].members.count) / Double(batch.count)
                if passes[0].members.isEmpty { network.joinBatchStatisticsWithoutSamples() }
            }
            for pass in passes where !pass.members.isEmpty {
                network.state = startState
                let r = try ShardedGradients.compute(&network, inputs: try inputs(pass.members), labels: pass.members.map { labels[$0] },
                                                     classWeights: classWeights, seed: plan.seed, epoch: plan.epoch, batch: b,
                                                     shard: pass.shard, shards: plan.shards)
                let w = Double(pass.members.count) / Double(batch.count)
                network.gradients.withUnsafeBufferPointer { g in
                    for i in 0..<p { sums[i] += w * Double(g[i]) }
                }
                network.state.withUnsafeBufferPointer { v in
                    for i in 0..<st { sums[p + i] += w * Double(v[i]) }
                }
                totals.lossSum += r.lossSum
                totals.correct += r.correct
                totals.count += r.count
            }
            if let failure = statisticsFailure { throw failure }
            for i in buffer.indices { buffer[i] = Float(sums[i]) }
            totals.computeSeconds += lap() - (exchange.communicationSeconds - exchangedBefore)
            try exchange.sum(&buffer)
            _ = lap()
            network.state = Array(buffer[p...])
            optimizer.apply(gradients: Array(buffer[..<p]), to: &network.parameters)
            totals.steps += 1
            afterStep?(b + 1, &network)
            if plan.checkEvery > 0 && (b + 1) % plan.checkEvery == 0 && b + 1 < batches {
                totals.computeSeconds += lap()
                try exchange.agree(on: fingerprint(network), step: b + 1)
                _ = lap()
            }
        }
        totals.fingerprint = fingerprint(network)
        totals.computeSeconds += lap()
        try exchange.agree(on: totals.fingerprint, step: batches)
        totals.communicationSeconds = exchange.communicationSeconds
        return totals
    }

    /// FNV-1a (64 bits) over the bit patterns of the parameters, then the state: equal for
    /// bit-identical replicas, different (almost surely) otherwise.
    public static func fingerprint(_ network: Network) -> UInt64 {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for buffer in [network.parameters, network.state] {
            buffer.withUnsafeBufferPointer { v in
                for x in v {
                    h = (h ^ UInt64(x.bitPattern)) &* 0x0000_0100_0000_01b3
                }
            }
        }
        return h
    }
}

/// A lone replica: nothing to exchange.
public final class SoloExchange: ReplicaExchange {
    public init() {}
    public func sum(_ values: inout [Float]) throws(TrainingError) {}
    public func sum(_ values: inout [Double]) throws(TrainingError) {}
    public func agree(on fingerprint: UInt64, step: Int) throws(TrainingError) {}
    public var communicationSeconds: Double { 0 }
}

/// An epoch for replicas to run: where it starts and what it trains on.
public struct ReplicaEpochStart: Sendable {
    public var network: Network
    public var optimizer: TrainingOptimizer
    public var epoch: Int
    public var configText: String
    public var data: SequenceData
    public var batchSize: Int
    public var shards: Int
    public var seed: UInt64
    public var classWeights: [Float]?
}

/// Where an epoch on replicas ended.
public struct ReplicaEpochEnd: Sendable {
    public var parameters: [Float]
    public var state: [Float]
    public var optimizer: TrainingOptimizer
    public var lossSum: Double
    public var correct: Int
    /// The slowest replica's compute and communication seconds, and the replicas that ran the epoch.
    public var computeSeconds: Double
    public var communicationSeconds: Double
    public var replicas: Int
    /// The validation split's loss and accuracy with the epoch's end parameters, if the replicas
    /// scored it (as `Trainer.evaluate` does).
    public var validation: (loss: Double, accuracy: Double)?

    public init(parameters: [Float], state: [Float], optimizer: TrainingOptimizer, lossSum: Double, correct: Int,
                computeSeconds: Double, communicationSeconds: Double, replicas: Int, validation: (loss: Double, accuracy: Double)? = nil) {
        self.validation = validation
        self.parameters = parameters
        self.state = state
        self.optimizer = optimizer
        self.lossSum = lossSum
        self.correct = correct
        self.computeSeconds = computeSeconds
        self.communicationSeconds = communicationSeconds
        self.replicas = replicas
    }
}

/// Runs whole epochs on persistent replicas that exchange gradients among themselves (ring
/// allreduce on cluster workers), instead of one coordinator-centred exchange per step.
public protocol ReplicaEpochRunner: Sendable {
    /// Runs `start`'s epoch on replicas, or returns nil when no group of replicas can be formed
    /// (then the trainer runs this epoch, and the rest, step by step through its `computer`).
    func runEpoch(_ start: ReplicaEpochStart) throws(TrainingError) -> ReplicaEpochEnd?
}
