import Foundation
import IntoneEngine
import IntoneFormats
import IntoneNeural

/// The task kind that makes a worker one replica of a data-parallel run for one epoch
/// (`replica-epoch`; docs/PROTOCOL.md). Its tasks are pinned to their workers, members of a gang
/// whose exchange (`TaskContext.gang`, the ring allreduce) sums the replicas' gradients every step.
/// A task carries:
/// - the body: the config, the ring (every rank's advertised address, this task's rank, a session
///   tag, the step timeout), the epoch's plan (shards owned...), the optimizer's settings and the
///   training labels;
/// - blob 1, the epoch's start: parameters, batch-norm state and optimizer slots (float32);
/// - blobs 2...: the training inputs, then the validation inputs, in pages of whole examples
///   (float32, in example order). Pages are content-addressed, so a worker fetches them once per run
///   and keeps them for later epochs.
///
/// The reply gives the replica's totals (loss, correct, times, its parameters' fingerprint) and its
/// share of the validation: chunks of `validationChunk` examples (chunk `c` on rank `N − 1 − c mod N`,
/// so that rank 1, which also sends the epoch's end, takes the last, often short, chunk),
/// scored after the epoch exactly as `Trainer.evaluate` scores them; rank 1 also sends the epoch's
/// end (parameters, state and slots, one blob) and its optimizer settings.
public struct ReplicaEpochKind: TaskKind {
    public static let name = "replica-epoch"
    public static let version = 1
    /// A replica keeps its end for the next epoch (`KeptReplica`): not pure.
    public static let isPure = false

    public struct Parameters: Codable, Sendable {
        var config: String
        var inputShape: [Int]
        var labels: [Int]
        var classWeights: [Float]?
        var plan: ReplicaEpochPlan
        var rank: Int
        var members: [String]
        var session: String
        var timeout: Double
        /// The optimizer without its slots (they travel in blob 1).
        var optimizer: TrainingOptimizer
        var parameterCount: Int
        var stateCount: Int
        var examplesPerPage: Int
        var sendsEnd: Bool
        var validationLabels: [Int]
        var validationChunk: Int
        /// Pages of training inputs among the blobs (the rest are validation pages).
        var trainPages: Int
        /// The run (a random id) and the fingerprint of the epoch's start. Without `startShipped`
        /// (a worker that ended the run's previous epoch in the ring) there is no start blob: the
        /// worker continues from the replica it kept, if its fingerprint is this one.
        var run: String
        var startFingerprint: UInt64
        var startShipped: Bool
    }

    /// One validation chunk's score: `Network.evaluate`'s mean loss, correct count and size.
    struct ChunkScore: Codable, Sendable {
        var index: Int
        var loss: Double
        var correct: Int
        var count: Int
    }

    /// The replica's account, and with `sendsEnd` the epoch's end (one float32 frame: parameters,
    /// state and optimizer slots).
    public struct Output: Sendable {
        var reply: Reply
        var end: [UInt8]?
    }

    struct Reply: Codable, Sendable {
        var totals: ReplicaEpochTotals
        var validation: [ChunkScore]
        /// With `sendsEnd`: the optimizer after the epoch, without its slots.
        var optimizer: TrainingOptimizer?
    }

    public static func encode(output: Output) -> TaskOutput {
        TaskOutput(body: String(decoding: CanonicalJSON.encode(output.reply), as: UTF8.self), blobs: output.end.map { [$0] } ?? [])
    }

    public static func decode(output: TaskOutput) throws(TaskError) -> Output {
        guard let reply = CanonicalJSON.decode(Reply.self, Array(output.body.utf8)) else { throw TaskError("an unreadable reply") }
        return Output(reply: reply, end: output.blobs.first)
    }

    private let networks = NetworkPool()
    private let kept = KeptReplica()
    private let faults: ReplicaFaults

    /// - Parameter faults: faults to commit, for tests (see `ReplicaFaults`).
    public init(faults: ReplicaFaults = ReplicaFaults()) {
        self.faults = faults
    }

