import Foundation

/// openSMILE's `cSpecResample` as eGeMAPSv02 configures it (`gemapsv01b_resampLpc`, `targetFs = 11000`):
/// turns one frame's packed real-FFT spectrum into a short time signal at the target rate by a
/// direct (slow) inverse DFT with rescaled sin/cos tables (`smileDsp_initIrdft` / `smileDsp_irdft`).
///
/// Input layout (exactly a row of openSMILE's `gemapsv01b_fftcH25` level, the output of
/// `cTransformFFT` as written by the fft4g `rdft(n, +1, …)` routine), for an FFT of length `K`:
/// - `x[0]` = Re X(0) (DC), `x[1]` = Re X(K/2) (Nyquist),
/// - `x[2k]` = Σ x[j] cos(2πjk/K) and `x[2k + 1]` = Σ x[j] sin(2πjk/K) for 0 < k < K/2, i.e. the
///   imaginary part has the opposite sign of the usual e^(−iωt) DFT (`+sin`, not `−sin`);
/// - unnormalised, taken of the Hamming-windowed 20 ms frame zero-padded to `K` (the next power of
///   two) **symmetrically**: `(K − N) / 2` zeros before the `N` samples and the rest after
///   (`cTransformFFT` `zeroPadSymmetric = 1`). The padding position matters here, because the
///   output is a time signal.
///
/// Output: `outputLength` samples (`round(0.020 · 11000) = 220` for the eGeMAPS frame size at every
/// input rate). Sample i is (X(0) + Σ_k [x[2k] cos(2πki/nd) + x[2k+1] sin(2πki/nd)]) / (K/2), with
/// nd = K · ratio (the padded frame length at the target rate, e.g. 352 at 16 kHz) and k running
/// over the first `min(K, outputLength) / 2 − 1` bins only (openSMILE's anti-alias limit counts
/// output *samples*, not the padded length, so e.g. at 16 kHz only bins up to 3.4 kHz survive),
/// and the Nyquist term only when `outputLength ≥ K`. The 220 samples span the first
/// 220 · K / nd input samples of the padded frame (leading zeros included), as openSMILE does.
/// Tables are `Float` (`FLOAT_DMEM`) cast from `Double` cos/sin and the sums accumulate in `Float`
/// in openSMILE's order, so values round as openSMILE's do.
public struct GeMAPSSpectrumResampler: Sendable {
    /// Number of values in an input row (the FFT length `K`).
    public let inputLength: Int
    /// Number of time samples produced per frame (openSMILE's `_Nout`).
    public let outputLength: Int
    /// The denominator of the sin/cos arguments (openSMILE's `nd`): the padded frame length at the target rate.
    public let denominator: Double
    /// Number of packed input values used (openSMILE's `kMax`, even).
    public let usedInputValues: Int
    /// The resampling ratio after rounding to a whole output length (openSMILE's adjusted `resampleRatio`).
    public let ratio: Double
    private let cosTable: [Float]
    private let sinTable: [Float]

