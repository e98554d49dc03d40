import Foundation

/// Formant frequencies and bandwidths per frame, as openSMILE's `gemapsv01b_formants` level holds them.
public struct GeMAPSFormantTrack: Sendable, Equatable {
    /// `frequencies[t][i]` is `formantFreqLpc[i + 1]` of frame t in Hz (0 where fewer formants were found).
    public var frequencies: [[Float]]
    /// `bandwidths[t][i]` is `formantBandwidthLpc[i + 1]` of frame t in Hz (0 where no formant).
    public var bandwidths: [[Float]]

    /// A track from per-frame frequency and bandwidth rows.
    public init(frequencies: [[Float]], bandwidths: [[Float]]) {
        self.frequencies = frequencies
        self.bandwidths = bandwidths
    }
}

/// openSMILE's `cFormantLpc` as eGeMAPSv02 configures it (`gemapsv01b_formantLpc`: `nFormants = 5`,
/// `minF = 50`, `maxF = 5450`, `saveBandwidths = 1`, `useLpSpec = 0`, no median filter, no octave
/// correction), plus the whole formant chain in front of it.
///
/// Per frame: the polynomial x^p − a₁x^(p−1) − … − a_p (openSMILE copies the negated LP
/// coefficients in reverse order and puts 1 on top) is solved with openSMILE's QR root finder
/// (`GeMAPSPolynomialRoots`); roots outside the unit circle are reflected to 1/conj(z); the roots
/// with Im ≥ 0 are taken **in the solver's order**, f = |atan2(Im, Re)| / (2πT) and
/// B = −ln|z| / (πT) with T = 1/11000 s (the resampled level's period); the first 5 with
/// 50 ≤ f ≤ 5450 Hz are kept and sorted by frequency; missing ones are 0.
///
/// openSMILE reuses one roots buffer across frames; when the QR iteration fails to converge in a
/// frame (e.g. an all-zero LPC polynomial) the unconverged entries keep the previous frame's roots.
/// ``analyze(lpcCoefficients:)`` and the `track` functions reproduce that (the buffer starts as zeros).
public struct GeMAPSFormants: Sendable {
    /// Number of formants reported (`nFormants`).
    public let formantCount: Int
    /// Lower edge of the formant search range in Hz (`minF`).
    public let minimumFrequency: Double
    /// Upper edge of the formant search range in Hz (`maxF`).
    public let maximumFrequency: Double
    /// Sample period of the LPC input level in seconds (openSMILE's `T` = basePeriod = 1/targetFs).
    public let samplePeriod: Double
    /// openSMILE's reused roots buffer, interleaved (re, im).
    private var roots: [Double] = []

    /// A formant analyser with eGeMAPS defaults.
    public init(formantCount: Int = 5, minimumFrequency: Double = 50, maximumFrequency: Double = 5450,
                samplePeriod: Double = 1.0 / 11000.0) {
        self.formantCount = formantCount
        self.minimumFrequency = minimumFrequency
        self.maximumFrequency = maximumFrequency
        self.samplePeriod = samplePeriod
    }

    /// Formants of one frame from its LP coefficients a₁ … a_p (a row of `gemapsv01b_lpc`).
    /// Returns `formantCount` frequencies and bandwidths in Hz (ascending frequency, zero-padded).
    public mutating func analyze(lpcCoefficients lpc: [Float]) -> (frequencies: [Float], bandwidths: [Float]) {
        let nLpc = lpc.count
        // openSMILE limits nFormants to nLpc − 1 (and uses nLpc − 1 when not positive).
        var nF = formantCount
        if nF > nLpc - 1 { nF = nLpc - 1 }
        if nF <= 0 { nF = nLpc - 1 }
        guard nLpc >= 1, nF > 0 else { return ([], []) }

        var poly = [Double](repeating: 0, count: nLpc + 1)
        for i in 0..<nLpc { poly[i] = Double(-lpc[nLpc - i - 1]) }
        poly[nLpc] = 1.0
        if roots.count < 2 * nLpc { roots += [Double](repeating: 0, count: 2 * nLpc - roots.count) }
        GeMAPSPolynomialRoots.solve(coefficients: poly, roots: &roots)
        Self.reflectIntoUnitCircle(&roots, count: nLpc)

        var formant = [Double](repeating: 0, count: nF)
        var bandwidth = [Double](repeating: 0, count: nF)
        Self.rootsToFormants(roots, count: nLpc, frequencies: &formant, bandwidths: &bandwidth,
                             samplePeriod: samplePeriod, low: minimumFrequency, high: maximumFrequency)

        // Exchange sort of the leading non-zero formants by frequency (bandwidths follow).
        var nonZero = 0
        while nonZero < nF && formant[nonZero] != 0.0 { nonZero += 1 }
        for i in 0..<nonZero {
            var j = i + 1
            while j < nonZero {
                if formant[j] < formant[i] {
                    formant.swapAt(i, j)
                    bandwidth.swapAt(i, j)
                }
                j += 1
            }
        }
        return (formant.map { Float($0) }, bandwidth.map { Float($0) })
    }

