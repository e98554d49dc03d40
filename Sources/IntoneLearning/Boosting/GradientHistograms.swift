/// The best split of one node: feature, bin and the gradient statistics of both children
/// (scikit-learn's `SplitInfo`).
struct SplitCandidate {
    /// Loss reduction; −1 when no split satisfies the constraints.
    var gain = -1.0
    var feature = 0
    /// Samples with `bin ≤ self.bin` go left.
    var bin = 0
    var sumGradientLeft = 0.0, sumHessianLeft = 0.0
    var sumGradientRight = 0.0, sumHessianRight = 0.0
    var countLeft = 0, countRight = 0
    /// Newton values of the children, `−G / (H + λ)` (before shrinkage).
    var valueLeft = 0.0, valueRight = 0.0
}

/// Gradient histograms of tree nodes and the split search over them (scikit-learn's
/// `HistogramBuilder` and `Splitter`, without missing values, categories or monotonic constraints).
///
/// A node's histogram holds, per feature and bin, `(Σ gradient, Σ hessian, count)` in float64.
/// Gradients and hessians are float32 as in scikit-learn and are summed in the order of the
/// samples in the node, and a sibling is `parent − child` bin by bin, so every sum matches
/// scikit-learn's bit for bit.
///
/// Storage is sparse: per feature, only the *live* bins (any sum non-zero), in increasing bin
/// order. Every other bin is exactly zero and adds nothing to a running sum, so the split scan and
/// the subtraction skip them without changing a result, and a node of m samples costs O(min(m,
/// max_bins)) per feature. Because the open nodes partition the samples, all their histograms
/// together hold at most `samples × features` bins, which keeps them in cache. Scanning the data
/// goes through one dense scratch histogram (kept all-zero between uses) and is then compacted; the
/// sibling subtraction reads the child from that scratch, so it needs no merge of sparse lists.
final class GradientHistograms {
    /// One node's sparse histograms.
    private final class Slot {
        /// Live bins, `(Σg, Σh, count)` per bin, feature after feature.
        var sums: UnsafeMutablePointer<Double>
        /// The bin of each entry.
        var bins: UnsafeMutablePointer<UInt8>
        /// Entries of feature `f` are `offsets[f] ..< offsets[f + 1]`.
        let offsets: UnsafeMutablePointer<Int>
        private(set) var capacity: Int

        init(features: Int) {
            capacity = 0
            sums = .allocate(capacity: 1)
            bins = .allocate(capacity: 1)
            offsets = .allocate(capacity: features + 1)
            offsets.initialize(repeating: 0, count: features + 1)
        }

        /// Room for `entries` bins (contents discarded when it grows).
        func reserve(_ entries: Int) {
            guard entries > capacity else { return }
            capacity = max(entries, 2 * capacity)
            sums.deallocate(); bins.deallocate()
            sums = .allocate(capacity: 3 * capacity)
            bins = .allocate(capacity: capacity)
        }

        deinit { sums.deallocate(); bins.deallocate(); offsets.deallocate() }
    }

    let samples: Int
    let features: Int
    /// Bins in use per feature (`n_bins_non_missing_`).
    let binCounts: [Int]
    /// Feature-major bins, `features × samples`.
    let bins: UnsafeMutablePointer<UInt8>
    /// Doubles per feature in `dense`: `(Σg, Σh, count)` for 256 bins.
    private static let denseStride = 3 * 256
    /// Dense histograms of the node being built, all zero between builds.
    private let dense: UnsafeMutablePointer<Double>
    /// Touched bins of `dense`, 4 words per feature, all zero between builds.
    private let touched: UnsafeMutablePointer<UInt64>
    /// Gradients / hessians of the samples of the node being built, in partition order.
    private let orderedGradients: UnsafeMutablePointer<Float>
    private let orderedHessians: UnsafeMutablePointer<Float>
    private var slots: [Slot] = []
    private var freeSlots: [Int] = []

    init(binned: BinnedMatrix, binCounts: [Int]) {
        samples = binned.rows
        features = binned.columns
        self.binCounts = binCounts
        let storage = UnsafeMutablePointer<UInt8>.allocate(capacity: max(1, binned.bins.count))
        binned.bins.withUnsafeBufferPointer { src in
            if let base = src.baseAddress { storage.initialize(from: base, count: src.count) }
        }
        bins = storage
        dense = .allocate(capacity: max(1, features * Self.denseStride))
        dense.initialize(repeating: 0, count: max(1, features * Self.denseStride))
        touched = .allocate(capacity: max(1, features * 4))
        touched.initialize(repeating: 0, count: max(1, features * 4))
        orderedGradients = .allocate(capacity: max(1, samples))
        orderedHessians = .allocate(capacity: max(1, samples))
    }

    deinit {
        bins.deallocate()
        dense.deallocate()
        touched.deallocate()
        orderedGradients.deallocate()
        orderedHessians.deallocate()
    }