    /// Runs the epoch as rank `body.rank` of the gang, over the worker's gang transport.
    public func execute(_ body: Parameters, blobs: [TaskBlob], context: TaskContext) throws -> Output {
            guard let gang = context.gang else { throw TaskError("this worker serves no ring endpoint (its --ring-bind could not be bound)") }
        let shipped: [Float]?
        if body.startShipped {
            guard let start = blobs.first else { throw TaskError("a replica task arrived without its parameters") }
            shipped = ByteCoding.floats(from: start.bytes[...])
        } else {
            shipped = nil
        }
        var (net, key) = try networks.takeTraining(config: body.config, inputShape: body.inputShape)
        defer { networks.give(net, key) }
        let p = body.parameterCount, st = body.stateCount
        var optimizer = body.optimizer
        let allPages = blobs.dropFirst(body.startShipped ? 1 : 0).map(\.bytes)
        let perPage = max(1, body.examplesPerPage)
        let n = body.labels.count, v = body.validationLabels.count
        guard body.trainPages == (n + perPage - 1) / perPage, allPages.count == body.trainPages + (v + perPage - 1) / perPage else {
            throw TaskError("a replica task has \(allPages.count) pages for \(n) training and \(v) validation examples")
        }
        let trainPages = Array(allPages.prefix(body.trainPages)), validationPages = Array(allPages.dropFirst(body.trainPages))
        guard let exampleBytes = Self.exampleBytes(body.inputShape) else {
            throw TaskError("a replica task's input shape \(body.inputShape) is not a shape of positive sizes")
        }
        // Every page must hold its examples whole, or gathering would read past its end.
        for (pages, count, what) in [(trainPages, n, "training"), (validationPages, v, "validation")] {
            for (j, page) in pages.enumerated() where page.count != min(perPage, count - j * perPage) * exampleBytes {
                throw TaskError("a replica task's \(what) page \(j + 1) has \(page.count) bytes, not \(min(perPage, count - j * perPage)) example(s) of \(exampleBytes)")
            }
        }
        guard !body.members.isEmpty, body.members.indices.contains(body.rank) else {
            throw TaskError("a replica task gives rank \(body.rank) of \(body.members.count) member(s)")
        }
        let inputs = { (indices: [Int]) throws(TrainingError) -> Tensor in
            gather(indices, from: trainPages, perPage: perPage, shape: body.inputShape)
        }
        let kept = self.kept, faults = self.faults
        let totals: ReplicaEpochTotals = try gang.session(members: body.members, rank: body.rank, tag: body.session, timeout: body.timeout) { channel in
            // The start, shipped or kept; a missing one fails the gang at once (after the members
            // found each other, so the others hear of it instead of timing out).
            guard let values = shipped ?? kept.values(run: body.run, fingerprint: body.startFingerprint) else {
                throw TaskError("this worker no longer holds the epoch's start (restarted, or it ended another epoch); it needs the start sent")
            }
            guard p == net.parameterCount, st == net.stateCount, values.count >= p + st else {
                throw TaskError("a replica task's parameters do not fit its network (\(values.count) values)")
            }
            net.parameters = Array(values[0..<p])
            net.state = Array(values[p..<(p + st)])
            optimizer = body.optimizer.with(slots: Array(values[(p + st)...]))
            return try ReplicaTraining.runEpoch(body.plan, network: &net, optimizer: &optimizer, trainCount: n, labels: body.labels,
                                                classWeights: body.classWeights, inputs: inputs, exchange: GangExchange(channel),
                                                afterStep: faults.perturbAfterStep.map { k in { step, network in if step == k { network.parameters[0] += 1e-3 } } })
        }
        // This rank's share of the validation, with the epoch's end parameters.
        var scores: [ChunkScore] = []
        let chunk = max(1, body.validationChunk)
        let ranks = body.members.count
        for c in stride(from: ranks - 1 - body.rank, to: (v + chunk - 1) / chunk, by: ranks) {
            let range = (c * chunk)..<min(v, (c + 1) * chunk)
            let r = try net.evaluate(inputs: gather(Array(range), from: validationPages, perPage: perPage, shape: body.inputShape),
                                     labels: Array(body.validationLabels[range]), batchSize: chunk)
            scores.append(ChunkScore(index: c, loss: r.loss, correct: r.correct, count: r.count))
        }
        let reply = Reply(totals: totals, validation: scores, optimizer: body.sendsEnd ? optimizer.with(slots: []) : nil)
        let endValues = net.parameters + net.state + optimizer.slots
        if !faults.forgetKeptReplica { kept.keep(run: body.run, fingerprint: totals.fingerprint, values: endValues) }
        return Output(reply: reply, end: body.sendsEnd ? ByteCoding.floats(endValues) : nil)
    }
}

