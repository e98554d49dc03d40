#if canImport(Glibc)
import Glibc
#endif

/// Spectral bandwidth per frame, `librosa.feature.spectral_bandwidth(y=y, sr=sr)` (librosa 0.11)
/// computed from a magnitude spectrogram `S = |STFT|` (power 1), with `norm=True`.
///
/// The maths, per frame with bin frequencies `f[k] = k · sr / nFFT` and centroid `c` (see
/// `spectralCentroid`):
///
///     bandwidth = ( Σₖ Ŝ[k] · |f[k] − c|ᵖ )^(1/p),   Ŝ[k] = S[k] / Σⱼ S[j]
///
/// With the default `p = 2` it is the magnitude-weighted standard deviation of frequency around the
/// centroid, in Hz. As in librosa, the centroid is kept in double precision (not rounded to float32),
/// `Ŝ` is the float32 result of `util.normalize(S, norm=1)`, and the sum is taken in double precision
/// before rounding to float32.
///
/// Edge cases: a frame whose L1 norm is below `tiny(float32)` (silence) is left unnormalised, all zeros,
/// so its centroid and bandwidth are both 0, never NaN. A spectrogram with no frames gives `1 × 0`.
///
/// - Parameters:
///   - magnitude: `|STFT|`, `nFFT / 2 + 1` rows × frames.
///   - sampleRate: Hz.
///   - nFFT: FFT length the spectrogram was made with.
///   - p: order of the deviation (librosa's `p`, default 2); must be positive.
/// - Returns: a `1 × frames` matrix in Hz.
public func spectralBandwidth(magnitude: FeatureMatrix, sampleRate: Double, nFFT: Int, p: Double = 2) -> FeatureMatrix {
    precondition(magnitude.rows == nFFT / 2 + 1, "spectralBandwidth: \(magnitude.rows) rows for n_fft \(nFFT)")
    precondition(p > 0, "spectralBandwidth: p must be positive")
    let freqs = fftFrequencies(sampleRate: sampleRate, nFFT: nFFT)
    let norms = l1Norms(magnitude)
    let centroids = centroidsInDouble(magnitude, l1Norms: norms, frequencies: freqs)
    let frames = magnitude.frames
    var sums = [Double](repeating: 0, count: frames)
    magnitude.values.withUnsafeBufferPointer { v in
        for k in 0..<magnitude.rows {
            let row = v.baseAddress! + k * frames
            let f = freqs[k]
            for t in 0..<frames {
                let weight = Double(Float(Double(row[t]) / norms[t]))
                let deviation = abs(f - centroids[t])
                sums[t] += weight * (p == 2 ? deviation * deviation : pow(deviation, p))
            }
        }
    }
    let values = sums.map { Float(p == 2 ? $0.squareRoot() : pow($0, 1 / p)) }
    return FeatureMatrix(rows: 1, frames: frames, values: values)
}
