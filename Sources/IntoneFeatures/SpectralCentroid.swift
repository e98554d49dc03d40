/// Spectral centroid per frame, `librosa.feature.spectral_centroid(y=y, sr=sr)` (librosa 0.11) computed
/// from a magnitude spectrogram `S = |STFT|` (power 1, librosa's default for this feature).
///
/// The maths, per frame (column) with bin frequencies `f[k] = k · sr / nFFT`:
///
///     centroid = Σₖ f[k] · Ŝ[k],   Ŝ[k] = S[k] / Σⱼ S[j]
///
/// i.e. the magnitude-weighted mean frequency in Hz. `Ŝ` is librosa's `util.normalize(S, norm=1, axis=-2)`:
/// the L1 norm is summed in double precision, `S / norm` is rounded to float32 (normalize returns S's
/// dtype), and the weighted sum is taken in double precision before rounding the result to float32.
///
/// Edge cases: a frame whose L1 norm is below the smallest normal float32 (`util.tiny`, 1.18e-38),
/// silence in particular, is divided by 1 instead (normalize's `fill=None`), so it gives a centroid of
/// 0 Hz, never NaN. A spectrogram with no frames gives a `1 × 0` matrix.
///
/// - Parameters:
///   - magnitude: `|STFT|`, `nFFT / 2 + 1` rows × frames (e.g. `spectrogram(y, parameters:, power: 1)`).
///   - sampleRate: Hz.
///   - nFFT: FFT length the spectrogram was made with.
/// - Returns: a `1 × frames` matrix in Hz.
public func spectralCentroid(magnitude: FeatureMatrix, sampleRate: Double, nFFT: Int) -> FeatureMatrix {
    precondition(magnitude.rows == nFFT / 2 + 1, "spectralCentroid: \(magnitude.rows) rows for n_fft \(nFFT)")
    let freqs = fftFrequencies(sampleRate: sampleRate, nFFT: nFFT)
    let centroids = centroidsInDouble(magnitude, l1Norms: l1Norms(magnitude), frequencies: freqs)
    return FeatureMatrix(rows: 1, frames: magnitude.frames, values: centroids.map { Float($0) })
}

/// Per-frame L1 norms as librosa's `normalize(norm=1)` uses them: `Σ |S[k]|` in double precision,
/// replaced by 1 where below `tiny(float32)` so silent frames stay zero.
func l1Norms(_ s: FeatureMatrix) -> [Double] {
    var norms = [Double](repeating: 0, count: s.frames)
    s.values.withUnsafeBufferPointer { v in
        for k in 0..<s.rows {
            let row = v.baseAddress! + k * s.frames
            for t in 0..<s.frames { norms[t] += Double(abs(row[t])) }
        }
    }
    let tiny = Double(Float.leastNormalMagnitude)
    return norms.map { $0 < tiny ? 1 : $0 }
}

/// `Σₖ f[k] · Float(S[k] / norm)` per frame, in double precision (librosa's centroid before rounding;
/// spectral bandwidth uses it unrounded).
func centroidsInDouble(_ s: FeatureMatrix, l1Norms norms: [Double], frequencies freqs: [Double]) -> [Double] {
    var out = [Double](repeating: 0, count: s.frames)
    s.values.withUnsafeBufferPointer { v in
        for k in 0..<s.rows {
            let row = v.baseAddress! + k * s.frames
            let f = freqs[k]
            for t in 0..<s.frames { out[t] += f * Double(Float(Double(row[t]) / norms[t])) }
        }
    }
    return out
}
