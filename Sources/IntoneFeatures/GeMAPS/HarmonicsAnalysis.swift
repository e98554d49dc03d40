import Foundation

/// Harmonic descriptors as openSMILE's `cHarmonics` computes them for eGeMAPSv02
/// (instance `gemapsv01b_harmonics` → level `gemapsv01b_harmonics`).
///
/// Per frame it reads F0 (`F0final` of `gemapsv01b_logPitch`), the LPC formant frequencies
/// (`formantFreqLpc` of `gemapsv01b_formants`; the bandwidths are read but, as in openSMILE,
/// unused) and the Gaussian-window 60 ms magnitude spectrum (`pcm_fftMag` of
/// `gemapsv01b_fftmagG60`), and outputs
/// - `HarmonicsToNoiseRatioACFLogdB`: 10·log10(r(T0) / (r(0) − r(T0))) from the autocorrelation
///   r of the power spectrum, at the ACF peak closest to lag fs/F0 (0 when unvoiced);
/// - `HarmonicDifferenceLogRelH1-H2`, `HarmonicDifferenceLogRelH1-A3`: differences of harmonic
///   levels in dB relative to the F0 bin (openSMILE counts harmonics from H0 = F0, so "H1" is the
///   peak near 2·F0; A3 is the strongest harmonic within ±20 % of formant 3);
/// - `FormantAmplitudeByMaxHarmonicLogRelF0[1…3]`: level in dB (relative to the F0 bin) of the
///   strongest harmonic within ±20 % of each formant frequency (0 if none, −201 when unvoiced).
///
/// Options mirrored: `nHarmonics = 100`, `harmonicDifferences = H1-H2;H1-A3`,
/// `harmonicDifferencesLog = 1`, `nHarmonicMagnitudes = 0`, `formantAmplitudes = 1`,
/// `formantAmplitudesLogRel = 1`, `formantAmplitudesStart = 1`, `formantAmplitudesEnd = 3`,
/// `computeAcfHnrLogdB = 1`, `logRelValueFloorUnvoiced = -201` (default).
public enum GeMAPSHarmonics {
    /// The `gemapsv01b_harmonics` fields, one value per frame each.
    public struct Track: Sendable, Equatable {
        /// `HarmonicsToNoiseRatioACFLogdB` (dB).
        public var harmonicsToNoiseRatioACFLogdB: [Float]
        /// `HarmonicDifferenceLogRelH1-H2` (dB).
        public var harmonicDifferenceLogRelH1H2: [Float]
        /// `HarmonicDifferenceLogRelH1-A3` (dB).
        public var harmonicDifferenceLogRelH1A3: [Float]
        /// `FormantAmplitudeByMaxHarmonicLogRelF0[1]`, `[2]`, `[3]` (dB): index 0 is formant 1.
        public var formantAmplitudeByMaxHarmonicLogRelF0: [[Float]]
    }

    /// Computes the harmonic descriptors for every frame.
    ///
    /// - Parameters:
    ///   - f0Hz: `F0final` per frame (Hz, 0 where unvoiced).
    ///   - formantFrequencies: per frame, `formantFreqLpc[1…]` in Hz (eGeMAPS: 5 values, 0 for
    ///     formants not found). At least 3 are needed for the A3 / formant 1–3 outputs; missing
    ///     ones behave like openSMILE's out-of-range formants.
    ///   - magnitudes: per frame, the unnormalised FFT magnitude spectrum |X(k)|, k = 0 … N/2, of
    ///     the Gaussian-windowed (σ = 0.4) 60 ms frame zero-padded to N (`gemapsv01b_fftmagG60`).
    ///     N/2 + 1 values; N must be a power of two.
    ///   - sampleRate: samples per second of the audio.
    ///   - frameSizeSeconds: the framer's `frameSize` (0.060 s); with the sample rate it fixes the
    ///     spectrum's frequency axis exactly as `cTransformFFT` stores it (bin k at
    ///     k / (frameSize · N / round(frameSize · rate)) Hz).
    /// - Returns: one value per frame; frames are `min` of the three input counts.
    public static func track(
        f0Hz: [Float],
        formantFrequencies: [[Float]],
        magnitudes: [[Float]],
        sampleRate: Double,
        frameSizeSeconds: Double = 0.060
    ) -> Track {
        let frames = min(f0Hz.count, formantFrequencies.count, magnitudes.count)
        var track = Track(
            harmonicsToNoiseRatioACFLogdB: [], harmonicDifferenceLogRelH1H2: [],
            harmonicDifferenceLogRelH1A3: [], formantAmplitudeByMaxHarmonicLogRelF0: [])
        guard frames > 0 else { return track }
        let bins = magnitudes[0].count
        let analyzer = HarmonicsFrameAnalyzer(
            bins: bins, sampleRate: sampleRate, frameSizeSeconds: frameSizeSeconds)
        for i in 0..<frames {
            let out = analyzer.analyze(
                f0: f0Hz[i], formants: formantFrequencies[i], magnitudes: magnitudes[i])
            track.harmonicsToNoiseRatioACFLogdB.append(out.hnr)
            track.harmonicDifferenceLogRelH1H2.append(out.h1h2)
            track.harmonicDifferenceLogRelH1A3.append(out.h1a3)
            track.formantAmplitudeByMaxHarmonicLogRelF0.append(out.formantAmplitudes)
        }
        return track
    }
}

