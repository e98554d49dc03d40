import IntoneRandom

/// Grows one regression tree on gradients and hessians the way scikit-learn's `TreeGrower`
/// (`grower.py`) does: best first, always splitting the open node of largest gain.
///
/// - The root's histograms are built from all samples; after a split, the child with fewer samples
///   (the right one on ties) is built by scanning its samples and the other one is
///   `parent − sibling`, in the parent's buffer.
/// - A node becomes a leaf when it has fewer than `2 × min_samples_leaf` samples, when no split
///   has positive gain (the root also when its hessians sum below `min_hessian_to_split`), at
///   `max_depth`, or when `max_leaf_nodes` leaves exist (all open nodes are then closed).
/// - Leaf values are `−G / (H + l2_regularization)` times the learning rate; a root that never
///   splits has value 0, as in scikit-learn.
/// - Ties in gain between open nodes are broken as Python's `heapq` breaks them, so the order of
///   splits (and of feature sampling) replays scikit-learn's.
///
/// One grower is reused for every tree of a fit; it owns its buffers and is not shared across threads.
final class HistogramGrower {
    struct Settings {
        var maxLeafNodes: Int?
        var maxDepth: Int?
        var minSamplesLeaf: Int
        var l2Regularization: Double
        /// scikit-learn's `min_hessian_to_split` (not a public parameter of the classifier).
        var minHessianToSplit = 1e-3
        /// Learning rate.
        var shrinkage: Double
        /// `max_features`: fraction of features drawn for each split search.
        var featureFraction: Double
        /// `max_bins` (the root sums run over `max_bins + 1` bins, as scikit-learn's histograms).
        var maxBins: Int
    }

    private struct Node {
        var depth: Int
        var start: Int, stop: Int
        var sumGradients: Double, sumHessians: Double
        /// Unshrunk value: −G/(H + λ), 0 for the root.
        var value: Double
        var slot = -1
        var split = SplitCandidate()
        var isLeaf = false
        var left = -1, right = -1
        var count: Int { stop - start }
    }

    let settings: Settings
    let thresholds: [[Double]]
    private let histograms: GradientHistograms
    private let partition: UnsafeMutablePointer<Int32>
    private let scratch: UnsafeMutablePointer<Int32>
    private var nodes: [Node] = []
    private var heap: [Int] = []
    private var leaves: [Int] = []

    init(binned: BinnedMatrix, binner: FeatureBinner, settings: Settings) {
        self.settings = settings
        thresholds = binner.thresholds
        histograms = GradientHistograms(binned: binned, binCounts: binner.binCounts)
        partition = .allocate(capacity: max(1, binned.rows))
        scratch = .allocate(capacity: max(1, binned.rows))
    }

    deinit {
        partition.deallocate()
        scratch.deallocate()
    }

    /// Grows a tree on per-sample `gradients` and `hessians` (`samples` values each).
    func grow(gradients: UnsafePointer<Float>, hessians: UnsafePointer<Float>, random: inout SeededRandom) -> BoostedTree {
        let n = histograms.samples
        assert(histograms.allReleased, "HistogramGrower: a histogram slot leaked from the previous tree")
        for i in 0..<n { partition[i] = Int32(i) }
        nodes.removeAll(keepingCapacity: true)
        heap.removeAll(keepingCapacity: true)
        leaves.removeAll(keepingCapacity: true)

        let rootSlot = histograms.acquire()
        histograms.build(rootSlot, sampleIndices: partition, count: n, isRoot: true, gradients: gradients, hessians: hessians)
        let sumG = histograms.rootSum(rootSlot, component: 0, maxBins: settings.maxBins)
        let sumH = histograms.rootSum(rootSlot, component: 1, maxBins: settings.maxBins)
        nodes.append(Node(depth: 0, start: 0, stop: n, sumGradients: sumG, sumHessians: sumH, value: 0, slot: rootSlot))
        if n < 2 * settings.minSamplesLeaf || sumH < settings.minHessianToSplit {
            finalize(0)
        } else {
            findSplitAndPush(0, random: &random)
        }
        while !heap.isEmpty { splitNext(gradients: gradients, hessians: hessians, random: &random) }
        return makeTree()
    }

    /// Adds each leaf's (shrunk) value to `raw[sample * stride + column]` for the samples in it:
    /// the training raw predictions after the tree just grown.
    func addLeafValues(to raw: UnsafeMutablePointer<Double>, column: Int, stride: Int) {
        for l in leaves {
            let v = nodes[l].value * settings.shrinkage
            for i in nodes[l].start..<nodes[l].stop { raw[Int(partition[i]) * stride + column] += v }
        }
    }

    private func finalize(_ i: Int) {
        nodes[i].isLeaf = true
        if nodes[i].slot >= 0 { histograms.release(nodes[i].slot); nodes[i].slot = -1 }
        leaves.append(i)
    }

    private func findSplitAndPush(_ i: Int, random: inout SeededRandom) {
        var mask: [Bool]? = nil
        if settings.featureFraction < 1 {
            let d = histograms.features
            let drawn = max(1, Int((settings.featureFraction * Double(d)).rounded(.up)))
            mask = random.shuffled((0..<d).map { $0 < drawn })
        }
        let node = nodes[i]
        nodes[i].split = histograms.bestSplit(node.slot, count: node.count, sumGradients: node.sumGradients,
                                              sumHessians: node.sumHessians, value: node.value,
                                              minSamplesLeaf: settings.minSamplesLeaf, minHessian: settings.minHessianToSplit,
                                              l2: settings.l2Regularization, mask: mask)
        if nodes[i].split.gain <= 0 { finalize(i) } else { heapPush(i) }
    }

