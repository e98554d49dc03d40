#if canImport(Glibc)
import Glibc
#endif

/// Stretches a complex STFT in time by `rate` with a phase vocoder: librosa's
/// `phase_vocoder(D, rate=rate, hop_length=hopLength, n_fft=nFFT)`, with its arithmetic.
///
/// Output frame `t` reads input position `step = t * rate` (numpy's `arange(0, frames, rate)`:
/// `ceil(frames / rate)` frames). Its magnitude interpolates linearly between input frames
/// `⌊step⌋` and `⌊step⌋ + 1` (frames past the end are zero); its phase is the running phase, which
/// starts at the phase of frame 0 and advances each output frame by the bin's expected advance
/// `hop · 2πk / nFFT` plus the measured deviation between the two input frames, wrapped to [-π, π]
/// with round-half-to-even (`np.round`).
///
/// Precision follows librosa on complex64 input: angles (`atan2f`) and magnitudes (`hypotf`) in
/// float32, interpolation and phase deviation in double, the running phase stored in float32
/// (numpy's in-place `+=` casts back), and output values `Float(cos(φ) · mag)`.
///
/// - Parameters:
///   - D: the STFT (bins × frames).
///   - rate: speed-up factor; > 1 is faster (fewer frames), < 1 slower. Must be finite and positive.
///   - hopLength: the STFT hop; default `nFFT / 4`.
///   - nFFT: the FFT length; default `2 * (bins - 1)`.
/// - Returns: `bins × ceil(frames / rate)` values; an empty `D` (no frames) gives an empty result.
/// - Throws: `FeatureError.invalidParameter` if `rate` is not a positive finite number, `nFFT` does not
///   match the bin count, or the stretched spectrogram would be absurdly long.
public func phaseVocoder(_ D: ComplexSpectrogram, rate: Double, hopLength: Int? = nil, nFFT: Int? = nil) throws(FeatureError) -> ComplexSpectrogram {
    guard rate.isFinite, rate > 0 else {
        throw FeatureError.invalidParameter("rate must be a positive number (got \(rate))")
    }
    let n = nFFT ?? 2 * (D.bins - 1)
    let hop = hopLength ?? n / 4
    guard hop >= 1 else { throw FeatureError.invalidParameter("hop_length must be positive (got \(hop))") }
    let bins = D.bins
    guard n >= 2, n / 2 + 1 == bins else {
        throw FeatureError.invalidParameter("stft_matrix has \(bins) frequency bins, n_fft \(n) needs \(n / 2 + 1)")
    }
    guard D.frames > 0 else { return ComplexSpectrogram(bins: bins, frames: 0) }
    let stepsDouble = (Double(D.frames) / rate).rounded(.up)
    guard stepsDouble <= Double(1 << 31) / Double(bins) else {
        throw FeatureError.invalidParameter("rate \(rate) would stretch \(D.frames) frames to \(stepsDouble)")
    }
    let steps = Int(stepsDouble)

    // np.fft.rfftfreq(n, d=1/(2π)) * hop
    let advance = fftFrequencies(sampleRate: 2 * Double.pi, nFFT: n).prefix(bins).map { Double(hop) * $0 }
    let twoPi = 2.0 * Double.pi
    var phase = [Float](repeating: 0, count: bins)
    var out = [Float](repeating: 0, count: 2 * bins * steps)
    let frames = D.frames
    D.values.withUnsafeBufferPointer { d in
        out.withUnsafeMutableBufferPointer { o in
            for k in 0..<bins { phase[k] = atan2f(d[2 * k + 1], d[2 * k]) }
            for t in 0..<steps {
                let step = Double(t) * rate
                let f0 = Int(step)
                let alpha = step.truncatingRemainder(dividingBy: 1.0)
                let base0 = f0 < frames ? 2 * bins * f0 : -1
                let base1 = f0 + 1 < frames ? 2 * bins * (f0 + 1) : -1
                let row = 2 * bins * t
                for k in 0..<bins {
                    let (re0, im0): (Float, Float) = base0 >= 0 ? (d[base0 + 2 * k], d[base0 + 2 * k + 1]) : (0, 0)
                    let (re1, im1): (Float, Float) = base1 >= 0 ? (d[base1 + 2 * k], d[base1 + 2 * k + 1]) : (0, 0)
                    let mag = (1.0 - alpha) * Double(hypotf(re0, im0)) + alpha * Double(hypotf(re1, im1))
                    let phi = phase[k]
                    o[row + 2 * k] = Float(Double(cosf(phi)) * mag)
                    o[row + 2 * k + 1] = Float(Double(sinf(phi)) * mag)
                    // float32 angle difference, then double from the expected advance on.
                    var dphase = Double(atan2f(im1, re1) - atan2f(im0, re0)) - advance[k]
                    dphase -= twoPi * (dphase / twoPi).rounded(.toNearestOrEven)
                    phase[k] = Float(Double(phi) + (advance[k] + dphase))
                }
            }
        }
    }
    return ComplexSpectrogram(bins: bins, frames: steps, values: out)
}

/// Changes a signal's speed without changing its pitch: librosa's
/// `effects.time_stretch(y, rate=rate, n_fft=nFFT, hop_length=hopLength)`.
///
/// STFT (Hann, centred), `phaseVocoder`, then `istft` with `length = round(len / rate)`
/// (round half to even, as Python's `round`).
///
/// - Parameters:
///   - y: mono signal.
///   - rate: speed-up factor: 2 plays twice as fast (half as long), 0.5 half as fast. Finite and positive.
///   - nFFT: FFT length, default 2048.
///   - hopLength: STFT hop, default 512.
/// - Returns: `round(y.count / rate)` samples; an empty signal gives an empty signal.
/// - Throws: `FeatureError.invalidParameter` if `rate` is not a positive finite number (NaN, 0,
///   negative, infinite) or the STFT settings are invalid.
public func timeStretch(_ y: [Float], rate: Double, nFFT: Int = 2048, hopLength: Int = 512) throws(FeatureError) -> [Float] {
    guard rate.isFinite, rate > 0 else {
        throw FeatureError.invalidParameter("rate must be a positive number (got \(rate))")
    }
    let parameters = STFTParameters(nFFT: nFFT, hopLength: hopLength)
    try parameters.validate()
    if y.isEmpty { return [] }
    let stretchedLength = (Double(y.count) / rate).rounded(.toNearestOrEven)
    guard stretchedLength <= Double(1 << 31) else {
        throw FeatureError.invalidParameter("rate \(rate) would stretch \(y.count) samples to \(stretchedLength)")
    }
    let D = try stft(y, parameters: parameters)
    let stretched = try phaseVocoder(D, rate: rate, hopLength: hopLength, nFFT: nFFT)
    return try istft(stretched, parameters: parameters, length: Int(stretchedLength))
}