/// One spectral peak assigned to a harmonic (`sF0Harmonic`, fields used by eGeMAPS).
private struct Harmonic {
    var bin = 0
    var freqInterpolated: Float = 0
    var magnitude: Float = 0
    var magnitudeInterpolated: Float = 0
    var magnitudeLogRelF0: Float = 0
}

/// `cHarmonics::processVectorFloat` for the eGeMAPSv02 options.
private struct HarmonicsFrameAnalyzer {
    let nHarmonics = 100
    let formantStart = 1
    let formantEnd = 3
    let logRelValueFloorUnvoiced: Float = -201
    /// Frequency (Hz) of each spectral bin, as stored in the FFT level's field info.
    let frq: [Double]
    let autocorrelation: HarmonicsSpectralAutocorrelation?

    init(bins: Int, sampleRate: Double, frameSizeSeconds: Double) {
        let fftLength = max(0, (bins - 1) * 2)
        let frameLength = Int((frameSizeSeconds / (1.0 / sampleRate)).rounded())
        var frameSizeOut = frameSizeSeconds
        if frameLength > 0 && frameLength & (frameLength - 1) != 0 && fftLength > 0 {
            frameSizeOut *= Double(fftLength) / Double(frameLength)
        }
        let binHz = frameSizeOut > 0 ? 1.0 / frameSizeOut : 0
        frq = (0..<bins).map { binHz * Double($0) }
        autocorrelation = HarmonicsSpectralAutocorrelation(bins: bins)
    }

    struct Output {
        var hnr: Float
        var h1h2: Float
        var h1a3: Float
        var formantAmplitudes: [Float]
    }

    func analyze(f0: Float, formants: [Float], magnitudes: [Float]) -> Output {
        let nBins = min(frq.count, magnitudes.count)
        var hnr: Float = 0
        if nBins == frq.count, let autocorrelation {
            let acf = autocorrelation.acf(of: magnitudes)
            let acfBin = freqToAcfBin(f0)
            let refined = acfBin > 0 ? closestPeak(acf, acfBin) : 0
            hnr = acfHnrDB(acf, refined)
        }

        guard f0 > 0, nBins >= 3 else {
            return Output(
                hnr: hnr, h1h2: 0, h1a3: 0,
                formantAmplitudes: [Float](
                    repeating: logRelValueFloorUnvoiced, count: formantEnd - formantStart + 1))
        }
        var harmonics = findHarmonicPeaks(f0, magnitudes, nBins)
        postProcess(&harmonics)

        let amplitudeIndices = formantAmplitudeIndices(formants, harmonics)
        // H1-H2: both harmonic indices valid.
        let h1h2 = clip201(harmonics[1].magnitudeLogRelF0 - harmonics[2].magnitudeLogRelF0)
        // H1-A3: A3 resolves to the strongest harmonic near formant 3 (or -1).
        let a3Index = amplitudeIndices.count >= 3 ? amplitudeIndices[2] : -1
        let h1a3: Float
        if a3Index >= 0 && a3Index < nHarmonics {
            h1a3 = clip201(harmonics[1].magnitudeLogRelF0 - harmonics[a3Index].magnitudeLogRelF0)
        } else {
            h1a3 = clip201(harmonics[1].magnitudeLogRelF0 - Float(201))
        }
        var formantAmplitudes = [Float]()
        for f in formantStart...formantEnd {
            if f > 0 && f <= amplitudeIndices.count {
                let idx = amplitudeIndices[f - 1]
                formantAmplitudes.append(idx >= 0 ? harmonics[idx].magnitudeLogRelF0 : 0)
            } else if f == 0 {
                formantAmplitudes.append(harmonics[0].magnitudeLogRelF0)
            } else {
                formantAmplitudes.append(-201)
            }
        }
        return Output(hnr: hnr, h1h2: h1h2, h1a3: h1a3, formantAmplitudes: formantAmplitudes)
    }

