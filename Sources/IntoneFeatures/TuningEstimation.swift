#if canImport(Glibc)
import Glibc
#endif

/// Estimates the tuning offset of a power spectrogram in fractions of a bin (of `binsPerOctave` per
/// octave), `librosa.estimate_tuning(S=S, sr=sr)` (librosa 0.11), which `chroma_stft` calls when no
/// tuning is given. Returns a value in `[-0.5, 0.5)` on a grid of `resolution`.
///
/// The algorithm, with librosa's defaults:
///
/// 1. `piptrack(S=S, sr=sr, fmin=150, fmax=4000, threshold=0.1)`. For each frame, bin `k` is a peak when
///    its frequency `k · sr / nFFT` is in `[150, min(4000, sr/2))` and it is a local maximum
///    (`x[k] > x[k−1]` and `x[k] ≥ x[k+1]`) of the frame with every value not above `0.1 · max(frame)`
///    set to 0. Its pitch is `(k + δ) · sr / nFFT`, where `δ = −b / a` is the parabolic-interpolation
///    shift (`a = x[k+1] + x[k−1] − 2x[k]`, `b = (x[k+1] − x[k−1]) / 2`, `δ = 0` when `|b| ≥ |a|`),
///    and its magnitude is `x[k] + ½ · g[k] · δ` with `g` the central-difference gradient along frequency.
/// 2. Peaks whose magnitude is at least the median of all peak magnitudes are kept
///    (numpy's median: the mean of the two middle values when the count is even).
/// 3. `pitch_tuning`: each kept pitch's residual `r = (binsPerOctave · log2(f / 27.5)) mod 1`, moved to
///    `r − 1` when `r ≥ 0.5`, is counted in a histogram over the edges
///    `np.linspace(-0.5, 0.5, ⌈1 / resolution⌉ + 1)` (bins `[eᵢ, eᵢ₊₁)`, the last one closed), and the
///    left edge of the fullest bin is returned (the first one on ties, as `np.argmax`).
///
/// Precision mirrors librosa's dtypes, since they decide which peaks pass the thresholds: the spectrogram
/// is float32, the gradient, the `0.1 · max` threshold, the magnitudes and the median are float32;
/// the parabolic shift is computed as numba does it (`x[k+1] + x[k−1]` and `x[k+1] − x[k−1]` in
/// float32, the rest in float64, rounded to float32); the pitch is computed in float64 and stored as
/// float32; the residual is float32 (`f / 27.5`, `log2`, `· 12`, `mod 1`). One known, rare difference:
/// numpy's SIMD float32 `log2` is not correctly rounded (it differs from the correctly rounded value on
/// about 2% of inputs, by one unit in the last place); this uses the correctly rounded value, which can
/// move a residual across a histogram edge only when it lies within ~6e-6 of one.
///
/// Edge cases: no peaks at all (silence, or nothing between 150 Hz and 4 kHz) gives 0.0, as librosa
/// (which also warns "Trying to estimate tuning from empty frequency set"). A spectrogram with no
/// frames gives 0.0.
///
/// - Parameters:
///   - power: `|STFT|²`, `nFFT / 2 + 1` rows × frames.
///   - sampleRate: Hz.
///   - nFFT: FFT length the spectrogram was made with.
///   - resolution: histogram bin width in fractions of a bin, default 0.01.
///   - binsPerOctave: default 12.
public func estimateTuning(power: FeatureMatrix, sampleRate: Double, nFFT: Int,
                           resolution: Double = 0.01, binsPerOctave: Int = 12) -> Double {
    precondition(power.rows == nFFT / 2 + 1, "estimateTuning: \(power.rows) rows for n_fft \(nFFT)")
    precondition(resolution > 0 && binsPerOctave > 0, "estimateTuning: resolution and bins_per_octave must be positive")
    let peaks = pickPitches(power: power, sampleRate: sampleRate, nFFT: nFFT)
    // estimate_tuning: keep peaks at least as strong as the median peak.
    let positive = peaks.filter { $0.pitch > 0 }
    var threshold: Float = 0
    if !positive.isEmpty {
        let sorted = positive.map(\.magnitude).sorted()
        let n = sorted.count
        threshold = n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2
    }
    let frequencies = positive.filter { $0.magnitude >= threshold }.map(\.pitch)
    return pitchTuning(frequencies, resolution: resolution, binsPerOctave: binsPerOctave)
}

