import Foundation
import IntoneEngine
import IntoneFormats
import IntoneNeural

/// Data-parallel epochs on a ring of workers (`intone train --local-workers / --bind / --cluster`,
/// the default `--allreduce ring`): each epoch, one `ReplicaEpochKind` task per ring rank, pinned to
/// one of the placement's gang workers (workers that serve a ring endpoint). The replicas step through the epoch together, summing their
/// gradients around the ring every step; the job only ships the epoch's start (and, once per run,
/// the training inputs), and gets back the epoch's end from rank 1.
///
/// Failure: a rank that hears nothing from its predecessor for the step timeout fails its task and
/// tells its successor, so a lost worker breaks the ring everywhere within one timeout. The epoch
/// is then rolled back (run again from its start, which the job holds) on a ring re-formed from the
/// workers left, with the same shards spread over fewer ranks: the result stays close to the
/// uninterrupted run (only the order of the sums changes). Workers that join are taken in at the
/// next epoch. When the ranks cannot reach each other at all (a firewall between workers), the run
/// falls back to the coordinator-centred exchange (`PlacedGradientComputer`) for good.
public final class RingEpochRunner: ReplicaEpochRunner, @unchecked Sendable {
    // @unchecked Sendable: `pages` and `disabled` are guarded by `lock`.
    let placement: any Placement
    let waitForWorkers: Double
    /// Seconds a rank waits for its predecessor before the ring is declared broken.
    public let stepTimeout: Double
    /// Steps between parameter agreement checks within an epoch (always at its end).
    public let checkEvery: Int
    /// Seconds to wait, at the first epoch, for as many ring workers as shards (or as
    /// `expectedWorkers`): 15, or `waitForWorkers` if that is shorter.
    public var gatherSeconds: Double { min(15, waitForWorkers) }
    /// Workers known to be coming (`--local-workers`), if known.
    public var expectedWorkers: Int? {
        get { lock.withLock { expected } }
        set { lock.withLock { expected = newValue } }
    }
    private var expected: Int?
    /// Attempts per epoch before the run stops.
    public var maxAttempts = 4
    /// Batch normalisation over the global batch (`--sync-batch-norm`): needs the ring, so the run
    /// stops rather than fall back to the coordinator.
    public let syncBatchNorm: Bool
    let log: @Sendable (String) -> Void
    private let lock = NSLock()
    private var pages: Pages?
    private var disabled = false
    private var epochsRun = 0
    private var lastRing: [GangWorker] = []
    /// Workers that hold the input pages.
    private var warmed: Set<String> = []
    /// The last epoch's end fingerprint and the workers that hold it (their `KeptReplica`).
    private var lastEnd: (fingerprint: UInt64, workers: Set<String>)?
    /// This run's id, which names the replicas workers keep.
    private let run = "\(UInt64.random(in: 0 ... .max))"

    /// The training and validation inputs in pages of whole examples (content-addressed blobs).
    struct Pages {
        var train: [String]
        var validation: [String]
        var blobs: [String: [UInt8]]
        var examplesPerPage: Int
    }

    /// Most bytes in one page of training inputs.
    static let pageBytes = 32 << 20

    /// - Parameter waitForWorkers: seconds to wait for a first ring worker (the placement's own wait
    ///   for any worker applies to each batch).
    public init(placement: any Placement, waitForWorkers: Double = 60, stepTimeout: Double = 30, checkEvery: Int = 50,
                syncBatchNorm: Bool = false, log: @escaping @Sendable (String) -> Void = { _ in }) {
        self.syncBatchNorm = syncBatchNorm
        self.placement = placement
        self.waitForWorkers = waitForWorkers
        self.stepTimeout = stepTimeout
        self.checkEvery = checkEvery
        self.log = log
    }

