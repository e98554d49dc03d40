/// Band-energy ratio per frame: spectral energy below a split frequency over the energy above it.
/// Not a librosa feature; defined for Intone by `band_energy_ratio()` in
/// `scripts/reference/make_references.py`:
///
///     nBins     = nFFT / 2 + 1                                     (1025 for n_fft 2048)
///     splitBin  = ⌊ splitFrequency / (sr / 2) · nBins ⌋           (185 at 22,050 Hz and 2 kHz)
///     low       = Σ_{k < splitBin} S[k]
///     high      = Σ_{k ≥ splitBin} S[k]
///     ratio     = low / max(high, 1e-10)
///
/// where `S = |STFT|²` is the power spectrogram. Sums and the ratio are in double precision, the result
/// rounded to float32. `splitBin` is clamped to `0...nBins` (a split at or above Nyquist puts every bin
/// in the low band).
///
/// Edge cases: silence gives 0 (0 / 1e-10), never NaN. A frame with little energy above the split gives
/// very large values (up to `low · 1e10`), so compare or model it in log scale.
///
/// - Parameters:
///   - power: `|STFT|²`, `nFFT / 2 + 1` rows × frames.
///   - sampleRate: Hz.
///   - nFFT: FFT length the spectrogram was made with.
///   - splitFrequency: Hz, default 2,000.
/// - Returns: a `1 × frames` matrix.
public func bandEnergyRatio(power: FeatureMatrix, sampleRate: Double, nFFT: Int, splitFrequency: Double = 2000) -> FeatureMatrix {
    let nBins = nFFT / 2 + 1
    precondition(power.rows == nBins, "bandEnergyRatio: \(power.rows) rows for n_fft \(nFFT)")
    let raw = (splitFrequency / (sampleRate / 2) * Double(nBins)).rounded(.down)
    let splitBin = raw.isFinite ? Int(min(max(raw, 0), Double(nBins))) : 0
    let frames = power.frames
    var low = [Double](repeating: 0, count: frames)
    var high = [Double](repeating: 0, count: frames)
    power.values.withUnsafeBufferPointer { v in
        for k in 0..<nBins {
            let row = v.baseAddress! + k * frames
            if k < splitBin {
                for t in 0..<frames { low[t] += Double(row[t]) }
            } else {
                for t in 0..<frames { high[t] += Double(row[t]) }
            }
        }
    }
    let values = (0..<frames).map { Float(low[$0] / max(high[$0], 1e-10)) }
    return FeatureMatrix(rows: 1, frames: frames, values: values)
}
