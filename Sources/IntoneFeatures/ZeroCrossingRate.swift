/// Zero-crossing rate per frame, `librosa.feature.zero_crossing_rate(y)` (librosa 0.11) with its defaults.
///
/// The maths, per frame of `frameLength` samples `x[0..<L]` taken every `hopLength` samples:
///
///     zcr = (1 / L) · #{ j in 1..<L : signbit(x̃[j]) ≠ signbit(x̃[j−1]) }
///
/// where `x̃ = 0` when `|x| ≤ 1e-10` (librosa's `threshold`, compared in float32) and `x̃ = x` otherwise.
/// This is librosa's `zero_crossings(threshold=1e-10, zero_pos=True, pad=False)`: zero counts as positive
/// (`zero_pos`), so `+a → 0` is not a crossing but `−a → 0` is; the first sample of a frame has nothing
/// before it and never counts (`pad=False`) but still counts in the divisor `L`, so the largest possible
/// value is `(L − 1) / L`.
///
/// When `center` is true (the default) the signal is padded by `frameLength / 2` copies of its first and
/// last sample (`np.pad(mode='edge')`, unlike the STFT's zero padding), so frame `t` is centred on sample
/// `t · hopLength` and there are `1 + n / hopLength` frames for even `frameLength`, the same count as the
/// STFT's.
///
/// Edge cases:
/// - Silence (all zeros, or all within ±1e-10) gives 0 in every frame.
/// - A signal shorter than `frameLength` (after padding, if centred) gives a `1 × 0` matrix, where librosa
///   raises; an empty signal gives `1 × 0` too (numpy cannot edge-pad an empty array).
/// - Non-positive `frameLength` or `hopLength` is a programming error (precondition).
///
/// - Returns: a `1 × frames` matrix; each value is `count / frameLength`, computed in double precision
///   and rounded to float32 (numpy's mean of booleans is float64).
public func zeroCrossingRate(_ y: [Float], frameLength: Int = 2048, hopLength: Int = 512, center: Bool = true) -> FeatureMatrix {
    precondition(frameLength > 0 && hopLength > 0, "zeroCrossingRate: frame_length and hop_length must be positive")
    guard !y.isEmpty else { return FeatureMatrix(rows: 1, frames: 0) }
    let pad = center ? frameLength / 2 : 0
    let paddedCount = y.count + 2 * pad
    guard paddedCount >= frameLength else { return FeatureMatrix(rows: 1, frames: 0) }
    let frames = 1 + (paddedCount - frameLength) / hopLength
    let threshold = Float(1e-10)
    // Sign bit of each padded sample after thresholding (edge padding repeats the end samples).
    // crossings[i] (i ≥ 1) is 1 when samples i−1 and i of the padded signal differ in sign bit;
    // prefix[i] = crossings[1...i], so a frame starting at s counts prefix[s+L−1] − prefix[s].
    var prefix = [Int32](repeating: 0, count: paddedCount)
    func negative(_ i: Int) -> Bool {
        let v = y[min(max(i - pad, 0), y.count - 1)]
        return abs(v) <= threshold ? false : v.sign == .minus
    }
    var previous = negative(0)
    var running: Int32 = 0
    for i in 1..<max(paddedCount, 1) {
        let current = negative(i)
        if current != previous { running += 1 }
        prefix[i] = running
        previous = current
    }
    var out = [Float](repeating: 0, count: frames)
    for t in 0..<frames {
        let start = t * hopLength
        let count = prefix[start + frameLength - 1] - prefix[start]
        out[t] = Float(Double(count) / Double(frameLength))
    }
    return FeatureMatrix(rows: 1, frames: frames, values: out)
}