/// The task kind that only makes its worker fetch (and keep, in its blob cache) the blobs it lists:
/// a data-parallel run's input pages, fetched before a new ring member's first epoch.
public struct ReplicaPrefetchKind: TaskKind {
    public static let name = "replica-prefetch"
    public static let version = 1
    /// Its point is the worker's cache: not pure (a copy elsewhere would warm the wrong worker).
    public static let isPure = false

    public struct Parameters: Codable, Equatable, Sendable {
        public init() {}
    }

    public struct Output: Codable, Equatable, Sendable {}

    public init() {}

    public func execute(_ parameters: Parameters, blobs: [TaskBlob], context: TaskContext) throws -> Output { Output() }
}

extension ReplicaEpochKind {
    /// The bytes of one float32 example of `shape`, or nil for an empty shape, a size below 1 or
    /// one past 2^28 values.
    static func exampleBytes(_ shape: [Int]) -> Int? {
        guard !shape.isEmpty, shape.count <= 8 else { return nil }
        return ByteCoding.elementCount(shape, allowingZero: false, limit: 1 << 28).map { $0 * 4 }
    }
}

/// The inputs of examples `indices` from pages of `perPage` whole examples of `shape` (pages
/// checked by the caller to hold their examples whole).
func gather(_ indices: [Int], from pages: [[UInt8]], perPage: Int, shape: [Int]) -> Tensor {
    let size = shape.reduce(1, *)
    var x = [Float](repeating: 0, count: indices.count * size)
    x.withUnsafeMutableBytes { out in
        for (k, i) in indices.enumerated() {
            let offset = (i % perPage) * size * 4
            pages[i / perPage].withUnsafeBytes { raw in
                out.baseAddress!.advanced(by: k * size * 4).copyMemory(from: raw.baseAddress!.advanced(by: offset), byteCount: size * 4)
            }
        }
    }
    return Tensor(shape: [indices.count] + shape, values: x)
}

/// A gang's channel as a replica's exchange.
final class GangExchange: ReplicaExchange {
    let channel: any GangChannel

    init(_ channel: any GangChannel) { self.channel = channel }

    func sum(_ values: inout [Float]) throws(TrainingError) {
        do { try channel.sum(&values) } catch { throw TrainingError("\(error)") }
    }

    func sum(_ values: inout [Double]) throws(TrainingError) {
        do { try channel.sum(&values) } catch { throw TrainingError("\(error)") }
    }

    func agree(on fingerprint: UInt64, step: Int) throws(TrainingError) {
        do { try channel.agree(on: fingerprint, what: "after step \(step)") } catch { throw TrainingError("\(error)") }
    }

    var communicationSeconds: Double { channel.communicationSeconds }
}

/// Faults a replica can be told to commit, so that tests reach the code that handles them (hidden
/// `intone worker --fault-...` options; never set in normal use).
public struct ReplicaFaults: Sendable {
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

/// The replica a worker ended its last epoch with (parameters, state and optimizer slots), so that
/// the next epoch of the same run can start from it without the job sending it again.
final class KeptReplica: @unchecked Sendable {
    // @unchecked Sendable: guarded by `lock`.
    private var run = ""
    private var fingerprint: UInt64 = 0
    private var kept: [Float]?
    private let lock = NSLock()

    func keep(run: String, fingerprint: UInt64, values: [Float]) {
        lock.withLock {
            self.run = run
            self.fingerprint = fingerprint
            kept = values
        }
    }

    /// The kept values if they are this run's and have this fingerprint.
    func values(run: String, fingerprint: UInt64) -> [Float]? {
        lock.withLock { self.run == run && self.fingerprint == fingerprint ? kept : nil }
    }
}