    /// Sets up the resampler as `cSpecResample::setupNewNames` does.
    /// - Parameters:
    ///   - fftLength: `K`, the length of the packed spectrum rows (power of two ≥ the frame length).
    ///   - sampleRate: the input sample rate in Hz.
    ///   - frameSizeSeconds: the framer's `frameSize` option (eGeMAPS: 0.020).
    ///   - targetRate: `targetFs` (eGeMAPS: 11000).
    public init(fftLength: Int, sampleRate: Double, frameSizeSeconds: Double = 0.020, targetRate: Double = 11000) {
        let k = max(fftLength, 0)
        inputLength = k
        // Level timing as openSMILE derives it: basePeriod = 1/fs, sr = 1/basePeriod.
        let basePeriod = sampleRate > 0 ? 1.0 / sampleRate : 1.0
        let sr = 1.0 / basePeriod
        var resampleRatio = (targetRate > 0 ? targetRate : 1.0) / sr
        // cFramer: frameSizeFrames = round(frameSize / T); cTransformFFT pads to a power of two and
        // scales frameSizeSec by K / N, remembering the unpadded size in lastFrameSizeSec.
        let frameSamples = Self.wholeCount(frameSizeSeconds / basePeriod)
        let padded = frameSamples > 0 && k > 0 && k != frameSamples
        let nOut0: Double
        let nd: Double
        if padded {
            let lastFsSec = frameSizeSeconds
            let fsSec = frameSizeSeconds * (Double(k) / Double(frameSamples))
            nOut0 = (Double(k) * resampleRatio * lastFsSec / fsSec).rounded()
            resampleRatio = nOut0 / (Double(k) * (lastFsSec / fsSec))
            nd = Double(k) * resampleRatio
        } else {
            nOut0 = (Double(k) * resampleRatio).rounded()
            if k > 0 { resampleRatio = nOut0 / Double(k) }
            nd = nOut0
        }
        ratio = resampleRatio
        let outCount = Self.wholeCount(nOut0)
        outputLength = outCount
        denominator = nd
        var kMax = min(k, outCount)
        if kMax & 1 == 1 { kMax -= 1 }
        usedInputValues = kMax
        let half = kMax / 2
        var cosTable = [Float](repeating: 0, count: half * outCount)
        var sinTable = [Float](repeating: 0, count: half * outCount)
        let pi2 = 2.0 * Double.pi
        if half > 0 {
            for i in 0..<outCount {
                let row = i * half
                if outCount >= k {
                    // Nyquist term in the row's last slot.
                    cosTable[row + k / 2 - 1] = Float(cos((pi2 * Double((k / 2) * i)) / nd))
                }
                var bin = 1
                while bin < half {
                    let arg = pi2 * Double(bin * i) / nd
                    cosTable[row + bin - 1] = Float(cos(arg))
                    sinTable[row + bin - 1] = Float(sin(arg))
                    bin += 1
                }
            }
        }
        self.cosTable = cosTable
        self.sinTable = sinTable
    }

    /// A non-negative sample count from a computed value (0 for NaN, negative or absurdly large values).
    private static func wholeCount(_ value: Double) -> Int {
        guard value.isFinite, value > 0, value < 1e9 else { return 0 }
        return Int(value.rounded())
    }

    /// Resamples one packed spectrum row (layout in the type's documentation) to `outputLength` samples.
    /// A row shorter than `inputLength` is treated as zero-extended.
    public func resample(_ packed: [Float]) -> [Float] {
        var out = [Float](repeating: 0, count: outputLength)
        guard inputLength >= 2, outputLength > 0 else { return out }
        let x: [Float] = packed.count >= inputLength
            ? packed : packed + [Float](repeating: 0, count: inputLength - packed.count)
        let half = usedInputValues / 2
        let norm = Float(inputLength / 2)
        let withNyquist = outputLength >= inputLength
        for i in 0..<outputLength {
            let row = i * half
            var value = x[0]
            if withNyquist { value += x[1] * cosTable[row + inputLength / 2 - 1] }
            var bin = 1
            while bin < half {
                value += x[2 * bin] * cosTable[row + bin - 1]
                value += x[2 * bin + 1] * sinTable[row + bin - 1]
                bin += 1
            }
            out[i] = value / norm
        }
        return out
    }

    /// Resamples every row of a track (`gemapsv01b_fftcH25` → `gemapsv01b_outpR`).
    public static func track(complexSpectra: [[Float]], sampleRate: Double, fftLength: Int) -> [[Float]] {
        let resampler = GeMAPSSpectrumResampler(fftLength: fftLength, sampleRate: sampleRate)
        return complexSpectra.map { resampler.resample($0) }
    }

    /// Converts a spectrum given as interleaved (re, im) pairs for bins 0 … K/2 with the usual
    /// e^(−iωt) sign (`K + 2` values, e.g. an r2c FFT output) into the packed fft4g layout this
    /// resampler reads: `[Re X0, Re X(K/2), Re X1, −Im X1, …]`.
    public static func packedLayout(fromInterleaved interleaved: [Float]) -> [Float] {
        let k = max(0, interleaved.count - 2)
        guard k >= 2 else { return [Float](repeating: 0, count: k) }
        var packed = [Float](repeating: 0, count: k)
        packed[0] = interleaved[0]
        packed[1] = interleaved[k]
        for bin in 1..<(k / 2) {
            packed[2 * bin] = interleaved[2 * bin]
            packed[2 * bin + 1] = -interleaved[2 * bin + 1]
        }
        return packed
    }
}
