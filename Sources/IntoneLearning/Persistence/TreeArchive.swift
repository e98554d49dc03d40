import IntoneFormats

extension DecisionTree: ArchivableClassifier {
    public static let archiveKind = "decision_tree"

    /// Arrays as scikit-learn's `tree_`: `feature`, `threshold`, `children_left`, `children_right` per node
    /// and `value` (nodes × classes, class probabilities).
    public func archivedWeights() -> ModelWeights {
        ModelWeights(arrays: [
            "feature": .int32(feature), "threshold": .float64(threshold),
            "children_left": .int32(left), "children_right": .int32(right),
            "value": .float64(value, shape: [nodeCount, classCount]),
        ], attributes: ["n_classes": .int(classCount)])
    }

    public init(archived w: ModelWeights) throws(LearningError) {
        let k = try ArchiveChecks.classCount(try w.int("n_classes"), what: "the decision tree")
        let feature = try w.int32s("feature")
        let threshold = try w.array("threshold").doubles
        let left = try w.int32s("children_left"), right = try w.int32s("children_right")
        let value = try w.array("value").doubles
        let n = feature.count
        _ = try ArchiveChecks.tree(feature: feature[...], left: left[...], right: right[...], what: "the decision tree")
        guard threshold.count == n, value.count == (try ArchiveChecks.product(n, k, what: "decision tree values")) else {
            throw LearningError("decision tree arrays are inconsistent")
        }
        self.init(feature: feature, threshold: threshold, left: left, right: right, value: value, classCount: k)
    }

    public var archivedInputWidth: Int { (feature.max().map { Int($0) } ?? -1) + 1 }
}

extension TreeEnsemble: ArchivableClassifier {
    public static let archiveKind = "tree_ensemble"

    /// All trees' node arrays concatenated, with `tree_offsets` (trees + 1 node offsets), per-tree
    /// `tree_weights`, and bagging's feature subsets as `feature_subsets` + `feature_subset_offsets`.
    public func archivedWeights() -> ModelWeights {
        var offsets: [Int32] = [0]
        var feature: [Int32] = [], left: [Int32] = [], right: [Int32] = []
        var threshold: [Double] = [], value: [Double] = []
        for t in trees {
            feature += t.feature; left += t.left; right += t.right; threshold += t.threshold; value += t.value
            offsets.append(Int32(feature.count))
        }
        var subsetOffsets: [Int32] = [0]
        var subsets: [Int32] = []
        for s in featureSubsets { subsets += s.map(Int32.init); subsetOffsets.append(Int32(subsets.count)) }
        return ModelWeights(arrays: [
            "tree_offsets": .int32(offsets), "feature": .int32(feature), "threshold": .float64(threshold),
            "children_left": .int32(left), "children_right": .int32(right),
            "value": .float64(value, shape: [feature.count, classCount]),
            "tree_weights": .float64(weights),
            "feature_subsets": .int32(subsets), "feature_subset_offsets": .int32(subsetOffsets),
        ], attributes: ["n_classes": .int(classCount), "combination": .string(combination.rawValue)])
    }

    public init(archived w: ModelWeights) throws(LearningError) {
        let k = try ArchiveChecks.classCount(try w.int("n_classes"), what: "the tree ensemble")
        guard let combination = Combination(rawValue: try w.string("combination")) else {
            throw LearningError("unknown tree ensemble combination")
        }
        let offsets = try w.int32s("tree_offsets").map(Int.init)
        let feature = try w.int32s("feature"), threshold = try w.array("threshold").doubles
        let left = try w.int32s("children_left"), right = try w.int32s("children_right")
        let value = try w.array("value").doubles
        let treeWeights = try w.array("tree_weights").doubles
        let subsets = try w.int32s("feature_subsets").map(Int.init)
        let subsetOffsets = try w.int32s("feature_subset_offsets").map(Int.init)
        guard offsets.count == treeWeights.count + 1, threshold.count == feature.count, left.count == feature.count, right.count == feature.count,
              value.count == (try ArchiveChecks.product(feature.count, k, what: "tree ensemble values")) else {
            throw LearningError("tree ensemble offsets are inconsistent")
        }
        let treeRanges = try ArchiveChecks.ranges(offsets, total: feature.count, what: "tree ensemble")
        let subsetRanges = subsetOffsets.isEmpty ? [] : try ArchiveChecks.ranges(subsetOffsets, total: subsets.count, what: "feature subset")
        guard subsetRanges.isEmpty || subsetRanges.count == treeRanges.count, subsets.allSatisfy({ $0 >= 0 }) else {
            throw LearningError("tree ensemble feature subsets are inconsistent")
        }
        var trees: [DecisionTree] = []
        for (t, r) in treeRanges.enumerated() {
            // A bagged tree's features index its subset.
            let width = try ArchiveChecks.tree(feature: feature[r], left: left[r], right: right[r], what: "tree \(t + 1)")
            if !subsetRanges.isEmpty && width > subsetRanges[t].count {
                throw LearningError("tree \(t + 1) reads feature \(width - 1) of a subset of \(subsetRanges[t].count)")
            }
            // Children indices are the tree's own (DecisionTree checks them again).
            trees.append(try DecisionTree(archived: ModelWeights(arrays: [
                "feature": .int32(Array(feature[r])), "threshold": .float64(Array(threshold[r])),
                "children_left": .int32(Array(left[r])), "children_right": .int32(Array(right[r])),
                "value": .float64(Array(value[(r.lowerBound * k)..<(r.upperBound * k)]), shape: [r.count, k]),
            ], attributes: ["n_classes": .int(k)])))
        }
        let featureSubsets = subsetRanges.map { Array(subsets[$0]) }
        self.init(trees: trees, weights: treeWeights, featureSubsets: featureSubsets, combination: combination, classCount: k)
    }

    public var archivedInputWidth: Int {
        if !featureSubsets.isEmpty { return (featureSubsets.joined().max() ?? -1) + 1 }
        return trees.map(\.archivedInputWidth).max() ?? 0
    }
}