/// A spectral peak found by `piptrack`: interpolated frequency (Hz) and magnitude, both float32.
struct PitchPeak {
    var pitch: Float
    var magnitude: Float
}

/// librosa's `piptrack(S=power, sr=sampleRate, n_fft=nFFT)` with fmin 150, fmax 4000, threshold 0.1,
/// returning only the non-zero entries (in no particular order).
func pickPitches(power s: FeatureMatrix, sampleRate: Double, nFFT: Int,
                 fmin: Double = 150, fmax: Double = 4000, threshold: Float = 0.1) -> [PitchPeak] {
    let bins = s.rows, frames = s.frames
    guard bins >= 3 else { return [] }
    let fmax = min(fmax, sampleRate / 2), fmin = max(fmin, 0)
    let freqs = fftFrequencies(sampleRate: sampleRate, nFFT: nFFT)
    let candidate = freqs.map { fmin <= $0 && $0 < fmax }
    var peaks: [PitchPeak] = []
    var x = [Float](repeating: 0, count: bins)
    var z = [Float](repeating: 0, count: bins)
    for t in 0..<frames {
        var peak = -Float.infinity
        for k in 0..<bins {
            x[k] = s.values[k * frames + t]
            peak = max(peak, x[k])
        }
        let ref = threshold * peak
        for k in 0..<bins { z[k] = x[k] > ref ? x[k] : 0 }
        for k in 1..<bins where candidate[k] {
            // util.localmax: interior x[k] > x[k-1] and x[k] >= x[k+1]; the last bin: x[-1] > x[-2].
            let isMax = k == bins - 1 ? z[k] > z[k - 1] : (z[k] > z[k - 1] && z[k] >= z[k + 1])
            guard isMax else { continue }
            var shift: Float = 0
            var gradient: Float
            if k == bins - 1 {
                gradient = x[k] - x[k - 1]
            } else {
                // numba types 2 * float32 as float64, so a and b mix precisions exactly like this.
                let a = Double(x[k + 1] + x[k - 1]) - 2 * Double(x[k])
                let b = Double(x[k + 1] - x[k - 1]) / 2
                if abs(b) < abs(a) { shift = Float(-b / a) }
                gradient = (x[k + 1] - x[k - 1]) / 2
            }
            let pitch = Float((Double(k) + Double(shift)) * sampleRate / Double(nFFT))
            let magnitude = x[k] + 0.5 * gradient * shift
            peaks.append(PitchPeak(pitch: pitch, magnitude: magnitude))
        }
    }
    return peaks
}

/// librosa's `pitch_tuning(frequencies, resolution=, bins_per_octave=)`: the most common deviation of
/// `frequencies` (Hz) from the equal-tempered grid tuned to A440, in fractions of a bin. Residuals are
/// computed in float32 as numpy does for a float32 input; 0.0 when no frequency is positive.
func pitchTuning(_ frequencies: [Float], resolution: Double, binsPerOctave: Int) -> Double {
    let positive = frequencies.filter { $0 > 0 }
    guard !positive.isEmpty else { return 0 }
    let edges = linspace(-0.5, 0.5, Int((1.0 / resolution).rounded(.up)) + 1)
    let scale = Float(binsPerOctave)
    var counts = [Int](repeating: 0, count: edges.count - 1)
    for f in positive {
        let octs = Float(log2(Double(f / 27.5)))       // hz_to_octs: log2(f / (440 / 16)), float32
        var r = fmodf(scale * octs, 1)                  // np.mod(x, 1.0): sign of the divisor
        if r < 0 { r += 1 }
        if r >= 0.5 { r -= 1 }
        let v = Double(r)
        guard v >= edges[0], v <= edges[edges.count - 1] else { continue }
        // Bin i holds [edges[i], edges[i+1]); the last bin also holds its right edge (np.histogram).
        var lo = 0, hi = edges.count - 1                // find the last edge index with edges[i] <= v
        while hi - lo > 1 {
            let mid = (lo + hi) / 2
            if edges[mid] <= v { lo = mid } else { hi = mid }
        }
        counts[min(lo, counts.count - 1)] += 1
    }
    var best = 0
    for i in counts.indices where counts[i] > counts[best] { best = i }
    return edges[best]
}
