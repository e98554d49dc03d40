#if canImport(Glibc)
import Glibc
#endif

/// A chroma filterbank mapping FFT bins onto pitch classes, `librosa.filters.chroma` (librosa 0.11)
/// with its defaults (`n_chroma=12, ctroct=5, octwidth=2, norm=2, base_c=True`).
///
/// The maths (Dan Ellis's `fft2chromamx`), in double precision, rounded to float32 at the end:
///
/// - FFT bin `i = 1..<nFFT` has frequency `fᵢ = i · sr / nFFT` and fractional chroma-bin position
///   `bᵢ = nChroma · log2(fᵢ / (A / 16))`, with `A = 440 · 2^(tuning / nChroma)`; bin 0 (DC) gets
///   `b₁ − 1.5 · nChroma` (1.5 octaves below bin 1).
/// - Each bin's width is `wᵢ = max(bᵢ₊₁ − bᵢ, 1)` (the last is 1).
/// - Weight of chroma `c` for bin `i`: `exp(−½ (2 Dᶜᵢ / wᵢ)²)`, where `Dᶜᵢ = ((bᵢ − c + h + 10·nChroma) mod nChroma) − h`
///   is the distance to `c` wrapped to `[−h, h)`, `h = round(nChroma / 2)`.
/// - Each bin's column is normalised to unit `norm` over the chroma axis (`util.normalize(norm=2, axis=0)`;
///   columns whose norm is below the smallest normal double are left as they are).
/// - If `octaveWidth` is set, each column is weighted by a Gaussian over octaves,
///   `exp(−½ ((bᵢ / nChroma − centerOctave) / octaveWidth)²)` (centred on octave 5, ~C5, 2 octaves wide).
/// - If `baseC`, rows are rolled so row 0 is C (librosa's raw layout starts at A): row `c` is raw row
///   `(c + 3·nChroma/12) mod nChroma`.
/// - Only the first `nFFT / 2 + 1` columns (the non-negative frequencies) are kept.
///
/// Agrees with librosa to float32 rounding (differences come only from libm's `log2` / `exp` last bits).
public struct ChromaFilterbank: Equatable, Sendable {
    /// Sampling rate in Hz.
    public let sampleRate: Double
    /// FFT length.
    public let nFFT: Int
    /// Tuning offset in fractions of a chroma bin.
    public let tuning: Double
    /// Number of pitch classes (rows).
    public let nChroma: Int
    /// `nChroma × (nFFT / 2 + 1)` weights, row-major (as `librosa.filters.chroma` returns).
    public let weights: FeatureMatrix

    /// Builds the filterbank.
    ///
    /// - Parameters:
    ///   - sampleRate: Hz.
    ///   - nFFT: FFT length (the filters span `nFFT / 2 + 1` bins).
    ///   - tuning: deviation from A440 tuning in fractions of a chroma bin, default 0.
    ///   - nChroma: pitch classes, default 12.
    ///   - centerOctave: centre of the octave weighting (librosa's `ctroct`), default 5.
    ///   - octaveWidth: its standard deviation in octaves (`octwidth`), default 2; `nil` for flat weighting.
    ///   - norm: per-bin normalisation over chroma (`norm`), default 2; `.infinity` for the max, `nil` for none.
    ///   - baseC: start at C rather than A (`base_c`), default true.
    public init(sampleRate: Double, nFFT: Int, tuning: Double = 0, nChroma: Int = 12,
                centerOctave: Double = 5, octaveWidth: Double? = 2, norm: Double? = 2, baseC: Bool = true) {
        precondition(sampleRate > 0 && nFFT >= 2 && nChroma > 0, "ChromaFilterbank: invalid sr, n_fft or n_chroma")
        precondition(norm.map { $0 > 0 } ?? true, "ChromaFilterbank: norm must be positive")
        self.sampleRate = sampleRate
        self.nFFT = nFFT
        self.tuning = tuning
        self.nChroma = nChroma
        let nc = Double(nChroma)
        let a440 = 440.0 * pow(2.0, tuning / nc)
        let step = sampleRate / Double(nFFT)        // np.linspace(0, sr, n_fft, endpoint=False)
        var frqbins = [Double](repeating: 0, count: nFFT)
        for i in 1..<nFFT { frqbins[i] = nc * log2(Double(i) * step / (a440 / 16)) }
        frqbins[0] = frqbins[1] - 1.5 * nc
        var binWidth = [Double](repeating: 1, count: nFFT)
        for i in 0..<(nFFT - 1) { binWidth[i] = max(frqbins[i + 1] - frqbins[i], 1.0) }
        let half = (nc / 2).rounded(.toNearestOrEven)  // np.round: half to even
        let kept = nFFT / 2 + 1
        var raw = [Double](repeating: 0, count: nChroma * kept)   // librosa's row order (row 0 = A)
        for i in 0..<kept {
            var column = [Double](repeating: 0, count: nChroma)
            for c in 0..<nChroma {
                let d = pythonRemainder(frqbins[i] - Double(c) + half + 10 * nc, nc) - half
                let z = 2 * d / binWidth[i]
                column[c] = exp(-0.5 * (z * z))
            }
            if let norm {
                var length = 0.0
                if norm == .infinity {
                    length = column.max() ?? 0
                } else {
                    for v in column { length += norm == 2 ? v * v : pow(abs(v), norm) }
                    length = norm == 2 ? length.squareRoot() : pow(length, 1 / norm)
                }
                if length < Double.leastNormalMagnitude { length = 1 }
                for c in 0..<nChroma { column[c] /= length }
            }
            if let octaveWidth {
                let o = (frqbins[i] / nc - centerOctave) / octaveWidth
                let g = exp(-0.5 * (o * o))
                for c in 0..<nChroma { column[c] *= g }
            }
            for c in 0..<nChroma { raw[c * kept + i] = column[c] }
        }
        let roll = baseC ? 3 * (nChroma / 12) : 0
        var w = [Float](repeating: 0, count: nChroma * kept)
        for c in 0..<nChroma {
            let source = (c + roll) % nChroma
            for i in 0..<kept { w[c * kept + i] = Float(raw[source * kept + i]) }
        }
        weights = FeatureMatrix(rows: nChroma, frames: kept, values: w)
    }

