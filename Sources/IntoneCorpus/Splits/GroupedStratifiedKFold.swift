import IntoneRandom

/// Cross-validation folds that keep every group (speaker) in one fold and keep each fold's class
/// proportions close to the whole set's: scikit-learn's `StratifiedGroupKFold(shuffle=True)` method.
///
/// Groups are shuffled (seeded), then taken in order of decreasing spread of their class counts
/// (stable sort), and each is put into the fold that minimises the mean over classes of the standard
/// deviation, across folds, of the fold's share of that class; ties go to the fold with fewer samples,
/// then the lower index.
public enum GroupedStratifiedKFold {
    /// The fold (0..<k) of each example.
    ///
    /// - Parameters:
    ///   - labels: class index of each example.
    ///   - groups: group key of each example (the speaker).
    ///   - k: number of folds (≥ 2). With fewer groups than `k`, some folds are empty.
    ///   - seed: shuffle seed.
    public static func folds(labels: [Int], groups: [String], k: Int, seed: UInt64) -> [Int] {
        precondition(labels.count == groups.count && k >= 2)
        let classes = (labels.max() ?? -1) + 1
        var classTotals = [Double](repeating: 0, count: classes)
        for l in labels { classTotals[l] += 1 }
        var groupCounts: [String: [Double]] = [:]
        for (l, g) in zip(labels, groups) { groupCounts[g, default: [Double](repeating: 0, count: classes)][l] += 1 }
        var rng = SeededRandom(seed: seed, stream: "kfold/groups")
        let shuffled = rng.shuffled(groupCounts.keys.sorted())
        let ordered = shuffled.enumerated().sorted { a, b in
            let sa = std(groupCounts[a.element]!), sb = std(groupCounts[b.element]!)
            return sa != sb ? sa > sb : a.offset < b.offset
        }.map(\.element)

        var foldCounts = [[Double]](repeating: [Double](repeating: 0, count: classes), count: k)
        var foldOf: [String: Int] = [:]
        for g in ordered {
            let counts = groupCounts[g]!
            var best = -1
            var bestEval = Double.infinity
            var bestSize = Double.infinity
            for f in 0..<k {
                var trial = foldCounts
                for c in 0..<classes { trial[f][c] += counts[c] }
                var eval = 0.0
                for c in 0..<classes where classTotals[c] > 0 {
                    eval += std(trial.map { $0[c] / classTotals[c] })
                }
                eval /= Double(max(classes, 1))
                let size = foldCounts[f].reduce(0, +)
                if eval < bestEval - 1e-12 || (abs(eval - bestEval) <= 1e-12 && size < bestSize) {
                    best = f; bestEval = eval; bestSize = size
                }
            }
            foldOf[g] = best
            for c in 0..<classes { foldCounts[best][c] += counts[c] }
        }
        return groups.map { foldOf[$0]! }
    }

    private static func std(_ x: [Double]) -> Double {
        guard !x.isEmpty else { return 0 }
        let mean = x.reduce(0, +) / Double(x.count)
        return (x.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(x.count)).squareRoot()
    }
}
