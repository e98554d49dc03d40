import IntoneRandom

/// Class balance of a training set, and the two usual remedies.
public enum ClassBalance {
    /// Examples per class (indexed by `Emotion.index`).
    public static func counts(_ labels: [Emotion]) -> [Emotion: Int] {
        var out: [Emotion: Int] = [:]
        for l in labels { out[l, default: 0] += 1 }
        return out
    }

    /// scikit-learn's `class_weight='balanced'`: `n_samples / (n_classes_present × count)` per present class.
    public static func balancedWeights(_ labels: [Emotion]) -> [Emotion: Double] {
        let c = counts(labels)
        let n = Double(labels.count), k = Double(c.count)
        return c.mapValues { n / (k * Double($0)) }
    }

    /// Indices into `labels` with minority classes oversampled (drawn with replacement, seeded) until
    /// every class has as many examples as the largest. Original indices come first, in order.
    /// Use on the training split only.
    public static func oversampledIndices(_ labels: [Emotion], seed: UInt64) -> [Int] {
        let c = counts(labels)
        let target = c.values.max() ?? 0
        var out = Array(labels.indices)
        var rng = SeededRandom(seed: seed, stream: "balance/oversample")
        for emotion in Emotion.allCases {
            guard let have = c[emotion], have < target else { continue }
            let members = labels.indices.filter { labels[$0] == emotion }
            for _ in 0..<(target - have) { out.append(members[rng.integer(below: members.count)]) }
        }
        return out
    }
}
