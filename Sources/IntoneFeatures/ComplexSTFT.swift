#if canImport(Glibc)
import Glibc
#endif

/// A complex short-time Fourier transform: `bins` frequencies × `frames` frames, as librosa's
/// complex `stft` matrix `D[bin, frame]`.
///
/// Storage is frame-major and interleaved: frame `t` is the contiguous run
/// `values[2 * t * bins ..< 2 * (t + 1) * bins]` of (re, im) pairs, so each frame is exactly one FFT
/// output. (Magnitude features use `FeatureMatrix`, which is frequency-major; `magnitude()` converts.)
public struct ComplexSpectrogram: Equatable, Sendable {
    /// Frequency bins per frame (`nFFT / 2 + 1`).
    public let bins: Int
    /// Number of frames.
    public let frames: Int
    /// `2 * bins * frames` floats: frame-major, interleaved (re, im); bin `k` of frame `t` is at `2 * (t * bins + k)`.
    public var values: [Float]

    /// Wraps `values` (frame-major, interleaved, `2 * bins * frames` of them).
    public init(bins: Int, frames: Int, values: [Float]) {
        precondition(bins >= 0 && frames >= 0 && values.count == 2 * bins * frames,
                     "ComplexSpectrogram: \(values.count) floats for \(bins) x \(frames) complex values")
        self.bins = bins
        self.frames = frames
        self.values = values
    }

    /// A spectrogram of zeros.
    public init(bins: Int, frames: Int) {
        self.init(bins: bins, frames: frames, values: [Float](repeating: 0, count: 2 * bins * frames))
    }

    /// The complex value at `bin`, `frame`.
    public subscript(bin k: Int, frame t: Int) -> (re: Float, im: Float) {
        get { let i = 2 * (t * bins + k); return (values[i], values[i + 1]) }
        set { let i = 2 * (t * bins + k); values[i] = newValue.re; values[i + 1] = newValue.im }
    }

    /// `|D|` as a frequency-major `bins × frames` matrix (numpy's `np.abs`, via `hypotf`).
    public func magnitude() -> FeatureMatrix {
        var out = FeatureMatrix(rows: bins, frames: frames)
        for t in 0..<frames {
            for k in 0..<bins {
                let i = 2 * (t * bins + k)
                out.values[k * frames + t] = hypotf(values[i], values[i + 1])
            }
        }
        return out
    }
}

/// The complex STFT of a signal: librosa's `stft(y, n_fft, hop_length, win_length, window='hann', center, pad_mode='constant')`.
///
/// Framing, window and padding are those of `spectrogram` (periodic Hann zero-padded to n_fft, frames
/// centred with `nFFT / 2` zeros either side when `center` is on); the transform is FFTW in single
/// precision, where librosa computes in double and rounds to complex64 (differences ~1e-7 relative
/// to each frame's largest bin).
///
/// - Returns: `parameters.bins` × `frameCount(samples:)` complex values. An empty signal gives one
///   frame of zeros when centred.
/// - Throws: `FeatureError` if the settings are invalid, or if `center` is off and the signal is shorter than n_fft.
public func stft(_ samples: [Float], parameters p: STFTParameters = STFTParameters()) throws(FeatureError) -> ComplexSpectrogram {
    try p.validate()
    let frames = p.frameCount(samples: samples.count)
    if !p.center && frames == 0 {
        throw FeatureError.signalTooShort(samples: samples.count, needed: p.nFFT)
    }
    let bins = p.bins, nFFT = p.nFFT, hop = p.hopLength, n = samples.count
    let fft = RealFFT.plan(size: nFFT)
    let window = STFTWindowCache.window(nFFT: nFFT, winLength: p.winLength)
    let frame = FFTBuffer(count: nFFT)
    let spectrum = FFTBuffer(count: 2 * bins)
    let pad = p.center ? nFFT / 2 : 0
    var out = [Float](repeating: 0, count: 2 * bins * frames)
    out.withUnsafeMutableBufferPointer { o in
        for t in 0..<frames {
            let start = t * hop - pad
            for i in 0..<nFFT {
                let j = start + i
                frame.pointer[i] = (j >= 0 && j < n) ? samples[j] * window[i] : 0
            }
            fft.forward(frame, into: spectrum)
            (o.baseAddress! + 2 * bins * t).update(from: spectrum.pointer, count: 2 * bins)
        }
    }
    return ComplexSpectrogram(bins: bins, frames: frames, values: out)
}

