import Foundation
import IntoneCorpus
import IntoneLearning
import IntoneNeural
import IntoneRandom

/// A training run that could not go on, in words a user can act on.
public struct TrainingError: Error, Equatable, Sendable, CustomStringConvertible {
    public let reason: String
    public init(_ reason: String) { self.reason = reason }
    public var description: String { reason }
}

/// What training produced.
public struct TrainingOutcome: Sendable {
    /// The network with the weights of the best validation-accuracy epoch.
    public var network: Network
    public var history: [EpochRecord]
    /// 1-based epoch whose weights `network` holds.
    public var bestEpoch: Int
    /// Whether early stopping ended the run before `epochs`.
    public var stoppedEarly: Bool
}

/// The training loop, Keras's `fit` with its callbacks: each epoch shuffles the training split
/// (seeded by epoch), steps through it in batches — gradients on the batch, then one optimizer
/// step — evaluates the validation split, and lets ReduceLROnPlateau, EarlyStopping and the best
/// checkpoint act. A checkpoint after every epoch makes an interrupted run resumable: re-running
/// continues it with the same result as an uninterrupted run.
///
/// Every random choice is named by the run seed and where it is made (`shuffle/epoch/3`,
/// `dropout/epoch/3/batch/17`), so a step does not depend on the steps before it in any other way
/// than through the parameters: what data-parallel training needs.
public struct Trainer: Sendable {
    public let config: ModelConfig
    /// The config file's text (a checkpoint of another config is refused).
    public let configText: String
    public let data: SequenceData
    /// Where the checkpoint is kept (`RUN_DIR/checkpoint`); nil keeps none.
    public let checkpointFolder: String?
    /// Shards each global batch is cut into (data-parallel training; see `ShardedGradients`).
    public var shards = 1
    /// Where shards are computed; nil: in this process.
    public var computer: (any GradientComputer)?
    /// Where whole epochs run on replicas (ring allreduce among workers); tried before `computer`.
    public var replicas: (any ReplicaEpochRunner)?
    /// Stop once this many epochs are done (in all, counting those before a resume), keeping the
    /// checkpoint, so a later call with a larger value continues exactly where this one stopped:
    /// how a sweep trains a trial a rung at a time. nil: train to `config.epochs`.
    public var stopAfter: Int?

    public init(config: ModelConfig, configText: String, data: SequenceData, checkpointFolder: String?) {
        self.config = config
        self.configText = configText
        self.data = data
        self.checkpointFolder = checkpointFolder
    }

    /// The network before training.
    public func initialNetwork() throws(TrainingError) -> Network {
        do { return try Network(inputShape: data.inputShape, layers: config.layers(classes: SequenceData.classes.count), seed: config.seed) } catch {
            throw TrainingError("the model in the config cannot be built on \(data.inputShape) inputs: \(error)")
        }
    }

    /// Class weights, if the config asks for them: `n / (classes · count_c)` over the classes in
    /// the training split (scikit-learn's "balanced"), 1 for absent classes.
    public func classWeights() -> [Float]? {
        guard config.classWeights else { return nil }
        let k = SequenceData.classes.count
        var counts = [Int](repeating: 0, count: k)
        for e in data.train { counts[e.label] += 1 }
        let present = counts.filter { $0 > 0 }.count
        return counts.map { $0 == 0 ? 1 : Float(Double(data.train.count) / Double(present * $0)) }
    }

