import Foundation

/// The two frame streams every eGeMAPS low-level descriptor reads, cut and transformed the way
/// openSMILE's `cFramer` → `cWindower` → `cTransformFFT` → `cFFTmagphase` chain does for
/// eGeMAPSv02 (`gemapsv01b_frame60/win60/fft60` and `gemapsv01b_frame25/win25/fft25`).
///
/// - Frames start every `round(0.010 · rate)` samples at sample 0 (`frameCenterSpecial = left`);
///   only whole frames are cut (openSMILE drops the tail that does not fill one).
/// - The long stream is `round(0.060 · rate)` samples under a Gaussian window (σ = 0.4 of half
///   the frame, peak 1); the short one `round(0.020 · rate)` samples under a Hamming window
///   (0.54 − 0.46 cos); the short stream's unwindowed frames feed the energy descriptor.
/// - Each windowed frame is zero-padded to the next power of two and transformed; magnitudes are
///   |X(k)| for k = 0 … N/2, unnormalised.
/// - The opensmile Python package hands openSMILE 16-bit samples, `trunc(y · 32768)`, which
///   openSMILE reads back divided by 32767 (measured: without that every magnitude of a 16-bit
///   file is 3.05e-5 too small, with it they agree to 1.3e-7; on the 24-bit fixture the
///   truncation matters too). `samples` go through the same round trip here.
public struct GeMAPSAnalysisFrames: Sendable {
    /// Samples per second of the input.
    public let sampleRate: Double
    /// Samples between frame starts.
    public let step: Int
    /// Samples in a long (Gaussian, 60 ms) frame.
    public let longLength: Int
    /// Samples in a short (Hamming, 20 ms) frame.
    public let shortLength: Int
    /// FFT length of the long frames.
    public let longFFTLength: Int
    /// FFT length of the short frames.
    public let shortFFTLength: Int
    /// Magnitude spectra of the Gaussian-windowed long frames (`longFFTLength / 2 + 1` each).
    public let longMagnitudes: [[Float]]
    /// RMS of each Gaussian-windowed long frame (openSMILE `cEnergy`, `rms = 1`: `gemapsv01b_e60`).
    public let longRMS: [Float]
    /// Magnitude spectra of the Hamming-windowed short frames (`shortFFTLength / 2 + 1` each).
    public let shortMagnitudes: [[Float]]
    /// Complex spectra of the Hamming-windowed short frames zero-padded symmetrically
    /// (`(N − length) / 2` zeros before the frame), in the packed fft4g layout
    /// (`[Re X0, Re X(N/2), Re X1, −Im X1, …]`, N values) that openSMILE's `gemapsv01b_fftcH25`
    /// level holds and its formant chain (``GeMAPSFormants``) reads.
    public let shortCenteredSpectra: [[Float]]
    /// The unwindowed short frames (for `cEnergy` on `gemapsv01b_frame25`).
    public let shortFrames: [[Float]]
    /// The input samples after the 16-bit round trip, as the frames were cut from them.
    public let scaledSamples: [Float]

