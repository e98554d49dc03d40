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
        let k = try w.int("n_classes")
        let feature = try w.array("feature").int32s
        let threshold = try w.array("threshold").doubles
        let left = try w.array("children_left").int32s, right = try w.array("children_right").int32s
        let value = try w.array("value").doubles
        let n = feature.count
        guard n > 0, threshold.count == n, left.count == n, right.count == n, value.count == n * k,
              left.allSatisfy({ $0 < n }), right.allSatisfy({ $0 < n }),
              feature.indices.allSatisfy({ feature[$0] < 0 || (left[$0] > $0 && right[$0] > $0) }) else {
            throw LearningError("decision tree arrays are inconsistent")
        }
        self.init(feature: feature, threshold: threshold, left: left, right: right, value: value, classCount: k)
    }
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
        let k = try w.int("n_classes")
        guard let combination = Combination(rawValue: try w.string("combination")) else {
            throw LearningError("unknown tree ensemble combination")
        }
        let offsets = try w.array("tree_offsets").int32s.map(Int.init)
        let feature = try w.array("feature").int32s, threshold = try w.array("threshold").doubles
        let left = try w.array("children_left").int32s, right = try w.array("children_right").int32s
        let value = try w.array("value").doubles
        let treeWeights = try w.array("tree_weights").doubles
        let subsets = try w.array("feature_subsets").int32s.map(Int.init)
        let subsetOffsets = try w.array("feature_subset_offsets").int32s.map(Int.init)
        guard offsets.count == treeWeights.count + 1, offsets.last == feature.count else {
            throw LearningError("tree ensemble offsets are inconsistent")
        }
        var trees: [DecisionTree] = []
        for t in 0..<treeWeights.count {
            let r = offsets[t]..<offsets[t + 1]
            trees.append(try DecisionTree(archived: ModelWeights(arrays: [
                "feature": .int32(Array(feature[r])), "threshold": .float64(Array(threshold[r])),
                "children_left": .int32(Array(left[r])), "children_right": .int32(Array(right[r])),
                "value": .float64(Array(value[(r.lowerBound * k)..<(r.upperBound * k)]), shape: [r.count, k]),
            ], attributes: ["n_classes": .int(k)])))
        }
        var featureSubsets: [[Int]] = []
        for i in 0..<max(0, subsetOffsets.count - 1) { featureSubsets.append(Array(subsets[subsetOffsets[i]..<subsetOffsets[i + 1]])) }
        self.init(trees: trees, weights: treeWeights, featureSubsets: featureSubsets, combination: combination, classCount: k)
    }
}
