import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// Short-time Fourier transform settings, with librosa's defaults.
public struct STFTParameters: Equatable, Hashable, Sendable, Codable {
    /// FFT length in samples. librosa default 2048.
    public var nFFT: Int
    /// Samples between successive frames. librosa default `winLength / 4` = 512.
    public var hopLength: Int
    /// Window length (≤ nFFT; the Hann window is zero-padded to nFFT, centred). Default nFFT.
    public var winLength: Int
    /// Centre frames on their time stamps by padding `nFFT / 2` zeros at both ends
    /// (librosa's `center=True, pad_mode='constant'`). Default true.
    public var center: Bool

    public init(nFFT: Int = 2048, hopLength: Int? = nil, winLength: Int? = nil, center: Bool = true) {
        self.nFFT = nFFT
        self.winLength = winLength ?? nFFT
        self.hopLength = hopLength ?? (winLength ?? nFFT) / 4
        self.center = center
    }

    /// Frequency bins per frame: `nFFT / 2 + 1`.
    public var bins: Int { nFFT / 2 + 1 }

    /// Frames for `n` samples: `1 + n / hop` when centred, `1 + (n - nFFT) / hop` otherwise (0 if too short).
    public func frameCount(samples n: Int) -> Int {
        if center { return 1 + n / hopLength }
        return n < nFFT ? 0 : 1 + (n - nFFT) / hopLength
    }

    /// Checks the settings make sense.
    public func validate() throws(FeatureError) {
        guard nFFT >= 2 else { throw FeatureError.invalidParameter("n_fft must be at least 2 (got \(nFFT))") }
        guard hopLength >= 1 else { throw FeatureError.invalidParameter("hop_length must be positive (got \(hopLength))") }
        guard winLength >= 1, winLength <= nFFT else {
            throw FeatureError.invalidParameter("win_length must be between 1 and n_fft (got \(winLength), n_fft \(nFFT))")
        }
    }
}

/// |STFT|^power of a signal, laid out by frequency (`bins` rows × frames), as librosa's `np.abs(stft(y))**power`.
///
/// - Parameters:
///   - samples: mono signal.
///   - parameters: STFT settings (librosa defaults: n_fft 2048, hop 512, Hann, centred with zero padding).
///   - power: 2 for the power spectrogram (default), 1 for magnitude.
/// - Returns: a matrix of `parameters.bins` rows. A signal shorter than n_fft still gives frames
///   when centred (librosa warns and pads); an empty signal gives one frame of zeros when centred.
/// - Throws: `FeatureError` if the settings are invalid, or if `center` is off and the signal is shorter than n_fft.
public func spectrogram(_ samples: [Float], parameters p: STFTParameters = STFTParameters(), power: Float = 2) throws(FeatureError) -> FeatureMatrix {
    try p.validate()
    let frames = p.frameCount(samples: samples.count)
    if !p.center && frames == 0 {
        throw FeatureError.signalTooShort(samples: samples.count, needed: p.nFFT)
    }
    let bins = p.bins
    var out = [Float](repeating: 0, count: bins * frames)
    let fft = RealFFT.plan(size: p.nFFT)
    let window = STFTWindowCache.window(nFFT: p.nFFT, winLength: p.winLength)
    let frameBuffer = FFTBuffer(count: p.nFFT)
    let spectrum = FFTBuffer(count: 2 * bins)
    // Frames are transformed one at a time but written out `block` at a time: the block's
    // spectra go to a frame-major scratch, then each bin's run of `block` values is copied to its
    // row, so the frequency-major output is written in contiguous runs.
    let block = 16
    var scratch = [Float](repeating: 0, count: block * bins)
    let pad = p.center ? p.nFFT / 2 : 0
    let n = samples.count
    let nFFT = p.nFFT, hop = p.hopLength
    samples.withUnsafeBufferPointer { x in
        out.withUnsafeMutableBufferPointer { o in
            window.withUnsafeBufferPointer { w in
                scratch.withUnsafeMutableBufferPointer { sc in
                    let buf = frameBuffer.pointer
                    let spec = spectrum.pointer
                    var t0 = 0
                    while t0 < frames {
                        let count = min(block, frames - t0)
                        for b in 0..<count {
                            let start = (t0 + b) * hop - pad
                            if start >= 0 && start + nFFT <= n {
                                for i in 0..<nFFT { buf[i] = x[start + i] * w[i] }
                            } else {
                                for i in 0..<nFFT {
                                    let j = start + i
                                    buf[i] = (j >= 0 && j < n) ? x[j] * w[i] : 0
                                }
                            }
                            fft.forward(frameBuffer, into: spectrum)
                            let row = sc.baseAddress! + b * bins
                            for k in 0..<bins {
                                let re = spec[2 * k], im = spec[2 * k + 1]
                                row[k] = re * re + im * im
                            }
                            if power == 1 {
                                for k in 0..<bins { row[k] = row[k].squareRoot() }
                            } else if power != 2 {
                                for k in 0..<bins { row[k] = pow(row[k].squareRoot(), power) }
                            }
                        }
                        for k in 0..<bins {
                            let dst = o.baseAddress! + k * frames + t0
                            for b in 0..<count { dst[b] = sc[b * bins + k] }
                        }
                        t0 += count
                    }
                }
            }
        }
    }
    return FeatureMatrix(rows: bins, frames: frames, values: out)
}

/// Hann windows (zero-padded to n_fft) by size, computed once.
enum STFTWindowCache {
    private struct Key: Hashable { let nFFT: Int; let winLength: Int }
    private static let cache = Mutex<[Key: [Float]]>([:])

    static func window(nFFT: Int, winLength: Int) -> [Float] {
        cache.withLock { c in
            let key = Key(nFFT: nFFT, winLength: winLength)
            if let w = c[key] { return w }
            let w = Window.padCenter(Window.hann(length: winLength), to: nFFT).map { Float($0) }
            c[key] = w
            return w
        }
    }
}