    /// Trains (or resumes) and returns the best-validation-accuracy network.
    /// - Parameters:
    ///   - epochEnded: called after each epoch with its record.
    ///   - batchEnded: called after each training batch with (batches done, batches per epoch).
    public func train(epochEnded: (EpochRecord) -> Void = { _ in }, batchEnded: (Int, Int) -> Void = { _, _ in }) throws(TrainingError) -> TrainingOutcome {
        var net = try initialNetwork()
        var optimizer = TrainingOptimizer(config)
        var reduce: ReduceLROnPlateau?
        if let r = config.reduceLR {
            do { reduce = try ReduceLROnPlateau(monitor: "val_loss", factor: r.factor, patience: r.patience, minDelta: r.minDelta, minLearningRate: r.minLR) } catch {
                throw TrainingError("reduce_lr: \(error)")
            }
        }
        var early = config.earlyStopping.map { EarlyStopping(monitor: "val_loss", minDelta: $0.minDelta, patience: $0.patience) }
        var best = BestCheckpoint(monitor: "val_accuracy")
        var bestParameters = net.parameters, bestState = net.state
        var history: [EpochRecord] = []
        var stopped = false

        if let folder = checkpointFolder {
            let saved: TrainingCheckpoint?
            do { saved = try TrainingCheckpoint.read(from: folder) } catch {
                throw TrainingError("\(folder): the checkpoint is unreadable (\(error.localizedDescription)); delete it to start over")
            }
            if let saved {
                guard saved.configText == configText else {
                    throw TrainingError("\(folder) holds a run of another config; use another --out folder (or delete it to start over)")
                }
                guard let p = saved.buffers["parameters"], p.count == net.parameterCount, let s = saved.buffers["state"], s.count == net.stateCount,
                      let bp = saved.buffers["best_parameters"], let bs = saved.buffers["best_state"] else {
                    throw TrainingError("\(folder): the checkpoint does not fit this model; delete it to start over")
                }
                net.parameters = p
                net.state = s
                bestParameters = bp
                bestState = bs
                optimizer = saved.optimizer
                reduce = saved.reduceLR
                early = saved.earlyStopping
                best = saved.best
                history = saved.history
                stopped = saved.stopped
            }
        }

        let weights = classWeights()
        let n = data.train.count, batchSize = config.batchSize
        let batches = (n + batchSize - 1) / batchSize
        var useReplicas = replicas != nil
        let epochLimit = min(config.epochs, stopAfter ?? config.epochs)
        while history.count < epochLimit && !stopped {
            let e = history.count
            let began = Date()
            let lr = optimizer.learningRate
            let order = Self.epochOrder(seed: config.seed, epoch: e, count: n)
            var lossSum = 0.0, correct = 0
            var replicated: ReplicaEpochEnd?
            if useReplicas, let replicas {
                replicated = try replicas.runEpoch(ReplicaEpochStart(network: net, optimizer: optimizer, epoch: e, configText: configText, data: data,
                                                                     batchSize: batchSize, shards: shards, seed: config.seed, classWeights: weights))
                if let r = replicated {
                    net.parameters = r.parameters
                    net.state = r.state
                    optimizer = r.optimizer
                    lossSum = r.lossSum
                    correct = r.correct
                    batchEnded(batches, batches)
                } else {
                    useReplicas = false
                }
            }
            for b in 0..<batches where replicated == nil {
                let examples = order[(b * batchSize)..<min(n, (b + 1) * batchSize)].map { data.train[$0] }
                let x: Tensor
                do { x = try data.batch(examples) } catch { throw TrainingError(error.description) }
                if computer == nil && shards == 1 {
                    let r = try ShardedGradients.compute(&net, inputs: x, labels: data.labels(examples), classWeights: weights,
                                                         seed: config.seed, epoch: e, batch: b, shard: 0, shards: 1)
                    optimizer.apply(gradients: net.gradients, to: &net.parameters)
                    lossSum += r.lossSum
                    correct += r.correct
                } else {
                    // Data-parallel: the shards' gradients, averaged, make one step; every replica
                    // would apply the same one, so the parameters here are the run's.
                    let r = try (computer ?? LocalGradientComputer()).step(network: net, configText: configText, inputs: x, labels: data.labels(examples),
                                                                          classWeights: weights, seed: config.seed, epoch: e, batch: b, shards: shards)
                    net.state = r.state
                    optimizer.apply(gradients: r.gradients, to: &net.parameters)
                    lossSum += r.lossSum
                    correct += r.correct
                }
                batchEnded(b + 1, batches)
            }
            let validation: (loss: Double, accuracy: Double)
            if let scored = replicated?.validation { validation = scored } else { validation = try evaluate(&net, data.validation) }
            var record = EpochRecord(epoch: e + 1, loss: lossSum / Double(n), accuracy: Double(correct) / Double(n),
                                     valLoss: validation.loss, valAccuracy: validation.accuracy, lr: Double(lr),
                                     seconds: Date().timeIntervalSince(began))
            record.computeSeconds = replicated?.computeSeconds
            record.communicationSeconds = replicated?.communicationSeconds
            record.replicas = replicated?.replicas
            history.append(record)
            if best.epochEnded(e, value: record.valAccuracy) {
                bestParameters = net.parameters
                bestState = net.state
            }
            if var es = early {
                if es.epochEnded(e, value: record.valLoss).contains(.stopTraining) { stopped = true }
                early = es
            }
            if var r = reduce {
                if let newRate = r.epochEnded(value: record.valLoss, learningRate: optimizer.learningRate) { optimizer.learningRate = newRate }
                reduce = r
            }
            if let folder = checkpointFolder {
                var c = TrainingCheckpoint(configText: configText, epochsDone: history.count, history: history, optimizer: optimizer,
                                           reduceLR: reduce, earlyStopping: early, best: best, stopped: stopped)
                c.buffers = ["parameters": net.parameters, "state": net.state, "best_parameters": bestParameters, "best_state": bestState]
                do { try c.write(to: folder) } catch {
                    throw TrainingError("cannot write the checkpoint in \(folder) (\(error.localizedDescription))")
                }
            }
            epochEnded(record)
        }
        net.parameters = bestParameters
        net.state = bestState
        return TrainingOutcome(network: net, history: history, bestEpoch: (best.bestEpoch ?? 0) + 1,
                               stoppedEarly: stopped && history.count < config.epochs)
    }