    public func runEpoch(_ start: ReplicaEpochStart) throws(TrainingError) -> ReplicaEpochEnd? {
        if lock.withLock({ disabled }) { return nil }
        let pages = try inputPages(start.data)
        var excluded: Set<String> = []
        var reasons: [String] = []
        for attempt in 1...maxAttempts {
            let present = gatherPeers(wanted: min(start.shards, expectedWorkers ?? start.shards), first: lock.withLock { epochsRun == 0 } && attempt == 1)
            var peers = present.filter { !excluded.contains($0.worker) }
            if peers.isEmpty && !present.isEmpty {
                // Every worker here was suspected (the coordinator itself stalled and reaped them all,
                // say), and they are back: try them again rather than give up.
                excluded = []
                peers = present
            }
            if peers.isEmpty {
                if attempt == 1 && excluded.isEmpty {
                    if syncBatchNorm {
                        throw TrainingError("--sync-batch-norm needs workers on a ring, and no ring workers are known to this job "
                                            + "(none announced a ring endpoint, or a --cluster coordinator does not share them)")
                    }
                    log("no ring workers known to this job (none announced a ring endpoint, or a --cluster coordinator does not share them); "
                        + "exchanging gradients through the coordinator")
                    lock.withLock { disabled = true }
                    return nil
                }
                throw TrainingError("epoch \(start.epoch + 1): no worker left to train on (\(reasons.joined(separator: "; ")))")
            }
            let ring = Array(peers.prefix(start.shards))
            if lock.withLock({ () -> Bool in defer { lastRing = ring }; return lastRing != ring }) {
                log("epoch \(start.epoch + 1): ring of \(ring.count) worker\(ring.count == 1 ? "" : "s"): "
                    + ring.map { "\($0.worker) (\($0.endpoint.split(separator: " ").first ?? ""))" }.joined(separator: ", "))
            }
            try warm(ring, pages: pages)
            switch try attemptEpoch(start, ring: ring, pages: pages, attempt: attempt) {
            case .success(let end):
                lock.withLock { epochsRun += 1 }
                return end
            case .failure(let failure):
                reasons.append(failure.summary)
                if let diverged = failure.reasons.keys.sorted().lazy.compactMap({ failure.reasons[$0] }).first(where: { $0.contains("replicas disagree") }) {
                    throw TrainingError("epoch \(start.epoch + 1): \(diverged)")
                }
                let stillThere = Set(placement.gangWorkers.map(\.worker))
                if failure.unreachable && ring.allSatisfy({ stillThere.contains($0.worker) }) && ring.count > 1 {
                    if syncBatchNorm {
                        throw TrainingError("epoch \(start.epoch + 1): the ring workers cannot reach each other (\(failure.summary)), "
                                            + "and --sync-batch-norm needs the ring; let the workers reach each other's --ring-bind ports")
                    }
                    log("epoch \(start.epoch + 1): the ring workers cannot reach each other (\(failure.summary)); exchanging gradients through the coordinator from now on")
                    lock.withLock { disabled = true }
                    return nil
                }
                excluded.formUnion(failure.suspects)
                for p in ring where !stillThere.contains(p.worker) { excluded.insert(p.worker) }
                log("epoch \(start.epoch + 1), attempt \(attempt): the ring of \(ring.count) broke (\(failure.summary)); "
                    + "rolling back to the epoch's start on the workers left")
            }
        }
        throw TrainingError("epoch \(start.epoch + 1) failed \(maxAttempts) times on the ring: \(reasons.joined(separator: "; "))")
    }

    /// Has every worker of `ring` not yet holding the input pages fetch them, with a pinned task
    /// that needs them and does nothing else, so that the ranks of an epoch start together instead
    /// of some waiting a step timeout for others still fetching data. A worker that cannot is left
    /// for the epoch's own attempt to find out about.
    func warm(_ ring: [GangWorker], pages: Pages) throws(TrainingError) {
        let cold = ring.filter { !lock.withLock { warmed }.contains($0.worker) }
        guard !cold.isEmpty else { return }
        let session = UInt64.random(in: 0 ... .max)
        let tasks = cold.map { ReplicaPrefetchKind.task(id: "replica-prefetch-\(session)-\($0.worker)", .init(), blobs: pages.train + pages.validation,
                                                        pinnedTo: $0.worker) }
        let done = ResultSlots<Bool>(count: cold.count)
        let index = Dictionary(uniqueKeysWithValues: tasks.enumerated().map { ($1.id, $0) })
        do {
            try placement.run(tasks, blobs: pages.blobs, completed: { id, _ in
                if let i = index[id] { done.set(i, true) }
            }, abandoned: { _, _ in })
        } catch {
            throw TrainingError("cluster: \(error)")
        }
        lock.withLock { for (i, p) in cold.enumerated() where done.get(i) == true { warmed.insert(p.worker) } }
    }

    /// Ring workers now; at the first epoch, waits up to `gatherSeconds` for `wanted` of them; when
    /// none is connected (at the start, or after a coordinator restart), up to `waitForWorkers` for one.
    func gatherPeers(wanted: Int, first: Bool) -> [GangWorker] {
        let begun = Date()
        var told = false
        while true {
            let peers = placement.gangWorkers
            let waited = Date().timeIntervalSince(begun)
            if peers.count >= wanted || (!first && !peers.isEmpty) || (!peers.isEmpty && waited >= gatherSeconds) { return peers }
            if waited >= waitForWorkers { return peers }
            // After a broken ring with no worker left (a restarted coordinator that the workers have
            // not rejoined yet, say), wait for them as long as for the first one.
            if !first && peers.isEmpty && waited >= 2 && !told {
                log("no ring worker connected; waiting up to \(Int(waitForWorkers)) s for workers to (re)join")
                told = true
            }
            Thread.sleep(forTimeInterval: 0.05)
        }
    }