    func clip201(_ v: Float) -> Float {
        if v < -201 { return -201 }
        if v > 201 { return 201 }
        return v
    }

    // MARK: ACF HNR

    /// `freqToAcfBinLin`: lag (in ACF bins) of period 1/F0.
    func freqToAcfBin(_ freq: Float) -> Int {
        guard let last = frq.last, freq > 0 else { return 0 }
        let fs = last * 2.0
        return Int((fs / Double(freq)).rounded(.down))
    }

    /// `cHarmonics::isPeak`.
    func isPeak(_ x: [Float], _ n: Int, _ i: Int) -> Bool {
        if i >= n || i < 0 { return false }
        if i + 1 < n {
            if i > 0 { return x[i] > x[i - 1] && x[i] > x[i + 1] }
            return x[0] > x[1]
        }
        if i > 0 { return x[i] > x[i - 1] }
        return false
    }

    /// `cHarmonics::getClosestPeak`.
    func closestPeak(_ x: [Float], _ idx: Int) -> Int {
        let n = x.count
        guard idx >= 0 && idx < n else {
            // openSMILE would read out of bounds here; the lag is beyond the ACF.
            return 0
        }
        if isPeak(x, n, idx) { return idx }
        var o = 1
        while idx - o > 0 || idx + o < n - 1 {
            if idx - o > 0 && isPeak(x, n, idx - o) { return idx - o }
            if idx + o < n - 1 && isPeak(x, n, idx + o) { return idx + o }
            o += 1
        }
        if x[0] > x[idx] && x[n - 1] <= x[idx] { return 0 }
        if x[0] <= x[idx] && x[n - 1] > x[idx] { return n - 1 }
        if x[0] > x[idx] && x[n - 1] > x[idx] { return idx < n / 2 ? 0 : n - 1 }
        return idx
    }

    /// `computeAcfHnr_dB`.
    func acfHnrDB(_ a: [Float], _ bin: Int) -> Float {
        guard bin > 0 else { return 0 }
        var hnr = Double(a[0] - a[bin])
        if hnr == 0.0 {
            hnr = 10e10
        } else {
            hnr = Double(a[bin]) / hnr
        }
        let ret: Double
        if hnr > 10e10 {
            ret = 10.0 * log10(10e10)
        } else if hnr < 10e-10 {
            ret = 10.0 * log10(10e-10)
        } else {
            ret = 10.0 * log10(hnr)
        }
        return Float(ret)
    }

    // MARK: Harmonic peaks

    /// `cHarmonics::freqToBin`: nearest bin to `freq`, scanning up from `startBin`; 0 if `freq`
    /// lies above the last bin.
    func freqToBin(_ freq: Float, _ startBin: Int) -> Int {
        let f = Double(freq)
        var s = max(startBin, 0)
        while s < frq.count {
            if frq[s] > f {
                // openSMILE reads frq[s - 1]; s == 0 cannot occur for freq >= 0.
                let below = s > 0 ? frq[s - 1] : frq[0]
                return frq[s] - f > f - below ? s - 1 : s
            }
            s += 1
        }
        return 0
    }