    /// The order of the training examples in epoch `epoch` (0-based): a seeded shuffle.
    public static func epochOrder(seed: UInt64, epoch: Int, count: Int) -> [Int] {
        var shuffle = SeededRandom(seed: seed, stream: "shuffle/epoch/\(epoch)")
        return shuffle.shuffled(Array(0..<count))
    }

    /// Examples per chunk when scoring: the batch size, at least 64.
    public static func evaluationChunk(batchSize: Int) -> Int { max(batchSize, 64) }

    /// Loss and accuracy over `examples` in inference mode, a chunk at a time (`evaluationChunk`).
    func evaluate(_ net: inout Network, _ examples: [SequenceData.Example]) throws(TrainingError) -> (loss: Double, accuracy: Double) {
        var loss = 0.0, correct = 0
        try forEachChunk(of: examples, "evaluation") { part, inputs, step in
            let r = try net.evaluate(inputs: inputs, labels: data.labels(part), batchSize: step)
            loss += r.loss * Double(r.count)
            correct += r.correct
        }
        return (loss / Double(max(1, examples.count)), Double(correct) / Double(max(1, examples.count)))
    }

    /// Most probable class of each example (inference mode), a chunk at a time.
    public func predict(_ net: Network, _ examples: [SequenceData.Example]) throws(TrainingError) -> [Int] {
        try probabilities(net, examples).map(Self.mostProbable)
    }

    /// The index of the highest probability (ties: the earlier class).
    static func mostProbable(_ p: [Double]) -> Int {
        var best = 0
        for c in p.indices.dropFirst() where p[c] > p[best] { best = c }
        return best
    }

    /// Class probabilities of each example (inference mode), a chunk at a time.
    public func probabilities(_ net: Network, _ examples: [SequenceData.Example]) throws(TrainingError) -> [[Double]] {
        var net = net
        var out: [[Double]] = []
        try forEachChunk(of: examples, "prediction") { part, inputs, step in
            let p = try net.predictProbabilities(inputs, batchSize: step)
            let k = net.classCount
            for i in 0..<part.count { out.append((0..<k).map { Double(p.values[i * k + $0]) }) }
        }
        return out
    }

    /// Runs `body` on `examples` in chunks of `evaluationChunk` with their inputs; a store error
    /// keeps its message, any other is prefixed with `what`.
    private func forEachChunk(of examples: [SequenceData.Example], _ what: String,
                              _ body: (ArraySlice<SequenceData.Example>, Tensor, Int) throws -> Void) throws(TrainingError) {
        let step = Self.evaluationChunk(batchSize: config.batchSize)
        var start = 0
        while start < examples.count {
            let part = examples[start..<min(examples.count, start + step)]
            do {
                try body(part, try data.batch(part), step)
            } catch let error as FeatureStoreError {
                throw TrainingError(error.description)
            } catch {
                throw TrainingError("\(what): \(error)")
            }
            start += step
        }
    }
}