    struct AttemptFailure: Error {
        var reasons: [Int: String]
        /// Workers named as silent or lost.
        var suspects: Set<String>
        var unreachable: Bool
        var summary: String { reasons.keys.sorted().map { "rank \($0 + 1): \(reasons[$0]!)" }.joined(separator: "; ") }
    }

    /// One try at the epoch on `ring`.
    func attemptEpoch(_ start: ReplicaEpochStart, ring: [GangWorker], pages: Pages, attempt: Int) throws(TrainingError) -> Result<ReplicaEpochEnd, AttemptFailure> {
        let net = start.network
        // Workers that ended the previous epoch in the ring hold this start already (first attempt only).
        let startFingerprint = ReplicaTraining.fingerprint(net)
        let holders = lock.withLock { lastEnd?.fingerprint == startFingerprint && attempt == 1 ? lastEnd!.workers : [] }
        var blobs = pages.blobs
        var snapshotHash = ""
        if !ring.allSatisfy({ holders.contains($0.worker) }) {
            let snapshot = ByteCoding.floats(net.parameters + net.state + start.optimizer.slots)
            snapshotHash = SHA256.hex(of: snapshot)
            blobs[snapshotHash] = snapshot
        }
        let session = "\(start.epoch)-\(UInt64.random(in: 0 ... .max))-\(UInt64.random(in: 0 ... .max))"
        let members = ring.map(\.endpoint)
        let labels = start.data.labels(start.data.train), validationLabels = start.data.labels(start.data.validation)
        let chunk = Trainer.evaluationChunk(batchSize: start.batchSize)
        var tasks: [TaskSpec] = []
        var rankOf: [String: Int] = [:]
        for (rank, peer) in ring.enumerated() {
            let plan = ReplicaEpochPlan(epoch: start.epoch, batchSize: start.batchSize, shards: start.shards,
                                        ownedShards: Array(stride(from: rank, to: start.shards, by: ring.count)), seed: start.seed, checkEvery: checkEvery,
                                        syncBatchNorm: syncBatchNorm)
            let body = ReplicaEpochKind.Parameters(config: start.configText, inputShape: net.inputShape, labels: labels,
                                             classWeights: start.classWeights, plan: plan, rank: rank, members: members, session: session,
                                             timeout: stepTimeout, optimizer: start.optimizer.with(slots: []),
                                             parameterCount: net.parameterCount, stateCount: net.stateCount,
                                             examplesPerPage: pages.examplesPerPage, sendsEnd: rank == 0,
                                             validationLabels: validationLabels, validationChunk: chunk, trainPages: pages.train.count,
                                             run: run, startFingerprint: startFingerprint, startShipped: !holders.contains(peer.worker))
            let id = "replica-\(session)-\(rank)"
            let start = holders.contains(peer.worker) ? [] : [snapshotHash]
            tasks.append(ReplicaEpochKind.task(id: id, body, blobs: start + pages.train + pages.validation, pinnedTo: peer.worker))
            rankOf[id] = rank
        }
        let results = ResultSlots<Result<ReplicaEpochKind.Output, TaskError>>(count: ring.count)
        let lookup = rankOf
        // Once a rank has failed, the others fail within a step timeout (they time out or hear its
        // abort); one that has not by then (queued behind another job's long task on its worker, say)
        // is given up, so the epoch never waits on it.
        let grace = stepTimeout + 10
        let watch = Watch()
        Thread.detachNewThread { [placement] in
            var firstFailure: Date?
            while !watch.isFinished {
                if firstFailure == nil && (0..<ring.count).contains(where: { if case .failure? = results.get($0) { return true } else { return false } }) {
                    firstFailure = Date()
                }
                if let f = firstFailure, Date().timeIntervalSince(f) > grace {
                    placement.withdrawTasks()
                    return
                }
                Thread.sleep(forTimeInterval: 0.1)
            }
        }
        defer { watch.finish() }
        do {
            try placement.run(ReplicaEpochKind.self, tasks, blobs: blobs) { id, outcome in
                if let r = lookup[id] { results.set(r, outcome) }
            }
        } catch {
            throw TrainingError("cluster: \(error)")
        }
        var replies: [ReplicaEpochKind.Reply] = []
        var failure = AttemptFailure(reasons: [:], suspects: [], unreachable: true)
        var firstEnd: [UInt8]?
        for rank in ring.indices {
            switch results.get(rank) {
            case .success(let output)?:
                replies.append(output.reply)
                if rank == 0 { firstEnd = output.end }
            case .failure(let error)?:
                failure.reasons[rank] = error.reason
                // Unreachable only if this rank's own handshake found no predecessor (not one that
                // heard another's abort): then every rank of a ring that cannot form says so.
                failure.unreachable = failure.unreachable && error.reason.hasPrefix("ring unreachable")
                if error.reason.contains("was lost") || error.reason.contains("is not connected") { failure.suspects.insert(ring[rank].worker) }
                if let silent = Self.silentRank(in: error.reason), silent >= 1, silent <= ring.count { failure.suspects.insert(ring[silent - 1].worker) }
            case nil:
                failure.reasons[rank] = "no reply within \(Int(grace)) s of the first failure"
                failure.unreachable = false
                failure.suspects.insert(ring[rank].worker)
            }
        }
        if !failure.reasons.isEmpty { return .failure(failure) }
        // Consistency: the replicas checked each other; the job checks their final fingerprints too.
        let prints = Set(replies.map(\.totals.fingerprint))
        guard prints.count == 1 else {
            throw TrainingError("epoch \(start.epoch + 1): the replicas ended with different parameters (fingerprints "
                                + replies.map { String($0.totals.fingerprint, radix: 16) }.joined(separator: ", ") + "); stopping rather than training diverged copies")
        }
        guard let optimizer = replies[0].optimizer, let end = firstEnd else {
            throw TrainingError("epoch \(start.epoch + 1): rank 1 did not send the epoch's end")
        }
        let values = ByteCoding.floats(from: end[...])
        let p = net.parameterCount, st = net.stateCount
        guard values.count >= p + st else { throw TrainingError("epoch \(start.epoch + 1): rank 1 sent \(values.count) values for \(p + st)") }
        let n = start.data.train.count
        let counted = replies.reduce(0) { $0 + $1.totals.count }
        guard counted == n else { throw TrainingError("epoch \(start.epoch + 1): the replicas trained on \(counted) examples of \(n)") }
        // Validation, chunk by chunk in order, as `Trainer.evaluate` sums it.
        let scores = replies.flatMap(\.validation).sorted { $0.index < $1.index }
        let v = start.data.validation.count
        guard scores.map(\.index) == Array(0..<((v + chunk - 1) / chunk)) else {
            throw TrainingError("epoch \(start.epoch + 1): the replicas validated chunks \(scores.map(\.index)) of \((v + chunk - 1) / chunk)")
        }
        var validationLoss = 0.0, validationCorrect = 0
        for s in scores {
            validationLoss += s.loss * Double(s.count)
            validationCorrect += s.correct
        }
        lock.withLock { lastEnd = (replies[0].totals.fingerprint, Set(ring.map(\.worker))) }
        return .success(ReplicaEpochEnd(parameters: Array(values[0..<p]), state: Array(values[p..<(p + st)]),
                                        optimizer: optimizer.with(slots: Array(values[(p + st)...])),
                                        lossSum: replies.reduce(0) { $0 + $1.totals.lossSum }, correct: replies.reduce(0) { $0 + $1.totals.correct },
                                        computeSeconds: replies.map(\.totals.computeSeconds).max() ?? 0,
                                        communicationSeconds: replies.map(\.totals.communicationSeconds).max() ?? 0, replicas: ring.count,
                                        validation: (validationLoss / Double(max(1, v)), Double(validationCorrect) / Double(max(1, v)))))
    }

