import IntoneRandom

/// Grows a CART classification tree the way scikit-learn's `DecisionTreeClassifier` does (Gini impurity,
/// best splitter, depth first), with optional sample weights.
///
/// At each node the features are drawn in a random order (seeded) and examined until `max_features`
/// non-constant ones have been seen; on each, samples are sorted by value and every boundary between
/// distinct values (more than 1e-7 apart) whose children keep `min_samples_leaf` samples is scored by
/// the weighted Gini impurity of the children. The best split (the first found on ties) thresholds at
/// the midpoint `a/2 + b/2` of the two values (or `a` if the midpoint rounds to `b`). Samples with zero
/// weight take no part. A node becomes a leaf when it is pure, at `max_depth`, or too small.
public enum TreeBuilder {
    static let featureThreshold: Float = 1e-7

    /// Fits a tree to `data` (all rows) with optional per-sample weights.
    public static func fit(_ data: Dataset, sampleWeight: [Double]? = nil, parameters: TreeParameters, random: inout SeededRandom) -> DecisionTree {
        let n = data.count, d = data.featureCount, k = data.classCount
        let weights = sampleWeight ?? [Double](repeating: 1, count: n)
        var samples = (0..<n).filter { weights[$0] != 0 }
        let minSplit = max(2, parameters.minSamplesSplit.resolvedCeiling(of: samples.count))
        let minLeaf = max(1, parameters.minSamplesLeaf.resolvedCeiling(of: samples.count))
        let maxFeatures = parameters.maxFeatures.resolved(for: d)
        let maxDepth = parameters.maxDepth ?? Int.max

        var tree = DecisionTree(feature: [], threshold: [], left: [], right: [], value: [], classCount: k)
        let x = data.features.values
        let y = data.labels

        // Work stack of (start, end, depth, parent, isLeft) over `samples`.
        struct Pending { let start: Int; let end: Int; let depth: Int; let parent: Int; let isLeft: Bool }
        var stack = [Pending(start: 0, end: samples.count, depth: 0, parent: -1, isLeft: false)]
        var values = [Float](repeating: 0, count: samples.count)
        var order = [Int](repeating: 0, count: samples.count)
        var featureOrder = Array(0..<d)

        while let node = stack.popLast() {
            let count = node.end - node.start
            var classWeights = [Double](repeating: 0, count: k)
            for s in samples[node.start..<node.end] { classWeights[y[s]] += weights[s] }
            let total = classWeights.reduce(0, +)
            let impurity = gini(classWeights, total: total)
            let id = tree.feature.count
            tree.feature.append(-1); tree.threshold.append(-2); tree.left.append(-1); tree.right.append(-1)
            tree.value.append(contentsOf: classWeights.map { total > 0 ? $0 / total : 0 })
            if node.parent >= 0 {
                if node.isLeft { tree.left[node.parent] = Int32(id) } else { tree.right[node.parent] = Int32(id) }
            }
            if node.depth >= maxDepth || count < minSplit || count < 2 * minLeaf || impurity <= 1e-7 { continue }

            // Search the best split.
            var bestScore = -Double.infinity
            var bestFeature = -1
            var bestThreshold = 0.0
            var visited = 0
            var remaining = d
            while remaining > 0 && visited < maxFeatures {
                // Draw the next feature uniformly from those not yet drawn (Fisher–Yates step).
                let j = random.integer(below: remaining)
                featureOrder.swapAt(j, remaining - 1)
                let f = featureOrder[remaining - 1]
                remaining -= 1
                for (i, s) in samples[node.start..<node.end].enumerated() { order[i] = s; values[i] = x[s * d + f] }
                // Sort this node's samples by the feature's value (stable on index for determinism).
                var idx = Array(0..<count)
                idx.sort { values[$0] != values[$1] ? values[$0] < values[$1] : order[$0] < order[$1] }
                let sortedValues = idx.map { values[$0] }
                if sortedValues[count - 1] <= sortedValues[0] + featureThreshold { continue }  // constant
                visited += 1
                var leftWeights = [Double](repeating: 0, count: k)
                var leftTotal = 0.0
                for p in 1..<count {
                    let s = order[idx[p - 1]]
                    leftWeights[y[s]] += weights[s]
                    leftTotal += weights[s]
                    if sortedValues[p] <= sortedValues[p - 1] + featureThreshold { continue }
                    if p < minLeaf || count - p < minLeaf { continue }
                    let rightTotal = total - leftTotal
                    var sqLeft = 0.0, sqRight = 0.0
                    for c in 0..<k {
                        sqLeft += leftWeights[c] * leftWeights[c]
                        let r = classWeights[c] - leftWeights[c]
                        sqRight += r * r
                    }
                    // Proxy of the impurity decrease: −(W_l·gini_l + W_r·gini_r) up to a constant.
                    let score = (leftTotal > 0 ? sqLeft / leftTotal : 0) + (rightTotal > 0 ? sqRight / rightTotal : 0)
                    if score > bestScore {
                        bestScore = score
                        bestFeature = f
                        let a = Double(sortedValues[p - 1]), b = Double(sortedValues[p])
                        var t = a / 2 + b / 2
                        if t == b || t.isInfinite { t = a }
                        bestThreshold = t
                    }
                }
            }
            if bestFeature < 0 { continue }
            // Partition the node's samples: left are those with value <= threshold.
            var leftPart: [Int] = [], rightPart: [Int] = []
            for s in samples[node.start..<node.end] {
                if Double(x[s * d + bestFeature]) <= bestThreshold { leftPart.append(s) } else { rightPart.append(s) }
            }
            samples.replaceSubrange(node.start..<node.end, with: leftPart + rightPart)
            tree.feature[id] = Int32(bestFeature)
            tree.threshold[id] = bestThreshold
            let mid = node.start + leftPart.count
            // Push right first so the left subtree is built first (depth-first, left to right).
            stack.append(Pending(start: mid, end: node.end, depth: node.depth + 1, parent: id, isLeft: false))
            stack.append(Pending(start: node.start, end: mid, depth: node.depth + 1, parent: id, isLeft: true))
        }
        return tree
    }

    static func gini(_ w: [Double], total: Double) -> Double {
        guard total > 0 else { return 0 }
        var s = 0.0
        for v in w { s += (v / total) * (v / total) }
        return 1 - s
    }
}
