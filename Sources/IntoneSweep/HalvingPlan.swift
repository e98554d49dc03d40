import Foundation

/// The rounds of a sweep: one for grid and random search; several for successive halving
/// (scikit-learn's `HalvingGridSearchCV` with `resource='n_samples'`, `min_resources='exhaust'`).
///
/// Halving with C candidates and factor f needs `1 + ⌊log_f C⌋` rounds. The largest resource is the
/// training rows of a fold (development rows × (k−1)/k); the smallest is that divided by
/// `f^(rounds−1)`, but never under `2 × folds × 7` (scikit-learn's floor for 7 classes). Round i fits every
/// remaining candidate on `smallest × f^i` rows (the last round on all of them) and keeps the best
/// `⌈remaining / f⌉` by mean cross-validation score (ties: spec order).
struct HalvingPlan {
    private(set) var round = 0
    let rounds: Int
    let smallest: Int
    let largest: Int
    let factor: Int

    init(candidates: Int, samples: Int, folds: Int, search: SweepSpec.Search) {
        guard case .halving(let f) = search, candidates > 1 else {
            rounds = 1; smallest = 0; largest = 0; factor = 1
            return
        }
        factor = f
        largest = samples * (folds - 1) / folds
        let required = 1 + Int((log(Double(candidates)) / log(Double(f))).rounded(.down))
        let floorResource = 2 * folds * 7
        smallest = max(floorResource, largest / Int(pow(Double(f), Double(required - 1))))
        let possible = smallest > 0 && largest >= smallest ? 1 + Int((log(Double(largest / smallest)) / log(Double(f))).rounded(.down)) : 1
        rounds = max(1, min(required, possible))
    }

    var isLastRound: Bool { round >= rounds - 1 }

    /// Training rows per fit this round; `nil` means all of the training folds.
    var resourceForCurrentRound: Int? {
        guard factor > 1, !isLastRound else { return nil }
        let r = smallest * Int(pow(Double(factor), Double(round)))
        return r >= largest ? nil : r
    }

    mutating func advance() { round += 1 }

    /// The candidates that go on to the next round.
    func survivors(of candidates: [SweepRun.Candidate], results: [Trial: TrialResult], folds: Int) -> [SweepRun.Candidate] {
        let keep = Int((Double(candidates.count) / Double(factor)).rounded(.up))
        let resource = resourceForCurrentRound
        let scored = candidates.map { c -> (SweepRun.Candidate, Double) in
            let scores = (0..<folds).compactMap { results[Trial(estimator: c.estimator, parameters: c.parameters, fold: $0, resource: resource)]?.score }
            return (c, scores.isEmpty ? -.infinity : scores.reduce(0, +) / Double(scores.count))
        }
        return scored.sorted { $0.1 != $1.1 ? $0.1 > $1.1 : $0.0.order < $1.0.order }.prefix(keep).map(\.0).sorted { $0.order < $1.order }
    }
}
