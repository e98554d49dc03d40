import Foundation
import IntoneEngine
import IntoneFormats
import IntoneNeural
import IntoneTraining

/// Data-parallel training on cluster workers (`intone train --local-workers / --bind / --cluster`):
/// each training step's shards are tasks. A task carries everything it needs — the config (the
/// worker builds the network from it once), the step's parameters and batch-norm state (one blob,
/// shared by the step's shards, so it travels once per worker and step) and its shard's inputs (a
/// second blob) — and returns its gradients and state. Tasks hold no state on the worker, so a
/// worker that dies mid-step only has its shard run again elsewhere: the step, and the run, come
/// out the same, and training never waits on a lost peer. This is the coordinator-centred
/// reduction (the job averages the shards' gradients and applies the optimizer once).
public struct ClusterGradientComputer: GradientComputer {
    let scheduler: any TaskScheduler
    let waitForWorkers: Double

    public init(scheduler: any TaskScheduler, waitForWorkers: Double = 60) {
        self.scheduler = scheduler
        self.waitForWorkers = waitForWorkers
    }

    struct Body: Codable {
        var kind: String
        var config: String
        var inputShape: [Int]
        var labels: [Int]
        var classWeights: [Float]?
        var seed: UInt64
        var epoch: Int
        var batch: Int
        var shard: Int
        var shards: Int
    }

    struct Reply: Codable {
        var lossSum: Double
        var correct: Int
        var count: Int
    }

    public func step(network: Network, configText: String, inputs: Tensor, labels: [Int], classWeights: [Float]?,
                     seed: UInt64, epoch: Int, batch: Int, shards: Int) throws(TrainingError) -> ShardGradients {
        let weights = ByteCoding.floats(network.parameters + network.state)
        let weightsHash = SHA256.hex(of: weights)
        var blobs: [String: [UInt8]] = [weightsHash: weights]
        var tasks: [CoordinatorCore.Task] = []
        var shardOf: [String: Int] = [:]
        for s in 0..<shards {
            let (x, y) = ShardedGradients.slice(inputs, labels: labels, shard: s, of: shards)
            if y.isEmpty { continue }
            let data = ByteCoding.floats(x.values)
            let dataHash = SHA256.hex(of: data)
            blobs[dataHash] = data
            let body = String(decoding: ClusterJSON.encode(Body(kind: "gradients", config: configText, inputShape: network.inputShape, labels: y,
                                                               classWeights: classWeights, seed: seed, epoch: epoch, batch: batch, shard: s, shards: shards)),
                              as: UTF8.self)
            let id = "grad-" + String(SHA256.hex(of: Array((body + weightsHash + dataHash).utf8)).prefix(32))
            tasks.append(CoordinatorCore.Task(id: id, body: body, dataHash: CoordinatorCore.Task.dataHash([weightsHash, dataHash])))
            shardOf[id] = s
        }
        let results = ResultSlots<Result<ShardGradients, TrainingError>>(count: shards)
        let lookup = shardOf
        let parameterCount = network.parameterCount, stateCount = network.stateCount
        do {
            try scheduler.run(tasks: tasks, blobs: blobs, waitForWorkers: waitForWorkers, completed: { id, body, frames in
                guard let s = lookup[id] else { return }
                guard let reply = ClusterJSON.decode(Reply.self, Array(body.utf8)), frames.count == 2 else {
                    results.set(s, .failure(TrainingError("a worker sent an unreadable gradient for shard \(s + 1)")))
                    return
                }
                let g = ByteCoding.floats(from: frames[0][...]), st = ByteCoding.floats(from: frames[1][...])
                guard g.count == parameterCount, st.count == stateCount else {
                    results.set(s, .failure(TrainingError("a worker sent \(g.count) gradients for \(parameterCount) parameters")))
                    return
                }
                results.set(s, .success(ShardGradients(gradients: g, state: st, lossSum: reply.lossSum, correct: reply.correct, count: reply.count)))
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

    /// The worker's side: builds the network from the config once, loads the step's parameters and
    /// state, and computes its shard.
    public static func workerHandler() -> WorkerShell.Handler {
        let networks = NetworkPool()
        return { text, blobs in
            guard let body = ClusterJSON.decode(Body.self, Array(text.utf8)), body.kind == "gradients" else { throw ClusterError("unreadable gradient task") }
            guard blobs.count == 2 else { throw ClusterError("a gradient task arrived without its parameters and inputs") }
            var (net, key) = try networks.takeTraining(config: body.config, inputShape: body.inputShape)
            defer { networks.give(net, key) }
            let weights = ByteCoding.floats(from: blobs[0].bytes[...])
            guard weights.count == net.parameterCount + net.stateCount else {
                throw ClusterError("a gradient task's parameters do not fit its network (\(weights.count) values)")
            }
            net.parameters = Array(weights[0..<net.parameterCount])
            net.state = Array(weights[net.parameterCount...])
            let x = ByteCoding.floats(from: blobs[1].bytes[...])
            let inputs = Tensor(shape: [body.labels.count] + body.inputShape, values: x)
            let r: ShardGradients
            do {
                r = try ShardedGradients.compute(&net, inputs: inputs, labels: body.labels, classWeights: body.classWeights, seed: body.seed,
                                                 epoch: body.epoch, batch: body.batch, shard: body.shard, shards: body.shards)
            } catch {
                throw ClusterError("\(error)")
            }
            return WorkerShell.TaskOutput(body: String(decoding: ClusterJSON.encode(Reply(lossSum: r.lossSum, correct: r.correct, count: r.count)), as: UTF8.self),
                                          blobs: [ByteCoding.floats(r.gradients), ByteCoding.floats(r.state)])
        }
    }
}

