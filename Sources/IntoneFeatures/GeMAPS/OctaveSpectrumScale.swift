import Foundation

/// Rescales a linear-frequency FFT magnitude spectrum to a log2 (octave) frequency axis,
/// mirroring openSMILE's `cSpecScale` as configured by eGeMAPSv02 (`gemapsv01b_scale`:
/// `scale = octave`, `sourceScale = lin`, `interpMethod = spline`, `minF = 25`, `maxF = -1`,
/// `nPointsTarget = 0`, `specSmooth = 1`, `specEnhance = 1`, `auditoryWeighting = 1`).
///
/// Per frame: peak enhancement (`smileDsp_specEnhanceSHS`), 3-tap smoothing
/// (`smileDsp_specSmoothSHS`), natural cubic spline from the bin frequencies (on the log2 axis)
/// onto `binCount` equidistant log2 points between `minFrequency` and `maxFrequency`, then
/// multiplication with openSMILE's auditory (arctan) weighting. Input and output are
/// 32-bit floats, intermediate values are doubles, as in openSMILE.
public struct OctaveSpectrumScale: Sendable {
    /// Number of input magnitude bins (fftLength/2 + 1); also the number of output points.
    public let binCount: Int
    /// Frequency spacing of the input bins in Hz (openSMILE `deltaF = 1 / frameSizeSec`).
    public let binSpacingHz: Double
    /// Lowest frequency of the target axis in Hz (`minF`).
    public let minFrequency: Double
    /// Highest frequency of the target axis in Hz (`maxF`, clamped to `binSpacingHz * (binCount - 1)`).
    public let maxFrequency: Double
    /// log2 of `minFrequency` (openSMILE `fmin_t`).
    public let minLog2Frequency: Double
    /// log2 of `maxFrequency` (openSMILE `fmax_t`).
    public let maxLog2Frequency: Double
    /// Number of octaves spanned by the target axis.
    public let octaveCount: Double
    /// Number of target points per octave.
    public let pointsPerOctave: Double

    /// log2 frequency of every input bin (bin 0 is extrapolated as openSMILE does).
    private let binLog2Frequencies: [Double]
    // Cached spline terms (openSMILE `smileMath_cspline_init`).
    private let splineSigma: [Double]
    private let splineDiffUpper: [Double]
    private let splineDiffLower: [Double]
    // Cached interpolation terms (openSMILE `smileMath_csplint_init`).
    private let interpLowerIndex: [Int]
    private let interpA: [Double]
    private let interpC: [Double]
    private let interpD: [Double]
    /// Auditory weighting per output point, or empty if disabled.
    private let auditoryWeights: [Double]
    private let enhancePeaks: Bool
    private let smoothSpectrum: Bool