    /// Projects a power spectrogram (bins × frames) onto the chroma rows, `W · S`, without normalising
    /// (summed in double precision per element, rounded to float32).
    public func apply(to power: FeatureMatrix) -> FeatureMatrix {
        precondition(power.rows == nFFT / 2 + 1, "chroma filterbank for n_fft \(nFFT) applied to \(power.rows) bins")
        let frames = power.frames, bins = power.rows
        var acc = [Double](repeating: 0, count: frames)
        var out = [Float](repeating: 0, count: nChroma * frames)
        power.values.withUnsafeBufferPointer { s in
            weights.values.withUnsafeBufferPointer { w in
                for c in 0..<nChroma {
                    for t in 0..<frames { acc[t] = 0 }
                    for k in 0..<bins {
                        let wk = Double(w[c * bins + k])
                        if wk == 0 { continue }
                        let row = s.baseAddress! + k * frames
                        for t in 0..<frames { acc[t] += wk * Double(row[t]) }
                    }
                    for t in 0..<frames { out[c * frames + t] = Float(acc[t]) }
                }
            }
        }
        return FeatureMatrix(rows: nChroma, frames: frames, values: out)
    }
}

/// Python's / numpy's floating `a % b`: `fmod`, moved into the sign of `b`.
private func pythonRemainder(_ a: Double, _ b: Double) -> Double {
    var m = fmod(a, b)
    if m != 0, (b < 0) != (m < 0) { m += b }
    return m
}

/// Chromagram from a power spectrogram, `librosa.feature.chroma_stft(y=y, sr=sr)` (librosa 0.11) with its
/// defaults (`norm=np.inf`, 12 pitch classes, tuning estimated from the spectrogram).
///
/// The maths, per frame: `raw = W · S` with `W` the `ChromaFilterbank` for the tuning, then each frame is
/// divided by its largest value (`util.normalize(raw, norm=inf, axis=-2)`), so the strongest pitch class
/// is 1.
///
/// When `tuning` is `nil` it is estimated with `estimateTuning(power:sampleRate:nFFT:)` (librosa's
/// `estimate_tuning(S=S, sr=sr, bins_per_octave=12)`), on a 0.01-bin grid.
///
/// Edge cases: a frame whose largest value is below the smallest normal float32 (`tiny`, 1.18e-38;
/// silence in particular) is divided by 1 instead, so silence gives zeros, never NaN; any frame above
/// that, however quiet, is scaled to a maximum of 1. Silence also gives an estimated tuning of 0.
///
/// - Parameters:
///   - power: `|STFT|²`, `nFFT / 2 + 1` rows × frames.
///   - sampleRate: Hz.
///   - nFFT: FFT length the spectrogram was made with.
///   - tuning: in fractions of a chroma bin; `nil` (default) estimates it.
/// - Returns: a `12 × frames` matrix, row 0 = C.
public func chroma(power: FeatureMatrix, sampleRate: Double, nFFT: Int, tuning: Double? = nil) -> FeatureMatrix {
    let tuning = tuning ?? estimateTuning(power: power, sampleRate: sampleRate, nFFT: nFFT)
    let bank = ChromaFilterbank(sampleRate: sampleRate, nFFT: nFFT, tuning: tuning)
    var raw = bank.apply(to: power)
    let frames = raw.frames
    let tiny = Double(Float.leastNormalMagnitude)
    for t in 0..<frames {
        var length = 0.0
        for c in 0..<raw.rows { length = max(length, Double(abs(raw.values[c * frames + t]))) }
        if length < tiny { length = 1 }
        for c in 0..<raw.rows { raw.values[c * frames + t] = Float(Double(raw.values[c * frames + t]) / length) }
    }
    return raw
}
