import Foundation
import IntoneConfig
import Yams

/// How a sweep stops deep trials early: the rungs (epoch counts at which trials are compared) and
/// the rule that decides, at each rung, which go on. The spec's `pruning:` mapping, with Ray Tune's
/// names:
///
/// ```yaml
/// pruning:
///   scheduler: asha          # asha (asynchronous successive halving), median or none (the default)
///   grace_period: 1          # epochs before the first rung
///   reduction_factor: 3      # rungs at grace_period × 3^k epochs; asha keeps the best third at each
///   min_samples_required: 3  # median: earlier trials needed at a rung before any is stopped there
/// ```
///
/// Decisions are asynchronous (no rung waits for every trial) and deterministic: the decision for a
/// trial at a rung looks at the trials before it in spec order that reached the rung, not at the
/// ones that happened to arrive first, so a sweep makes the same promotions on one thread, on
/// many workers, and after a resume (see `RungLedger`).
public struct PruningSchedule: Equatable, Sendable {
    public enum Rule: String, Equatable, Sendable, CaseIterable {
        case none, asha, median
    }

    public var rule: Rule = .none
    public var gracePeriod = 1
    public var reductionFactor = 3
    public var minSamplesRequired = 3

    public init() {}

    /// The epoch counts at which a trial of `epochs` epochs is compared with the others, ascending,
    /// the last being `epochs` (with no rule: `[epochs]` only).
    public func rungs(epochs: Int) -> [Int] {
        guard rule != .none else { return [epochs] }
        var out: [Int] = []
        var r = gracePeriod
        while r < epochs {
            out.append(r)
            r *= reductionFactor
        }
        return out + [epochs]
    }

    /// What best.json and the report call it.
    public var summary: String {
        switch rule {
        case .none: return "none"
        case .asha: return "asha(grace_period=\(gracePeriod), reduction_factor=\(reductionFactor))"
        case .median: return "median(grace_period=\(gracePeriod), reduction_factor=\(reductionFactor), min_samples_required=\(minSamplesRequired))"
        }
    }

    static func parse(_ node: Node, file: String) throws(ConfigFileError) -> PruningSchedule {
        let reader = ConfigReader(file: file)
        var p = PruningSchedule()
        try reader.mapping(node, keys: ["scheduler", "grace_period", "reduction_factor", "min_samples_required"]) { key, v throws(ConfigFileError) in
            switch key {
            case "scheduler": p.rule = try reader.choice(v, Rule.self)
            case "grace_period": p.gracePeriod = try reader.int(v, min: 1)
            case "reduction_factor": p.reductionFactor = try reader.int(v, min: 2)
            default: p.minSamplesRequired = try reader.int(v, min: 1)
            }
        }
        return p
    }
}

/// Where each deep candidate stands, given the rung results known so far: a pure function of those
/// results, so every placement and every resume reaches the same decisions.
///
/// Candidate `i` reaches rung 0; it reaches rung `m + 1` if it is promoted at rung `m`. The decision
/// at rung `m` is made once `i`'s own folds have all reported at `m` and every candidate before it
/// (spec order) is settled there: it reached `m` and reported, or it ended before `m`. Among the
/// candidates `j ≤ i` that reached `m` (those that ended at `m` included):
/// - asha: `i` is promoted if it ranks in the best `max(1, ⌊n / reduction_factor⌋)` of them (ties:
///   spec order). The first candidate is thus always trained to the end, as in ASHA, where the
///   first trial at a rung is promoted while no other is there.
/// - median: `i` is promoted if fewer than `min_samples_required` others reached `m`, or if its
///   score is at least their median.
/// A candidate whose rungs end at `m` (its epochs), or whose folds all stopped early (Keras's
/// EarlyStopping) by then, is finished at `m`.
public struct RungLedger: Sendable {
    public enum Standing: Equatable, Sendable {
        /// Trains toward rung `m` (some fold's result there is missing).
        case training(rung: Int)
        /// Reported at rung `m`; its decision waits for candidates before it.
        case waiting(rung: Int)
        /// Pruned at rung `m`.
        case stopped(rung: Int)
        /// Trained to its end; its last rung is `m`.
        case finished(rung: Int)
    }

    /// Per candidate, per rung: the mean score over its folds, once every fold reported (else nil).
    public var scores: [[Double?]]
    /// Per candidate, per rung: whether it ends there (its last rung, or every fold stopped early).
    public var ends: [[Bool]]
    public let schedule: PruningSchedule

    public init(scores: [[Double?]], ends: [[Bool]], schedule: PruningSchedule) {
        self.scores = scores
        self.ends = ends
        self.schedule = schedule
    }

    /// Every candidate's standing.
    public func standings() -> [Standing] {
        let n = scores.count
        var standing = [Standing](repeating: .training(rung: 0), count: n)
        let rungCount = scores.map(\.count).max() ?? 0
        for m in 0..<rungCount {
            var pool: [(index: Int, score: Double)] = []
            var blocked = false
            for i in 0..<n {
                // Did i reach rung m? Only if it was promoted at m − 1 (everyone reaches rung 0).
                guard case .training(let r) = standing[i], r == m else {
                    switch standing[i] {
                    case .stopped(let r) where r < m, .finished(let r) where r < m: break   // settled: ended before m
                    default: blocked = true                                                   // unknown whether it reaches m
                    }
                    continue
                }
                guard m < scores[i].count, let score = scores[i][m] else { blocked = true; continue }
                pool.append((i, score))
                if ends[i][m] { standing[i] = .finished(rung: m); continue }
                if blocked { standing[i] = .waiting(rung: m); continue }
                standing[i] = promoted(i, score: score, pool: pool) ? .training(rung: m + 1) : .stopped(rung: m)
            }
        }
        return standing
    }

    func promoted(_ i: Int, score: Double, pool: [(index: Int, score: Double)]) -> Bool {
        switch schedule.rule {
        case .none:
            return true
        case .asha:
            let keep = max(1, pool.count / schedule.reductionFactor)
            let better = pool.filter { $0.score > score || ($0.score == score && $0.index < i) }.count
            return better < keep
        case .median:
            let others = pool.filter { $0.index != i }.map(\.score).sorted()
            if others.count < schedule.minSamplesRequired { return true }
            let mid = others.count / 2
            let median = others.count % 2 == 1 ? others[mid] : (others[mid - 1] + others[mid]) / 2
            return score >= median
        }
    }
}
