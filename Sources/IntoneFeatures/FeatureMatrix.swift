/// A features × frames matrix of float32, stored row-major (one row per coefficient or frequency bin,
/// frames contiguous): the layout of librosa's arrays (`S[feature, frame]`) and of the `.npy` files Intone writes.
public struct FeatureMatrix: Equatable, Sendable {
    /// Number of rows (coefficients, mel bands, frequency bins...).
    public let rows: Int
    /// Number of frames (columns).
    public let frames: Int
    /// `rows * frames` values; element (r, t) is at `r * frames + t`.
    public var values: [Float]

    /// Wraps `values` (row-major, `rows * frames` of them).
    public init(rows: Int, frames: Int, values: [Float]) {
        precondition(values.count == rows * frames, "FeatureMatrix: \(values.count) values for \(rows) x \(frames)")
        self.rows = rows
        self.frames = frames
        self.values = values
    }

    /// A matrix of zeros.
    public init(rows: Int, frames: Int) {
        self.init(rows: rows, frames: frames, values: [Float](repeating: 0, count: rows * frames))
    }

    /// Element at row `r`, frame `t`.
    public subscript(r: Int, t: Int) -> Float {
        get { values[r * frames + t] }
        set { values[r * frames + t] = newValue }
    }

    /// Row `r` (all frames of one coefficient).
    public func row(_ r: Int) -> ArraySlice<Float> { values[(r * frames)..<((r + 1) * frames)] }

    /// The mean of each row over time: the fixed-length vector classic classifiers take.
    ///
    /// Summed in double precision. An empty matrix (no frames) gives zeros.
    public func meanOverTime() -> [Float] {
        (0..<rows).map { r in
            guard frames > 0 else { return 0 }
            var sum = 0.0
            for t in 0..<frames { sum += Double(values[r * frames + t]) }
            return Float(sum / Double(frames))
        }
    }

    /// The same rows with exactly `count` frames: the first `count` frames, padded with `value`
    /// (default 0) at the end when there are fewer. Deep models take fixed-length frame sequences.
    public func fixedFrames(_ count: Int, padValue value: Float = 0) -> FeatureMatrix {
        precondition(count >= 0)
        var out = [Float](repeating: value, count: rows * count)
        let keep = min(count, frames)
        for r in 0..<rows {
            for t in 0..<keep { out[r * count + t] = values[r * frames + t] }
        }
        return FeatureMatrix(rows: rows, frames: count, values: out)
    }

    /// The transpose: frames × rows (time-major, as a sequence model reads it).
    public func transposed() -> FeatureMatrix {
        var out = [Float](repeating: 0, count: values.count)
        for r in 0..<rows {
            for t in 0..<frames { out[t * rows + r] = values[r * frames + t] }
        }
        return FeatureMatrix(rows: frames, frames: rows, values: out)
    }

    /// Rows stacked on top of each other (all must have the same number of frames).
    /// The matrix of `rows` (in that order); rows outside the matrix are left out.
    public func selectingRows(_ rows: [Int]) -> FeatureMatrix {
        let kept = rows.filter { $0 >= 0 && $0 < self.rows }
        var values: [Float] = []
        values.reserveCapacity(kept.count * frames)
        for r in kept { values.append(contentsOf: self.values[(r * frames)..<((r + 1) * frames)]) }
        return FeatureMatrix(rows: kept.count, frames: frames, values: values)
    }

    public static func stacked(_ parts: [FeatureMatrix]) -> FeatureMatrix {
        guard let first = parts.first else { return FeatureMatrix(rows: 0, frames: 0) }
        precondition(parts.allSatisfy { $0.frames == first.frames }, "stacked: frame counts differ")
        return FeatureMatrix(rows: parts.reduce(0) { $0 + $1.rows }, frames: first.frames, values: parts.flatMap(\.values))
    }
}
