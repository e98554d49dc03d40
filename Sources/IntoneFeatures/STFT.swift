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
    let pad = p.center ? p.nFFT / 2 : 0
    let starts = (0..<frames).map { $0 * p.hopLength - pad }
    return samples.withUnsafeBufferPointer { frameSpectra($0, starts: starts, parameters: p, power: power) }
}

/// |FFT|^power of the windowed frames of `x` that begin at `starts` (bins × starts.count), samples
/// outside `x` taken as zeros: frame `t` is exactly the frame `spectrogram` computes when it starts there.
///
/// Frames are written out `block` at a time: the block's spectra go to a frame-major scratch, then
/// each bin's run of `block` values is copied to its row, so the frequency-major output is written
/// in contiguous runs.
func frameSpectra(_ x: UnsafeBufferPointer<Float>, starts: [Int], parameters p: STFTParameters, power: Float) -> FeatureMatrix {
    let frames = starts.count
    let bins = p.bins
    var out = [Float](repeating: 0, count: bins * frames)
    let block = 16
    var scratch = [Float](repeating: 0, count: block * bins)
    out.withUnsafeMutableBufferPointer { o in
        scratch.withUnsafeMutableBufferPointer { sc in
            let op = o.baseAddress!, sp = sc.baseAddress!
            forEachFrameSpectrum(x, starts: starts, parameters: p, power: power) { t, spectrum in
                let b = t % block
                (sp + b * bins).update(from: spectrum, count: bins)
                if b == block - 1 || t == frames - 1 {
                    transposeBlock(sp, rows: b + 1, columns: bins, into: op + (t - b), rowStride: frames)
                }
            }
        }
    }
    return FeatureMatrix(rows: bins, frames: frames, values: out)
}

/// Calls `body(t, spectrum)` with |FFT|^power (`bins` values) of each windowed frame of `x` that
/// begins at `starts[t]`, in order; samples outside `x` are zeros. The pointer is valid during the call only.
func forEachFrameSpectrum(_ x: UnsafeBufferPointer<Float>, starts: [Int], parameters p: STFTParameters, power: Float,
                          _ body: (Int, UnsafePointer<Float>) -> Void) {
    let bins = p.bins
    let fft = RealFFT.plan(size: p.nFFT)
    let window = STFTWindowCache.window(nFFT: p.nFFT, winLength: p.winLength)
    let frameBuffer = FFTBuffer(count: p.nFFT)
    let spectrum = FFTBuffer(count: 2 * bins)
    var row = [Float](repeating: 0, count: bins)
    let n = x.count
    let nFFT = p.nFFT
    window.withUnsafeBufferPointer { w in
        row.withUnsafeMutableBufferPointer { r in
            let xp = x.baseAddress, wp = w.baseAddress!, rp = r.baseAddress!
            let buf = frameBuffer.pointer
            let spec = spectrum.pointer
            for (t, start) in starts.enumerated() {
                if let xp, start >= 0 && start + nFFT <= n {
                    windowed(xp + start, wp, into: buf, count: nFFT)
                } else {
                    for i in 0..<nFFT {
                        let j = start + i
                        buf[i] = (j >= 0 && j < n) ? x[j] * wp[i] : 0
                    }
                }
                fft.forward(frameBuffer, into: spectrum)
                squaredMagnitudes(spec, into: rp, count: bins)
                if power == 1 {
                    for k in 0..<bins { rp[k] = rp[k].squareRoot() }
                } else if power != 2 {
                    for k in 0..<bins { rp[k] = pow(rp[k].squareRoot(), power) }
                }
                body(t, UnsafePointer(rp))
            }
        }
    }
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

/// `out[i] = x[i] * w[i]` for `count` values.
@inline(__always)
private func windowed(_ x: UnsafePointer<Float>, _ w: UnsafePointer<Float>, into out: UnsafeMutablePointer<Float>, count: Int) {
    var i = 0
    while i &+ 8 <= count {
        let a = UnsafeRawPointer(x + i).loadUnaligned(as: SIMD8<Float>.self)
        let b = UnsafeRawPointer(w + i).loadUnaligned(as: SIMD8<Float>.self)
        UnsafeMutableRawPointer(out + i).storeBytes(of: a * b, as: SIMD8<Float>.self)
        i &+= 8
    }
    while i < count { out[i] = x[i] * w[i]; i &+= 1 }
}

/// `out[k] = re² + im²` over `count` interleaved complex values.
@inline(__always)
private func squaredMagnitudes(_ spectrum: UnsafePointer<Float>, into out: UnsafeMutablePointer<Float>, count: Int) {
    var k = 0
    while k &+ 4 <= count {
        let v = UnsafeRawPointer(spectrum + 2 &* k).loadUnaligned(as: SIMD8<Float>.self)
        let re = SIMD4<Float>(v[0], v[2], v[4], v[6]), im = SIMD4<Float>(v[1], v[3], v[5], v[7])
        UnsafeMutableRawPointer(out + k).storeBytes(of: re * re + im * im, as: SIMD4<Float>.self)
        k &+= 4
    }
    while k < count {
        let re = spectrum[2 &* k], im = spectrum[2 &* k &+ 1]
        out[k] = re * re + im * im
        k &+= 1
    }
}

/// Writes the transpose of a `rows × columns` row-major block: element (r, c) goes to `out[c * rowStride + r]`.
/// Tiles of 4 × 4 keep both reads and writes within a few cache lines.
@inline(__always)
private func transposeBlock(_ src: UnsafePointer<Float>, rows: Int, columns: Int, into out: UnsafeMutablePointer<Float>, rowStride: Int) {
    var c0 = 0
    while c0 < columns {
        let c1 = min(c0 &+ 64, columns)
        for r in 0..<rows {
            let s = src + r &* columns
            var c = c0
            while c < c1 {
                out[c &* rowStride &+ r] = s[c]
                c &+= 1
            }
        }
        c0 = c1
    }
}