    /// Creates the scaler for the eGeMAPS Gaussian 60 ms spectrum.
    /// - Parameters:
    ///   - binCount: number of magnitude bins per frame (fftLength/2 + 1).
    ///   - frameSizeSeconds: openSMILE's `frameSizeSec` of the FFT magnitude level
    ///     (see ``GeMAPSPitch/fftFrameSizeSeconds(sampleRate:fftLength:frameSizeSeconds:)``).
    ///   - minFrequency: `minF` option (values below 1 become 1, as in openSMILE).
    ///   - maxFrequency: `maxF` option (-1 = highest input bin frequency).
    ///   - specEnhance: `specEnhance` option.
    ///   - specSmooth: `specSmooth` option.
    ///   - auditoryWeighting: `auditoryWeighting` option.
    public init(binCount: Int, frameSizeSeconds: Double, minFrequency: Double = 25.0,
                maxFrequency: Double = -1.0, specEnhance: Bool = true, specSmooth: Bool = true,
                auditoryWeighting: Bool = true) {
        let n = max(binCount, 0)
        self.binCount = n
        self.enhancePeaks = specEnhance
        self.smoothSpectrum = specSmooth
        // openSMILE stores the level frame size through a float cast before inverting it.
        let fsSec = Double(Float(frameSizeSeconds))
        let deltaF = 1.0 / fsSec
        self.binSpacingHz = deltaF
        let minF = minFrequency < 1.0 ? 1.0 : minFrequency
        var maxF = maxFrequency
        let nyquist = deltaF * Double(n - 1)
        if maxF <= minF || maxF > nyquist { maxF = nyquist }
        self.minFrequency = minF
        self.maxFrequency = maxF
        let log2Base = Foundation.log(2.0)
        func toLog2(_ x: Double) -> Double { x > 0 ? Foundation.log(x) / log2Base : 0.0 }
        let fminT = toLog2(minF)
        let fmaxT = toLog2(maxF)
        self.minLog2Frequency = fminT
        self.maxLog2Frequency = fmaxT
        let nOctaves = Foundation.log(maxF / minF) / Foundation.log(2.0)
        let nPPO = Double(n) / nOctaves
        self.octaveCount = nOctaves
        self.pointsPerOctave = nPPO

        guard n >= 3 else {
            binLog2Frequencies = []; splineSigma = []; splineDiffUpper = []; splineDiffLower = []
            interpLowerIndex = []; interpA = []; interpC = []; interpD = []; auditoryWeights = []
            return
        }
        var ft = [Double](repeating: 0, count: n)
        for i in 1..<n { ft[i] = toLog2(Double(i) * deltaF) }
        ft[0] = 2.0 * ft[1] - ft[2]
        binLog2Frequencies = ft

        var sigma = [Double](repeating: 0, count: n)
        var d1 = [Double](repeating: 0, count: n)
        var d2 = [Double](repeating: 0, count: n)
        for i in 1..<(n - 1) {
            sigma[i] = (ft[i] - ft[i - 1]) / (ft[i + 1] - ft[i - 1])
            d1[i] = (ft[i + 1] - ft[i]) * (ft[i + 1] - ft[i - 1])
            d2[i] = (ft[i] - ft[i - 1]) * (ft[i + 1] - ft[i - 1])
        }
        splineSigma = sigma; splineDiffUpper = d1; splineDiffLower = d2

        let deltaT = (fmaxT - fminT) / Double(n - 1)
        var kIdx = [Int](repeating: 0, count: n)
        var ca = [Double](repeating: 0, count: n)
        var cc = [Double](repeating: 0, count: n)
        var cd = [Double](repeating: 0, count: n)
        var kupper = 1
        for i in 0..<n {
            let x = fminT + Double(i) * deltaT
            while kupper < n && ft[kupper] < x { kupper += 1 }
            // openSMILE fails (and would not produce output) if x lies beyond the last bin;
            // clamp to the last interval instead of failing.
            if kupper == n { kupper = n - 1 }
            let klower = kupper - 1
            kIdx[i] = klower
            let range = ft[kupper] - ft[klower]
            let a = range != 0 ? (ft[kupper] - x) / range : 0
            let b = 1.0 - a
            let range2 = range * range / 6.0
            ca[i] = a
            cc[i] = (a * a * a - a) * range2
            cd[i] = (b * b * b - b) * range2
        }
        interpLowerIndex = kIdx; interpA = ca; interpC = cc; interpD = cd

        if auditoryWeighting {
            let atanS = nPPO * (Foundation.log(65.0 / 50.0) / Foundation.log(2.0)) - 1.0
            var w = [Double](repeating: 0, count: n)
            for i in 0..<n {
                w[i] = 0.5 + Foundation.atan(3.0 * (Double(i + 1) - atanS) / nPPO) / Double.pi
            }
            auditoryWeights = w
        } else {
            auditoryWeights = []
        }
    }

