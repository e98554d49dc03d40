import IntoneRandom

/// Maps each feature to at most `maxBins` ordered integer bins, as scikit-learn's `_BinMapper`
/// (`sklearn/ensemble/_hist_gradient_boosting/binning.py`) does for continuous features.
///
/// Per feature, the thresholds `t₀ < t₁ < … < t_{m−2}` put a value `x` into bin `i` iff
/// `t_{i−1} < x ≤ t_i` (bin 0 below `t₀`, bin `m − 1` above the last), so a feature has
/// `m = thresholds.count + 1 ≤ maxBins` bins. Thresholds come from `_find_binning_thresholds`:
/// - one distinct value: no thresholds (a single bin);
/// - at most `maxBins` distinct values `v₀ < v₁ < …`: the midpoints `(v_j + v_{j+1}) / 2`;
/// - more: the percentiles `100·i/maxBins`, `i = 1 … maxBins − 1`, of the column with numpy's
///   `method="averaged_inverted_cdf"` (virtual index `g = n·q − 1`; the order statistic above it, or
///   the mean of the two around it when `g` is a whole number), duplicates removed.
///
/// Values are compared in float64 (float32 features convert exactly). Thresholds are clipped to
/// 1e300 (`ALMOST_INF`). With more than `subsample` rows (scikit-learn: 2e5), the thresholds are
/// computed from `subsample` rows drawn with replacement from the seeded generator.
/// NaN has no bin here: the classifier rejects non-finite features before binning.
public struct FeatureBinner: Codable, Equatable, Sendable {
    /// Largest number of bins per feature (scikit-learn's `max_bins`, 2…255).
    public let maxBins: Int
    /// Per feature, the increasing bin thresholds (`bin_thresholds_`).
    public let thresholds: [[Double]]

    /// scikit-learn's `ALMOST_INF`: thresholds are clipped to it.
    static let almostInfinity = 1e300

    /// Bins actually used per feature (`n_bins_non_missing_`): `thresholds.count + 1`.
    public var binCounts: [Int] { thresholds.map { $0.count + 1 } }

    /// A binner with known thresholds.
    public init(maxBins: Int, thresholds: [[Double]]) {
        precondition((2...255).contains(maxBins), "FeatureBinner: max_bins must be in 2...255")
        precondition(thresholds.allSatisfy { $0.count < maxBins }, "FeatureBinner: more thresholds than max_bins - 1")
        self.maxBins = maxBins
        self.thresholds = thresholds
    }

    /// Fits thresholds to the columns of `x` (all values must be finite).
    ///
    /// - Parameters:
    ///   - maxBins: 2…255 (scikit-learn's default 255).
    ///   - subsample: rows used for the quantiles; above it a seeded sample with replacement is taken.
    public init(fitting x: Matrix, maxBins: Int = 255, subsample: Int = 200_000, random: inout SeededRandom) {
        var rows = Array(0..<x.rows)
        if x.rows > subsample {
            rows = (0..<subsample).map { _ in random.integer(below: x.rows) }
        }
        var column = [Double](repeating: 0, count: rows.count)
        var all: [[Double]] = []
        all.reserveCapacity(x.columns)
        for f in 0..<x.columns {
            for (k, r) in rows.enumerated() { column[k] = Double(x.values[r * x.columns + f]) }
            all.append(Self.thresholds(of: column, maxBins: maxBins))
        }
        self.init(maxBins: maxBins, thresholds: all)
    }

    /// scikit-learn's `_find_binning_thresholds(col_data, max_bins)` for finite values.
    public static func thresholds(of values: [Double], maxBins: Int) -> [Double] {
        let sorted = values.sorted()
        var distinct: [Double] = []
        for v in sorted where distinct.last != v { distinct.append(v) }
        if distinct.count <= 1 { return [] }
        var result: [Double]
        if distinct.count <= maxBins {
            result = (0..<(distinct.count - 1)).map { (distinct[$0] + distinct[$0 + 1]) / 2 }
        } else {
            // np.percentile(sorted, linspace(0, 100, maxBins + 1)[1:-1], method="averaged_inverted_cdf")
            let n = sorted.count
            let step = 100.0 / Double(maxBins)
            result = (1..<maxBins).map { i in
                let q = (Double(i) * step) / 100
                let virtual = Double(n) * q - 1
                if virtual >= Double(n - 1) { return sorted[n - 1] }
                if virtual < 0 { return sorted[0] }
                let previous = virtual.rounded(.down)
                let lo = sorted[Int(previous)], hi = sorted[Int(previous) + 1]
                // numpy's _lerp with gamma 0.5 (whole index) or 1 (otherwise): b − (b − a)(1 − gamma).
                return virtual - previous == 0 ? hi - (hi - lo) * 0.5 : hi
            }
            result.sort()
            var unique: [Double] = []
            for v in result where unique.last != v { unique.append(v) }
            result = unique
        }
        return result.map { min($0, almostInfinity) }
    }

    /// The bin of `value` for `feature`: the number of thresholds below it (binary search, as
    /// `_map_col_to_bins`).
    @inline(__always)
    public func bin(_ value: Double, feature: Int) -> UInt8 {
        thresholds[feature].withUnsafeBufferPointer { Self.bin(value, thresholds: $0) }
    }

    @inline(__always)
    static func bin(_ value: Double, thresholds t: UnsafeBufferPointer<Double>) -> UInt8 {
        var left = 0, right = t.count
        while left < right {
            let middle = left + (right - left - 1) / 2
            if value <= t[middle] { right = middle } else { left = middle + 1 }
        }
        return UInt8(left)
    }

    /// Bins every value of `x` (`x.columns` must equal the fitted feature count).
    public func transform(_ x: Matrix) -> BinnedMatrix {
        precondition(x.columns == thresholds.count, "FeatureBinner: \(x.columns) features, fitted on \(thresholds.count)")
        var bins = [UInt8](repeating: 0, count: x.rows * x.columns)
        x.values.withUnsafeBufferPointer { xs in
            bins.withUnsafeMutableBufferPointer { out in
                for f in 0..<x.columns {
                    thresholds[f].withUnsafeBufferPointer { t in
                        for r in 0..<x.rows { out[f * x.rows + r] = Self.bin(Double(xs[r * x.columns + f]), thresholds: t) }
                    }
                }
            }
        }
        return BinnedMatrix(rows: x.rows, columns: x.columns, bins: bins)
    }
}

/// Binned features stored feature-major (column after column), one byte per value: the layout the
/// histogram builder reads, so the bins of one feature are contiguous.
public struct BinnedMatrix: Equatable, Sendable {
    /// Samples.
    public let rows: Int
    /// Features.
    public let columns: Int
    /// `rows × columns` bins; sample `r` of feature `f` is at `f * rows + r`.
    public let bins: [UInt8]

    public init(rows: Int, columns: Int, bins: [UInt8]) {
        precondition(bins.count == rows * columns, "BinnedMatrix: \(bins.count) bins for \(rows) x \(columns)")
        self.rows = rows
        self.columns = columns
        self.bins = bins
    }

    /// The bin of sample `r`, feature `f`.
    public subscript(r: Int, f: Int) -> UInt8 { bins[f * rows + r] }
}