    /// All slots are free (true between trees).
    var allReleased: Bool { freeSlots.count == slots.count }

    /// A free histogram slot (contents undefined until `build` or `subtract`).
    func acquire() -> Int {
        if let s = freeSlots.popLast() { return s }
        slots.append(Slot(features: features))
        return slots.count - 1
    }

    func release(_ slot: Int) { freeSlots.append(slot) }

    /// Fills `slot` with the histograms of `count` samples listed at `sampleIndices` (all samples in
    /// order when `isRoot`), scanning the data: O(count × features).
    ///
    /// With `parent`, the slot's node is a child of that node, and the parent's histograms are
    /// turned into those of the other child: `parent − child` bin by bin (scikit-learn's
    /// `compute_histograms_subtraction`), O(parent's live bins). Bins that become exactly zero are
    /// dropped.
    func build(_ slot: Int, sampleIndices: UnsafePointer<Int32>, count: Int, isRoot: Bool,
               gradients: UnsafePointer<Float>, hessians: UnsafePointer<Float>, subtractingFrom parent: Int? = nil) {
        let g: UnsafePointer<Float>, h: UnsafePointer<Float>
        if isRoot {
            g = gradients; h = hessians
        } else {
            for i in 0..<count {
                let s = Int(sampleIndices[i])
                orderedGradients[i] = gradients[s]
                orderedHessians[i] = hessians[s]
            }
            g = UnsafePointer(orderedGradients); h = UnsafePointer(orderedHessians)
        }
        var live = 0
        for f in 0..<features {
            let hist = dense + f * Self.denseStride, m = touched + 4 * f
            let column = bins + f * samples
            if isRoot {
                for i in 0..<count { Self.add(Int(column[i]), g[i], h[i], hist, m) }
            } else {
                for i in 0..<count { Self.add(Int(column[Int(sampleIndices[i])]), g[i], h[i], hist, m) }
            }
            live += m[0].nonzeroBitCount + m[1].nonzeroBitCount + m[2].nonzeroBitCount + m[3].nonzeroBitCount
        }
        if let parent { subtractScratch(from: parent) }
        // Compact the touched bins into the slot, clearing the scratch behind.
        let node = slots[slot]
        node.reserve(live)
        let sums = node.sums, nodeBins = node.bins
        var w = 0
        for f in 0..<features {
            node.offsets[f] = w
            let hist = dense + f * Self.denseStride, m = touched + 4 * f
            for word in 0..<4 {
                var bits = m[word]
                while bits != 0 {
                    let bin = 64 * word + bits.trailingZeroBitCount
                    bits &= bits - 1
                    let b = 3 * bin
                    sums[3 * w] = hist[b]; sums[3 * w + 1] = hist[b + 1]; sums[3 * w + 2] = hist[b + 2]
                    hist[b] = 0; hist[b + 1] = 0; hist[b + 2] = 0
                    nodeBins[w] = UInt8(bin)
                    w += 1
                }
                m[word] = 0
            }
        }
        node.offsets[features] = w
    }

    @inline(__always)
    private static func add(_ bin: Int, _ g: Float, _ h: Float, _ hist: UnsafeMutablePointer<Double>, _ mask: UnsafeMutablePointer<UInt64>) {
        let b = 3 * bin
        hist[b] += Double(g); hist[b + 1] += Double(h); hist[b + 2] += 1
        mask[bin >> 6] |= 1 &<< UInt64(bin & 63)
    }

    /// `parent −= scratch` over the parent's live bins (the child's are a subset of them, and the
    /// scratch is zero elsewhere, so `x − 0 = x` exactly as scikit-learn computes it).
    private func subtractScratch(from parent: Int) {
        let p = slots[parent]
        let ps = p.sums, pb = p.bins
        var w = 0
        for f in 0..<features {
            let start = p.offsets[f], stop = p.offsets[f + 1]
            let hist = UnsafePointer(dense + f * Self.denseStride)
            p.offsets[f] = w
            var i = start
            while i < stop {
                let bin = pb[i]
                let d = 3 &* Int(bin)
                let g = ps[3 &* i] - hist[d]
                let h = ps[3 &* i &+ 1] - hist[d &+ 1]
                let c = ps[3 &* i &+ 2] - hist[d &+ 2]
                ps[3 &* w] = g; ps[3 &* w &+ 1] = h; ps[3 &* w &+ 2] = c
                pb[w] = bin
                w &+= (g != 0 || h != 0 || c != 0) ? 1 : 0
                i &+= 1
            }
        }
        p.offsets[features] = w
    }

    /// Σ over the bins of feature 0 of component `component` (0 gradients, 1 hessians) the way
    /// scikit-learn computes the root's sums: numpy's pairwise `sum` over `maxBins + 1` bins.
    func rootSum(_ slot: Int, component: Int, maxBins: Int) -> Double {
        var values = [Double](repeating: 0, count: maxBins + 1)
        let node = slots[slot]
        for e in node.offsets[0]..<node.offsets[1] { values[Int(node.bins[e])] = node.sums[3 * e + component] }
        return values.withUnsafeBufferPointer { numpyPairwiseSum($0.baseAddress!, count: $0.count) }
    }