    /// The rank (1-based) a failure names as silent ("no data from rank K").
    static func silentRank(in reason: String) -> Int? {
        guard let r = reason.range(of: "no data from rank ") else { return nil }
        return Int(reason[r.upperBound...].prefix { $0.isNumber })
    }

    /// The training and validation inputs in pages of whole examples, made once per run.
    func inputPages(_ data: SequenceData) throws(TrainingError) -> Pages {
        if let pages = lock.withLock({ pages }) { return pages }
        let size = data.inputShape.reduce(1, *)
        let perPage = max(1, Self.pageBytes / max(1, size * 4))
        var made = Pages(train: [], validation: [], blobs: [:], examplesPerPage: perPage)
        func paginate(_ examples: [SequenceData.Example]) throws(TrainingError) -> [String] {
            var hashes: [String] = []
            var start = 0
            while start < examples.count {
                let x: Tensor
                do { x = try data.batch(examples[start..<min(examples.count, start + perPage)]) } catch { throw TrainingError(error.description) }
                let bytes = ByteCoding.floats(x.values)
                let hash = SHA256.hex(of: bytes)
                hashes.append(hash)
                made.blobs[hash] = bytes
                start += perPage
            }
            return hashes
        }
        made.train = try paginate(data.train)
        made.validation = try paginate(data.validation)
        lock.withLock { pages = made }
        return made
    }
}

/// A flag a watchdog thread polls.
final class Watch: @unchecked Sendable {
    // @unchecked Sendable: guarded by `lock`.
    private var finished = false
    private let lock = NSLock()
    var isFinished: Bool { lock.withLock { finished } }
    func finish() { lock.withLock { finished = true } }
}
