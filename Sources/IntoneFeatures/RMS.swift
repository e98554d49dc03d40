/// Root-mean-square energy per frame, `librosa.feature.rms(y=y)` (librosa 0.11) with its defaults.
///
/// The maths, per frame of `frameLength` samples `x[0..<L]` taken every `hopLength` samples:
///
///     rms = √( (1 / L) · Σⱼ x[j]² )
///
/// When `center` is true (the default) the signal is padded with `frameLength / 2` zeros at both ends
/// (`pad_mode='constant'`, like the STFT and unlike the zero-crossing rate's edge padding), so frame `t`
/// is centred on sample `t · hopLength` and there are `1 + n / hopLength` frames for even `frameLength`.
/// The signal is not windowed.
///
/// Precision: everything is float32, reproducing numpy bit for bit. librosa squares in float32
/// (`util.abs2(x, dtype=float32)`), then `np.mean` sums each frame's `L` contiguous squares with numpy's
/// pairwise summation in float32 (blocks of 128 summed with 8 interleaved partial sums, halves split at
/// multiples of 8), divides by `L` in float32 and takes a float32 square root. A double-precision
/// accumulator was tried and disagrees with librosa in the last bit on about a third of the frames;
/// the pairwise float32 sum agrees exactly.
///
/// Edge cases:
/// - Silence gives 0 in every frame.
/// - A signal shorter than `frameLength` (after padding, if centred) gives a `1 × 0` matrix, where librosa
///   raises. An empty centred signal gives one frame of 0 (librosa: one frame of zeros too).
/// - Non-positive `frameLength` or `hopLength` is a programming error (precondition).
///
/// - Returns: a `1 × frames` matrix.
public func rootMeanSquare(_ y: [Float], frameLength: Int = 2048, hopLength: Int = 512, center: Bool = true) -> FeatureMatrix {
    precondition(frameLength > 0 && hopLength > 0, "rootMeanSquare: frame_length and hop_length must be positive")
    let pad = center ? frameLength / 2 : 0
    let paddedCount = y.count + 2 * pad
    guard paddedCount >= frameLength else { return FeatureMatrix(rows: 1, frames: 0) }
    let frames = 1 + (paddedCount - frameLength) / hopLength
    var squares = [Float](repeating: 0, count: paddedCount)
    for (i, v) in y.enumerated() { squares[pad + i] = v * v }
    var out = [Float](repeating: 0, count: frames)
    let length = Float(frameLength)
    squares.withUnsafeBufferPointer { sq in
        for t in 0..<frames {
            let sum = numpyPairwiseSum(UnsafeBufferPointer(rebasing: sq[(t * hopLength)..<(t * hopLength + frameLength)]))
            out[t] = (sum / length).squareRoot()
        }
    }
    return FeatureMatrix(rows: 1, frames: frames, values: out)
}

/// Sum of float32 or float64 values in numpy's order (`pairwise_sum` in numpy's `loops_utils.h`), which is what
/// `np.sum` / `np.mean` do along a contiguous axis: fewer than 8 values are added in sequence; up to 128
/// are added into 8 interleaved partial sums combined as `((r0+r1)+(r2+r3))+((r4+r5)+(r6+r7))`, then the
/// remainder in sequence; longer runs are split at `n/2` rounded down to a multiple of 8 and the two
/// halves summed recursively.
func numpyPairwiseSum<T: BinaryFloatingPoint>(_ a: UnsafeBufferPointer<T>) -> T {
    let n = a.count
    if n < 8 {
        var res: T = 0
        for v in a { res += v }
        return res
    }
    if n <= 128 {
        var r0 = a[0], r1 = a[1], r2 = a[2], r3 = a[3], r4 = a[4], r5 = a[5], r6 = a[6], r7 = a[7]
        var i = 8
        let end = n - n % 8
        while i < end {
            r0 += a[i]; r1 += a[i + 1]; r2 += a[i + 2]; r3 += a[i + 3]
            r4 += a[i + 4]; r5 += a[i + 5]; r6 += a[i + 6]; r7 += a[i + 7]
            i += 8
        }
        var res = ((r0 + r1) + (r2 + r3)) + ((r4 + r5) + (r6 + r7))
        while i < n { res += a[i]; i += 1 }
        return res
    }
    var n2 = n / 2
    n2 -= n2 % 8
    return numpyPairwiseSum(UnsafeBufferPointer(rebasing: a[0..<n2]))
        + numpyPairwiseSum(UnsafeBufferPointer(rebasing: a[n2..<n]))
}