    /// `smileMath_complexIntoUnitCircle`: replaces every root with |z| > 1 by 1/conj(z)
    /// (computed with `smileMath_complexDiv`'s scaled division).
    static func reflectIntoUnitCircle(_ roots: inout [Double], count: Int) {
        for i in 0..<count {
            let re = roots[2 * i], im = roots[2 * i + 1]
            if (re * re + im * im).squareRoot() > 1.0 {
                let q = complexDivide(1.0, 0.0, re, -im)
                roots[2 * i] = q.re
                roots[2 * i + 1] = q.im
            }
        }
    }

    /// `smileMath_complexDiv`: (ReA + i ImA) / (ReB + i ImB); 0 when the divisor is 0.
    static func complexDivide(_ reA: Double, _ imA: Double, _ reB: Double, _ imB: Double) -> (re: Double, im: Double) {
        var real = 0.0, imag = 0.0
        if abs(reB) >= abs(imB) {
            if reB != 0.0 {
                let r = imB / reB
                let den = reB + r * imB
                if den != 0.0 {
                    real = (reA + imA * r) / den
                    imag = (imA - r * reA) / den
                }
            }
        } else {
            if imB != 0.0 {
                let r = reB / imB
                let den = imB + r * reB
                if den != 0.0 {
                    real = (reA * r + imA) / den
                    imag = (imA * r - reA) / den
                }
            }
        }
        return (real, imag)
    }

    /// `smileDsp_lpcrootsToFormants`: the first `frequencies.count` roots (in root order) with
    /// Im ≥ 0 and frequency in [low, high]; the rest are set to 0.
    static func rootsToFormants(_ r: [Double], count nR: Int, frequencies fc: inout [Double], bandwidths bc: inout [Double],
                                samplePeriod: Double, low: Double, high: Double) {
        let nF = fc.count
        var fHigh = high
        let spPi = samplePeriod * Double.pi
        let spPi2 = spPi * 2.0
        if fHigh < low || fHigh > 1.0 / samplePeriod { fHigh = 0.5 / samplePeriod - low }
        var found = 0
        for i in 0..<nR {
            let re = r[2 * i], im = r[2 * i + 1]
            if im < 0 { continue }
            let f = abs(atan2(im, re)) / spPi2
            if f >= low && f <= fHigh {
                bc[found] = -log((re * re + im * im).squareRoot()) / spPi
                fc[found] = f
                found += 1
                if found >= nF { break }
            }
        }
        var i = found
        while i < nF { fc[i] = 0; bc[i] = 0; i += 1 }
    }

    /// Formants of every frame from LP coefficient rows (`gemapsv01b_lpc` → `gemapsv01b_formants`).
    public static func track(lpcCoefficients: [[Float]], samplePeriod: Double = 1.0 / 11000.0) -> GeMAPSFormantTrack {
        var analyser = GeMAPSFormants(samplePeriod: samplePeriod)
        var frequencies: [[Float]] = [], bandwidths: [[Float]] = []
        frequencies.reserveCapacity(lpcCoefficients.count)
        bandwidths.reserveCapacity(lpcCoefficients.count)
        for row in lpcCoefficients {
            let result = analyser.analyze(lpcCoefficients: row)
            frequencies.append(result.frequencies)
            bandwidths.append(result.bandwidths)
        }
        return GeMAPSFormantTrack(frequencies: frequencies, bandwidths: bandwidths)
    }

    /// The whole eGeMAPS formant chain: packed complex spectra (rows exactly as openSMILE's
    /// `gemapsv01b_fftcH25`, layout in ``GeMAPSSpectrumResampler``) → resampling to 11 kHz →
    /// 11th-order LPC → formants.
    /// - Parameters:
    ///   - complexSpectra: one packed fft4g row of `fftLength` values per frame (Hamming-windowed
    ///     20 ms frame every 10 ms, zero-padded symmetrically to `fftLength`).
    ///   - sampleRate: input sample rate in Hz.
    ///   - fftLength: the padded FFT length (next power of two ≥ round(0.020 · sampleRate)).
    public static func track(complexSpectra: [[Float]], sampleRate: Double, fftLength: Int) -> GeMAPSFormantTrack {
        let resampled = GeMAPSSpectrumResampler.track(complexSpectra: complexSpectra, sampleRate: sampleRate, fftLength: fftLength)
        let lpc = GeMAPSLinearPrediction.track(frames: resampled)
        return track(lpcCoefficients: lpc)
    }
}