    private func splitNext(gradients: UnsafePointer<Float>, hessians: UnsafePointer<Float>, random: inout SeededRandom) {
        let p = heapPop()
        let parent = nodes[p]
        let split = parent.split
        let mid = partitionSamples(parent.start, parent.stop, feature: split.feature, bin: split.bin)
        let depth = parent.depth + 1
        let leafCount = leaves.count + heap.count + 2
        let l = nodes.count, r = l + 1
        nodes.append(Node(depth: depth, start: parent.start, stop: mid, sumGradients: split.sumGradientLeft,
                          sumHessians: split.sumHessianLeft, value: split.valueLeft))
        nodes.append(Node(depth: depth, start: mid, stop: parent.stop, sumGradients: split.sumGradientRight,
                          sumHessians: split.sumHessianRight, value: split.valueRight))
        nodes[p].left = l
        nodes[p].right = r
        nodes[p].slot = -1  // handed to the larger child or released below

        if let maxLeaves = settings.maxLeafNodes, leafCount == maxLeaves {
            histograms.release(parent.slot)
            finalize(l); finalize(r)
            while let open = heap.popLast() { finalize(open) }
            return
        }
        if let maxDepth = settings.maxDepth, depth == maxDepth {
            histograms.release(parent.slot)
            finalize(l); finalize(r)
            return
        }
        if nodes[l].count < 2 * settings.minSamplesLeaf { finalize(l) }
        if nodes[r].count < 2 * settings.minSamplesLeaf { finalize(r) }
        let splitLeft = !nodes[l].isLeaf, splitRight = !nodes[r].isLeaf
        guard splitLeft || splitRight else { histograms.release(parent.slot); return }

        let (small, large) = nodes[l].count < nodes[r].count ? (l, r) : (r, l)
        let slot = histograms.acquire()
        // A closed larger child needs no histogram; a closed smaller one only serves the subtraction.
        let largeOpen = !nodes[large].isLeaf
        histograms.build(slot, sampleIndices: partition + nodes[small].start, count: nodes[small].count, isRoot: false,
                         gradients: gradients, hessians: hessians, subtractingFrom: largeOpen ? parent.slot : nil)
        if largeOpen { nodes[large].slot = parent.slot } else { histograms.release(parent.slot) }
        if nodes[small].isLeaf { histograms.release(slot) } else { nodes[small].slot = slot }
        if splitLeft { findSplitAndPush(l, random: &random) }
        if splitRight { findSplitAndPush(r, random: &random) }
    }

    /// Stable partition of `partition[start..<stop]`: samples whose bin is ≤ `bin` first.
    /// Returns the index where the right child starts.
    private func partitionSamples(_ start: Int, _ stop: Int, feature: Int, bin: Int) -> Int {
        let column = histograms.bins + feature * histograms.samples
        let threshold = UInt8(bin)
        var w = start, k = 0
        for i in start..<stop {
            let s = partition[i]
            if column[Int(s)] <= threshold { partition[w] = s; w += 1 } else { scratch[k] = s; k += 1 }
        }
        (partition + w).update(from: scratch, count: k)
        return w
    }

    // MARK: Python heapq over node indices, "smaller" meaning larger gain.

    private func higher(_ a: Int, _ b: Int) -> Bool { nodes[a].split.gain > nodes[b].split.gain }

    private func heapPush(_ i: Int) {
        heap.append(i)
        siftDown(0, heap.count - 1)
    }

    private func heapPop() -> Int {
        let last = heap.removeLast()
        guard !heap.isEmpty else { return last }
        let top = heap[0]
        heap[0] = last
        siftUp(0)
        return top
    }

    private func siftDown(_ start: Int, _ position: Int) {
        var pos = position
        let item = heap[pos]
        while pos > start {
            let parentPos = (pos - 1) >> 1
            let parent = heap[parentPos]
            if higher(item, parent) { heap[pos] = parent; pos = parentPos; continue }
            break
        }
        heap[pos] = item
    }

    private func siftUp(_ position: Int) {
        var pos = position
        let end = heap.count, start = pos, item = heap[pos]
        var child = 2 * pos + 1
        while child < end {
            let right = child + 1
            if right < end && !higher(heap[child], heap[right]) { child = right }
            heap[pos] = heap[child]
            pos = child
            child = 2 * pos + 1
        }
        heap[pos] = item
        siftDown(start, pos)
    }

    // MARK: Output

    /// The grown tree in depth-first order (`_fill_predictor_arrays`), leaf values shrunk.
    private func makeTree() -> BoostedTree {
        var tree = BoostedTree(feature: [], threshold: [], binThreshold: [], missingGoesLeft: [], left: [], right: [], value: [], count: [])
        func emit(_ i: Int) -> Int32 {
            let node = nodes[i]
            let id = tree.feature.count
            tree.count.append(Int32(node.count))
            tree.left.append(-1); tree.right.append(-1)
            if node.isLeaf {
                tree.feature.append(-1); tree.threshold.append(0); tree.binThreshold.append(0)
                tree.missingGoesLeft.append(false)
                tree.value.append(node.value * settings.shrinkage)
                return Int32(id)
            }
            let f = node.split.feature, b = node.split.bin
            tree.feature.append(Int32(f))
            tree.threshold.append(b < thresholds[f].count ? thresholds[f][b] : .infinity)
            tree.binThreshold.append(UInt8(b))
            tree.missingGoesLeft.append(nodes[node.left].count > nodes[node.right].count)
            tree.value.append(0)
            let l = emit(node.left)
            tree.left[id] = l
            let r = emit(node.right)
            tree.right[id] = r
            return Int32(id)
        }
        _ = emit(0)
        return tree
    }
}