    /// Cuts and transforms `samples` (mono, any rate).
    public init(samples: [Float], sampleRate: Double) {
        self.sampleRate = sampleRate
        step = max(1, Int((0.010 * sampleRate).rounded()))
        longLength = max(1, Int((0.060 * sampleRate).rounded()))
        shortLength = max(1, Int((0.020 * sampleRate).rounded()))
        longFFTLength = Self.powerOfTwo(atLeast: longLength)
        shortFFTLength = Self.powerOfTwo(atLeast: shortLength)
        let scaled = samples.map { sample -> Float in
            let level = (Double(sample) * 32768).rounded(.towardZero)
            return Float(min(max(level, -32768), 32767) / 32767)
        }
        scaledSamples = scaled

        let gaussian = Self.gaussianWindow(count: longLength, sigma: 0.4)
        let hamming = Self.hammingWindow(count: shortLength)
        let longTransform = FrameTransform(fftLength: longFFTLength)
        let shortTransform = FrameTransform(fftLength: shortFFTLength)
        var longMagnitudes: [[Float]] = [], longRMS: [Float] = []
        for frame in Self.frames(of: scaled, length: longLength, step: step) {
            let windowed = zip(frame, gaussian).map { $0 * Float($1) }
            var sumOfSquares = 0.0
            for value in windowed { sumOfSquares += Double(value) * Double(value) }
            longRMS.append(Float((sumOfSquares / Double(windowed.count)).squareRoot()))
            longMagnitudes.append(Self.magnitudes(of: longTransform.spectrum(of: windowed)))
        }
        var shortMagnitudes: [[Float]] = [], shortCenteredSpectra: [[Float]] = [], shortFrames: [[Float]] = []
        let centring = (shortFFTLength - shortLength) / 2
        for frame in Self.frames(of: scaled, length: shortLength, step: step) {
            shortFrames.append(frame)
            let windowed = zip(frame, hamming).map { $0 * Float($1) }
            shortMagnitudes.append(Self.magnitudes(of: shortTransform.spectrum(of: windowed)))
            shortCenteredSpectra.append(GeMAPSSpectrumResampler.packedLayout(
                fromInterleaved: shortTransform.spectrum(of: windowed, offset: centring)))
        }
        self.longMagnitudes = longMagnitudes
        self.longRMS = longRMS
        self.shortMagnitudes = shortMagnitudes
        self.shortCenteredSpectra = shortCenteredSpectra
        self.shortFrames = shortFrames
    }

    /// Whole frames of `length` samples every `step` samples from sample 0.
    static func frames(of samples: [Float], length: Int, step: Int) -> [[Float]] {
        guard samples.count >= length else { return [] }
        let count = (samples.count - length) / step + 1
        return (0..<count).map { Array(samples[($0 * step)..<($0 * step + length)]) }
    }

    /// openSMILE's `smileDsp_winGau`.
    static func gaussianWindow(count: Int, sigma: Double) -> [Double] {
        let n = Double(count)
        return (0..<count).map { i in
            let t = (Double(i) - (n - 1) / 2) / (sigma * (n - 1) / 2)
            return exp(-0.5 * t * t)
        }
    }

    /// openSMILE's `smileDsp_winHam`.
    static func hammingWindow(count: Int) -> [Double] {
        let n = Double(count)
        return (0..<count).map { 0.54 - 0.46 * cos(2 * Double.pi * Double($0) / (n - 1)) }
    }

    static func powerOfTwo(atLeast n: Int) -> Int {
        var length = 1
        while length < n { length <<= 1 }
        return length
    }

    static func magnitudes(of spectrum: [Float]) -> [Float] {
        stride(from: 0, to: spectrum.count, by: 2).map { k in
            let re = Double(spectrum[k]), im = Double(spectrum[k + 1])
            return Float((re * re + im * im).squareRoot())
        }
    }
}

/// One stream's FFT plan and scratch buffers, made once and reused for every frame.
private struct FrameTransform {
    let fft: RealFFT
    let input: FFTBuffer
    let output: FFTBuffer

    init(fftLength: Int) {
        fft = RealFFT.plan(size: fftLength)
        input = FFTBuffer(count: fftLength)
        output = FFTBuffer(count: 2 * fft.bins)
    }

    /// The real FFT of `frame` placed `offset` samples into a zero buffer of the FFT length:
    /// interleaved (re, im) for bins 0 … N/2.
    func spectrum(of frame: [Float], offset: Int = 0) -> [Float] {
        input.pointer.update(repeating: 0, count: fft.size)
        for (i, value) in frame.prefix(fft.size - offset).enumerated() { input.pointer[offset + i] = value }
        fft.forward(input, into: output)
        return Array(UnsafeBufferPointer(start: output.pointer, count: 2 * fft.bins))
    }
}