    /// The best split of a node over the allowed features (`mask[f]`, all when nil); the first
    /// feature, then the first bin, wins ties. Gain (XGBoost's equation 7, without the ½ and γ):
    /// `gain = v·G − G_L·v_L − G_R·v_R` with `v_X = −G_X / (H_X + λ + 1e-15)` and `v` the node's
    /// own value (0 at the root). A bin is a valid threshold only if both children keep
    /// `minSamplesLeaf` samples and `minHessian` of hessian.
    func bestSplit(_ slot: Int, count: Int, sumGradients: Double, sumHessians: Double, value: Double,
                   minSamplesLeaf: Int, minHessian: Double, l2: Double, mask: [Bool]?) -> SplitCandidate {
        var best = SplitCandidate()
        let node = slots[slot]
        for f in 0..<features {
            if let mask, !mask[f] { continue }
            let start = node.offsets[f]
            let c = bestSplit(feature: f, sums: node.sums + 3 * start, bins: node.bins + start,
                              entries: node.offsets[f + 1] - start, count: count,
                              sumGradients: sumGradients, sumHessians: sumHessians, value: value,
                              minSamplesLeaf: minSamplesLeaf, minHessian: minHessian, l2: l2, bar: best.gain)
            if c.gain > best.gain { best = c }
        }
        return best
    }

    /// `_find_best_bin_to_split_left_to_right` for one feature, over its live bins below the last
    /// (the others add exact zeros to every running sum, so skipping them changes nothing).
    ///
    /// `bar` is the best gain of the features before this one: only a gain above it can matter,
    /// as can only a gain above this feature's best so far. A candidate is skipped without its
    /// divisions when `G_L²·D_R + G_R²·D_L < (bar − v·G)·D_L·D_R` by a relative margin of 1e-10
    /// (`D_X = H_X + λ + 1e-15`; `v·G ≤ 0`, so every term is non-negative). Both sides are within a
    /// few ulps of exact, so a skipped candidate's computed gain is certainly below the bar and the
    /// result is identical to evaluating every candidate.
    private func bestSplit(feature: Int, sums: UnsafePointer<Double>, bins: UnsafePointer<UInt8>, entries: Int, count: Int,
                           sumGradients: Double, sumHessians: Double, value: Double,
                           minSamplesLeaf: Int, minHessian: Double, l2: Double, bar: Double) -> SplitCandidate {
        let end = binCounts[feature] - 1
        let n = Double(count), minLeaf = Double(minSamplesLeaf)
        let lossCurrent = value * sumGradients
        var gl = 0.0, hl = 0.0, nl = 0.0
        var bestGain = -1.0, bestBin = -1, bestGL = 0.0, bestHL = 0.0, bestNL = 0.0
        // Only once a positive gain is known (then threshold ≥ −v·G ≥ 0, as the margin argument needs).
        var threshold = bar > 0 ? bar - lossCurrent : 0
        for e in 0..<entries {
            let bin = Int(bins[e])
            if bin >= end { break }
            nl += sums[3 * e + 2]
            let nr = n - nl
            hl += sums[3 * e + 1]
            let hr = sumHessians - hl
            gl += sums[3 * e]
            let gr = sumGradients - gl
            if nl < minLeaf { continue }
            if nr < minLeaf { break }
            if hl < minHessian { continue }
            if hr < minHessian { break }
            let dl = hl + l2 + 1e-15, dr = hr + l2 + 1e-15
            if threshold > 0 {
                let p = gl * gl * dr + gr * gr * dl, q = threshold * dl * dr
                if p < q - 1e-10 * (p + q) { continue }
            }
            let vl = -gl / dl, vr = -gr / dr
            var gain = lossCurrent
            gain -= gl * vl
            gain -= gr * vr
            if gain > bestGain && gain > 0 {
                bestGain = gain; bestBin = bin; bestGL = gl; bestHL = hl; bestNL = nl
                threshold = max(bar, bestGain) - lossCurrent  // bestGain > 0 here
            }
        }
        guard bestBin >= 0 else { return SplitCandidate(gain: -1, feature: feature) }
        var s = SplitCandidate(gain: bestGain, feature: feature, bin: bestBin)
        s.sumGradientLeft = bestGL
        s.sumGradientRight = sumGradients - bestGL
        s.sumHessianLeft = bestHL
        s.sumHessianRight = sumHessians - bestHL
        s.countLeft = Int(bestNL)
        s.countRight = count - Int(bestNL)
        s.valueLeft = -s.sumGradientLeft / (s.sumHessianLeft + l2 + 1e-15)
        s.valueRight = -s.sumGradientRight / (s.sumHessianRight + l2 + 1e-15)
        return s
    }
}