    /// Scales one frame. `magnitudes` must hold `binCount` values (openSMILE `pcm_fftMag`);
    /// missing values are treated as 0. Returns `binCount` values (openSMILE `pcm_fftMag_octScale`).
    public func apply(_ magnitudes: [Float]) -> [Float] {
        let n = binCount
        guard n >= 3 else { return [Float](repeating: 0, count: n) }
        var y = [Double](repeating: 0, count: n)
        for i in 0..<min(n, magnitudes.count) { y[i] = Double(magnitudes[i]) }
        if enhancePeaks { Self.enhancePeaks(&y) }
        if smoothSpectrum { Self.smooth(&y) }

        // Natural cubic spline second derivatives (openSMILE smileMath_cspline, yp1 = ypn = 1e30).
        var y2 = [Double](repeating: 0, count: n)
        var u = [Double](repeating: 0, count: n - 1)
        for i in 1..<(n - 1) {
            let sig = splineSigma[i]
            let p = 1.0 / (sig * y2[i - 1] + 2.0)
            y2[i] = (sig - 1.0) * p
            let ut = (y[i + 1] - y[i]) / splineDiffUpper[i] - (y[i] - y[i - 1]) / splineDiffLower[i]
            u[i] = p * (6.0 * ut - sig * u[i - 1])
        }
        let qn = 0.0, un = 0.0
        y2[n - 1] = (un - qn * u[n - 2]) / (qn * y2[n - 2] + 1.0)
        var j = n - 2
        while j >= 0 {
            y2[j] = y2[j] * y2[j + 1] + u[j]
            j -= 1
        }

        var out = [Float](repeating: 0, count: n)
        for i in 0..<n {
            let k = interpLowerIndex[i]
            let a = interpA[i]
            let b = 1.0 - a
            let v = a * y[k] + b * y[k + 1] + interpC[i] * y2[k] + interpD[i] * y2[k + 1]
            out[i] = Float(v)
        }
        if !auditoryWeights.isEmpty {
            for i in 0..<n {
                if out[i] > 0 {
                    out[i] = Float(Double(out[i]) * auditoryWeights[i])
                } else {
                    out[i] = 0
                }
            }
        }
        return out
    }

    /// Peak enhancement of a linear magnitude spectrum (openSMILE `smileDsp_specEnhanceSHS`):
    /// zeroes everything farther than 2 bins from a local maximum. Reproduces openSMILE's
    /// single-peak case, which reads the (zero) second peak slot.
    static func enhancePeaks(_ a: inout [Double]) {
        let n = a.count
        guard n >= 2 else { return }
        var posmax = [Int](repeating: 0, count: (n + 1) / 2 + 2)
        var nmax = 0
        if a[0] > a[1] { posmax[nmax] = 0; nmax += 1 }
        if n > 2 {
            for i in 1..<(n - 1) where a[i] > a[i - 1] && a[i] >= a[i + 1] {
                posmax[nmax] = i; nmax += 1
            }
        }
        if a[n - 1] > a[n - 2] { posmax[nmax] = n - 1; nmax += 1 }
        if nmax == 1 {
            let p = posmax[1]
            var j = 0
            while j <= p - 3 { a[j] = 0; j += 1 }
            j = p + 3
            while j < n { a[j] = 0; j += 1 }
        } else if nmax > 1 {
            for i in 1..<nmax {
                var j = posmax[i - 1] + 3
                while j <= posmax[i] - 3 { a[j] = 0; j += 1 }
            }
        }
    }

    /// 3-tap [1 2 1]/4 smoothing of a linear magnitude spectrum (openSMILE `smileDsp_specSmoothSHS`);
    /// the last bin is left unchanged.
    static func smooth(_ a: inout [Double]) {
        let n = a.count
        guard n >= 2 else { return }
        var aim1 = 0.0
        for i in 0..<(n - 1) {
            let ai = a[i]
            a[i] = (aim1 + 2.0 * ai + a[i + 1]) / 4.0
            aim1 = ai
        }
    }
}
