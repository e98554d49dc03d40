import IntoneFormats

extension HistGradientBoostingModel: ArchivableClassifier {
    public static let archiveKind = "hist_gradient_boosting"

    /// All trees' node arrays concatenated (`tree_offsets` gives each tree's first node; iteration-major,
    /// `trees_per_iteration` per iteration), `baseline`, `classes`, and the bin thresholds per feature
    /// (`bin_thresholds` + `bin_threshold_offsets`). Leaf `value`s already include the learning rate.
    public func archivedWeights() -> ModelWeights {
        var offsets: [Int32] = [0]
        var feature: [Int32] = [], left: [Int32] = [], right: [Int32] = [], count: [Int32] = []
        var binThreshold: [Int32] = [], missingLeft: [Int32] = []
        var threshold: [Double] = [], value: [Double] = []
        for t in trees {
            feature += t.feature; left += t.left; right += t.right; count += t.count
            binThreshold += t.binThreshold.map(Int32.init); missingLeft += t.missingGoesLeft.map { $0 ? 1 : 0 }
            threshold += t.threshold; value += t.value
            offsets.append(Int32(feature.count))
        }
        var binOffsets: [Int32] = [0]
        var bins: [Double] = []
        for f in binner.thresholds { bins += f; binOffsets.append(Int32(bins.count)) }
        return ModelWeights(arrays: [
            "tree_offsets": .int32(offsets), "feature": .int32(feature), "threshold": .float64(threshold),
            "bin_threshold": .int32(binThreshold), "missing_go_to_left": .int32(missingLeft),
            "children_left": .int32(left), "children_right": .int32(right), "value": .float64(value), "count": .int32(count),
            "baseline": .float64(baseline), "classes": .int32(classes.map(Int32.init)),
            "bin_thresholds": .float64(bins), "bin_threshold_offsets": .int32(binOffsets),
        ], attributes: ["n_classes": .int(classCount), "trees_per_iteration": .int(treesPerIteration), "max_bins": .int(binner.maxBins)])
    }

    public init(archived w: ModelWeights) throws(LearningError) {
        let k = try ArchiveChecks.classCount(try w.int("n_classes"), what: "gradient boosting"), perIteration = try w.int("trees_per_iteration")
        let maxBins = try w.int("max_bins")
        let offsets = try w.int32s("tree_offsets").map(Int.init)
        let feature = try w.int32s("feature"), threshold = try w.array("threshold").doubles
        let binThreshold = try w.int32s("bin_threshold"), missing = try w.int32s("missing_go_to_left")
        let left = try w.int32s("children_left"), right = try w.int32s("children_right")
        let value = try w.array("value").doubles, count = try w.int32s("count")
        let n = feature.count
        guard [threshold.count, binThreshold.count, missing.count, left.count, right.count, value.count, count.count].allSatisfy({ $0 == n }),
              (1...100_000).contains(perIteration), offsets.count >= 1, (offsets.count - 1) % perIteration == 0, (2...65_536).contains(maxBins) else {
            throw LearningError("gradient boosting arrays are inconsistent")
        }
        var trees: [BoostedTree] = []
        var width = 0
        for (t, r) in try ArchiveChecks.ranges(offsets, total: n, what: "gradient boosting tree").enumerated() {
            width = max(width, try ArchiveChecks.tree(feature: feature[r], left: left[r], right: right[r], what: "boosted tree \(t + 1)"))
            trees.append(BoostedTree(feature: Array(feature[r]), threshold: Array(threshold[r]),
                                     binThreshold: binThreshold[r].map { UInt8(clamping: $0) }, missingGoesLeft: missing[r].map { $0 != 0 },
                                     left: Array(left[r]), right: Array(right[r]), value: Array(value[r]), count: Array(count[r])))
        }
        let bins = try w.array("bin_thresholds").doubles, binOffsets = try w.int32s("bin_threshold_offsets").map(Int.init)
        let thresholds = try ArchiveChecks.ranges(binOffsets, total: bins.count, what: "bin threshold").map { Array(bins[$0]) }
        guard width <= thresholds.count else { throw LearningError("gradient boosting reads feature \(width - 1) but bins \(thresholds.count) features") }
        // `classes` are the classes seen in training (a corpus may lack one of the k): increasing,
        // within 0..<k, and one tree per class and iteration (one for two classes).
        let classes = try w.int32s("classes").map(Int.init)
        guard classes.count >= 2, zip(classes, classes.dropFirst()).allSatisfy({ $0 < $1 }), classes.allSatisfy({ (0..<k).contains($0) }),
              perIteration == (classes.count == 2 ? 1 : classes.count), try w.array("baseline").doubles.count == perIteration else {
            throw LearningError("gradient boosting classes or baseline are inconsistent")
        }
        self.init(classCount: k, classes: try w.int32s("classes").map(Int.init), treesPerIteration: perIteration,
                  baseline: try w.array("baseline").doubles, trees: trees, binner: FeatureBinner(maxBins: maxBins, thresholds: thresholds),
                  trainScore: [], validationScore: [])
    }

    public var archivedInputWidth: Int { (trees.lazy.compactMap { $0.feature.max() }.max().map { Int($0) } ?? -1) + 1 }
}