/// The inverse STFT by weighted overlap-add: librosa's
/// `istft(D, hop_length, win_length, n_fft, window='hann', center, length)`, step for step.
///
/// Each frame is inverted (`irfft`, float32), multiplied by the Hann window in double precision and
/// added into a float32 output in frame order; the sum is then divided by the window's sum-square
/// envelope (accumulated in float32 as `librosa.filters.window_sumsquare` does) wherever that envelope
/// exceeds float32's smallest normal number (`librosa.util.tiny`), and left as is elsewhere.
///
/// - Parameters:
///   - D: the spectrogram; its `bins` must equal `parameters.bins`.
///   - parameters: STFT settings; `nil` (default) infers librosa's defaults from `D`:
///     n_fft `2 * (bins - 1)`, hop n_fft / 4, centred.
///   - length: exact output length (zero-padded or truncated, and only the frames that reach it are
///     used). `nil` or 0 (librosa treats 0 as "not given") gives `nFFT + hop * (frames - 1)` samples,
///     minus `2 * (nFFT / 2)` when centred.
/// - Returns: the signal; an empty spectrogram gives `length` zeros (or none).
/// - Throws: `FeatureError.invalidParameter` if the settings are invalid, the bin count does not match
///   n_fft, or `length` is negative.
public func istft(_ D: ComplexSpectrogram, parameters: STFTParameters? = nil, length: Int? = nil) throws(FeatureError) -> [Float] {
    let p = parameters ?? STFTParameters(nFFT: max(2 * (D.bins - 1), 0))
    try p.validate()
    guard D.bins == p.bins else {
        throw FeatureError.invalidParameter("stft_matrix has \(D.bins) frequency bins, n_fft \(p.nFFT) needs \(p.bins)")
    }
    if let length, length < 0 { throw FeatureError.invalidParameter("length must not be negative (got \(length))") }
    let fixedLength = (length ?? 0) > 0 ? length : nil
    let nFFT = p.nFFT, hop = p.hopLength, bins = p.bins
    let half = p.center ? nFFT / 2 : 0

    var frames = D.frames
    if let fixedLength {
        let padded = fixedLength + 2 * half
        frames = min(frames, (padded + hop - 1) / hop)
    }
    guard frames > 0 else { return [Float](repeating: 0, count: fixedLength ?? 0) }
    let count = fixedLength ?? max(nFFT + hop * (frames - 1) - 2 * half, 0)

    let window = Window.padCenter(Window.hann(length: p.winLength), to: nFFT)
    let ifft = RealInverseFFT.plan(size: nFFT)
    let spectrum = FFTBuffer(count: 2 * bins)
    let frame = FFTBuffer(count: nFFT)
    var y = [Float](repeating: 0, count: count)
    D.values.withUnsafeBufferPointer { d in
        y.withUnsafeMutableBufferPointer { out in
            for t in 0..<frames {
                spectrum.pointer.update(from: d.baseAddress! + 2 * bins * t, count: 2 * bins)
                ifft.inverse(destroying: spectrum, into: frame)
                let start = t * hop - half
                let lo = max(0, -start), hi = min(nFFT, count - start)
                guard lo < hi else { continue }
                for i in lo..<hi {
                    // librosa: float32 buffer += float64 (window * float32 frame), rounded on store.
                    out[start + i] = Float(Double(out[start + i]) + window[i] * Double(frame.pointer[i]))
                }
            }
        }
    }

    let envelope = windowSumSquare(window: window, frames: frames, hopLength: hop)
    for i in 0..<count {
        let j = i + half
        guard j < envelope.count else { break }
        let w = envelope[j]
        if w > Float.leastNormalMagnitude { y[i] /= w }
    }
    return y
}

/// librosa's `filters.window_sumsquare` for a padded window: `nFFT + hop * (frames - 1)` float32 values,
/// each the sum of `window²` (double, rounded on every float32 add) over the frames that cover it.
func windowSumSquare(window: [Double], frames: Int, hopLength hop: Int) -> [Float] {
    let nFFT = window.count
    let n = nFFT + hop * (frames - 1)
    let square = window.map { $0 * $0 }
    var x = [Float](repeating: 0, count: n)
    for t in 0..<frames {
        let start = t * hop
        for i in 0..<min(nFFT, n - start) {
            x[start + i] = Float(Double(x[start + i]) + square[i])
        }
    }
    return x
}