    /// `findHarmonicPeaks`, branch for spectra with a frequency axis (the one openSMILE takes).
    func findHarmonicPeaks(_ pitch: Float, _ mag: [Float], _ nBins: Int) -> [Harmonic] {
        var harmonics = [Harmonic](repeating: Harmonic(), count: nHarmonics)
        var lastBin = freqToBin(Float(0.5) * pitch, 1)
        let firstBin = freqToBin(Float(0.5) * pitch, lastBin)
        for i in 0..<nHarmonics {
            let candBin = freqToBin(Float(i + 1) * pitch, lastBin)
            var peakBin = -1
            if candBin >= nBins {
                harmonics[i] = Harmonic(
                    bin: -1, freqInterpolated: 0, magnitude: 0, magnitudeInterpolated: 0,
                    magnitudeLogRelF0: -201)
                continue
            }
            if isPeak(mag, nBins, candBin) {
                peakBin = candBin
            } else {
                var candL = candBin - 1
                var candR = candBin + 1
                let lowerLimit = freqToBin((Float(i) + 0.5) * pitch, lastBin)
                let upperLimit = freqToBin((Float(i) + 1.5) * pitch, candBin)
                while (candL >= lowerLimit || candR <= upperLimit) && peakBin == -1 {
                    if candR <= upperLimit {
                        if isPeak(mag, nBins, candR) { peakBin = candR; break }
                        candR += 1
                    }
                    if candL >= lowerLimit {
                        if isPeak(mag, nBins, candL) { peakBin = candL; break }
                        candL -= 1
                    }
                }
            }
            if peakBin >= firstBin && peakBin < nBins - 1 && peakBin >= 1 {
                var interpolated = 0.0
                let freq = quadraticPeak(
                    frq[peakBin - 1], Double(mag[peakBin - 1]),
                    frq[peakBin], Double(mag[peakBin]),
                    frq[peakBin + 1], Double(mag[peakBin + 1]), peakValue: &interpolated)
                harmonics[i] = Harmonic(
                    bin: peakBin, freqInterpolated: Float(freq), magnitude: mag[peakBin],
                    magnitudeInterpolated: Float(interpolated), magnitudeLogRelF0: -201)
            } else {
                harmonics[i] = Harmonic(
                    bin: candBin, freqInterpolated: 0, magnitude: 0, magnitudeInterpolated: 0,
                    magnitudeLogRelF0: -201)
            }
            lastBin = candBin
        }
        return harmonics
    }

    /// `postProcessHarmonics(…, logRelMagnitude = true)`: levels relative to the F0 peak in dB,
    /// and removal of harmonics that landed on the same bin as their predecessor.
    func postProcess(_ h: inout [Harmonic]) {
        var logRel = true
        var magnitudeF0 = h[0].magnitude
        if magnitudeF0 == 0 {
            logRel = false
        } else {
            magnitudeF0 = log10f(magnitudeF0)
        }
        h[0].magnitudeLogRelF0 = 0
        for i in 1..<h.count {
            if logRel {
                if h[i].magnitudeInterpolated > 0 {
                    let tmp = Double(log10f(h[i].magnitudeInterpolated))
                    var v = Float(20.0 * (tmp - Double(magnitudeF0)))
                    if v < -200 { v = -200 }
                    h[i].magnitudeLogRelF0 = v
                } else {
                    h[i].magnitudeLogRelF0 = -200
                }
            } else {
                h[i].magnitudeLogRelF0 = -201
            }
            if h[i].bin == h[i - 1].bin {
                h[i] = Harmonic(
                    bin: 0, freqInterpolated: 0, magnitude: 0, magnitudeInterpolated: 0,
                    magnitudeLogRelF0: -201)
            }
        }
    }

    /// `getFormantAmplitudeIndices`: per formant, the harmonic with the largest magnitude whose
    /// interpolated frequency lies within 0.8–1.2 × the formant frequency (−1 if none).
    func formantAmplitudeIndices(_ formants: [Float], _ h: [Harmonic]) -> [Int] {
        formants.map { centre in
            let left = Float(0.8) * centre
            let right = Float(1.2) * centre
            var maxIdx = -1
            var maxMag: Float = 0
            for (index, harmonic) in h.enumerated()
            where harmonic.freqInterpolated >= left && harmonic.freqInterpolated <= right {
                if harmonic.magnitude > maxMag {
                    maxIdx = index
                    maxMag = harmonic.magnitude
                }
            }
            return maxIdx
        }
    }
}
