import Foundation

/// The eGeMAPSv02 acoustic parameter set (Eyben et al. 2016) of one recording, computed the way
/// openSMILE 2.6.0's `eGeMAPSv02.conf` does it when the `opensmile` Python package is given the
/// samples: the 88 functionals of 25 low-level descriptors, in openSMILE's order (`names`).
///
/// The chain, from ``GeMAPSAnalysisFrames`` (60 ms Gaussian and 20 ms Hamming frames every 10 ms):
/// - 60 ms frames: F0 by subharmonic summation and Viterbi smoothing (``GeMAPSPitch``), jitter and
///   shimmer on the waveform (``GeMAPSJitterShimmer``), HNR, H1–H2, H1–A3 and formant amplitudes
///   (``GeMAPSHarmonics``);
/// - 20 ms frames: loudness, alpha ratio, Hammarberg index, spectral slopes, flux, MFCC 1–4, the
///   LPC formants (F1–F3 frequency and bandwidth) and the frame energy;
/// - selectors as openSMILE's: formant frequencies and bandwidths, and the voiced spectral
///   descriptors, are kept where the unsmoothed F0 is voiced and zeroed elsewhere; the unvoiced
///   spectral descriptors the other way round;
/// - a 3-frame moving average (``GeMAPSContourSmoother``; zeros skipped for the `sma3nz` contours);
/// - the frames openSMILE's functionals see: every 20 ms-frame contour without the smoother's extra
///   frame; the F0-aligned contours without the last two frames (three when the last F0 frame is
///   voiced), which openSMILE's pitch smoother and its window processors never hand on.
///
/// How close it is to openSMILE, feature by feature and why, is in docs/FEATURES.md.
public enum EGeMAPS {
    /// The 88 functional names in openSMILE's column order.
    public static var names: [String] { EGeMAPSFunctionalSet.names }

    /// Fewest samples that give at least one F0 frame (one 60 ms frame): shorter input gives
    /// all-zero functionals.
    public static func minimumSamples(sampleRate: Double) -> Int {
        max(1, Int((0.060 * sampleRate).rounded()))
    }

    /// The 88 functionals of `samples` (mono, in [-1, 1], any rate ≥ 8 kHz).
    public static func functionals(samples: [Float], sampleRate: Double) -> [Float] {
        EGeMAPSFunctionalSet.compute(contours(samples: samples, sampleRate: sampleRate))
    }

    /// The smoothed contours the functionals read, trimmed to the frames openSMILE's functionals see.
    public static func contours(samples: [Float], sampleRate: Double) -> EGeMAPSContours {
        contours(frames: GeMAPSAnalysisFrames(samples: samples, sampleRate: sampleRate))
    }

    /// The smoothed, trimmed contours from already cut frames.
    public static func contours(frames: GeMAPSAnalysisFrames) -> EGeMAPSContours {
        let rate = frames.sampleRate
        // openSMILE times frames by the configured 10 ms step, not by the whole-sample step (220.5
        // samples at 22.05 kHz are cut as 221, yet a frame still counts 0.010 s).
        var c = EGeMAPSContours(framePeriod: 0.010)
        let shortCount = frames.shortMagnitudes.count

        // 20 ms descriptors.
        let loudness = GeMAPSAuditoryLoudness.track(magnitudes: frames.shortMagnitudes, sampleRate: rate,
                                                    fftLength: frames.shortFFTLength)
        let spectral = GeMAPSSpectralShape.track(magnitudes: frames.shortMagnitudes, sampleRate: rate,
                                                 fftLength: frames.shortFFTLength)
        let mfcc = GeMAPSMFCC.track(magnitudes: frames.shortMagnitudes, sampleRate: rate,
                                    fftLength: frames.shortFFTLength).coefficients
        let formants = GeMAPSFormants.track(complexSpectra: frames.shortCenteredSpectra, sampleRate: rate,
                                            fftLength: frames.shortFFTLength)
        c.energyRMS = GeMAPSFrameEnergy.track(frames: frames.shortFrames)

        func plain(_ contour: [Float]) -> [Float] {
            Array(GeMAPSContourSmoother.smooth(contour, skippingZeros: false).prefix(shortCount))
        }
        c.loudnessSmoothed = plain(loudness)
        c.spectralFluxSmoothed = plain(spectral.spectralFlux)
        if mfcc.count >= 4 {
            c.mfcc1Smoothed = plain(mfcc[0])
            c.mfcc2Smoothed = plain(mfcc[1])
            c.mfcc3Smoothed = plain(mfcc[2])
            c.mfcc4Smoothed = plain(mfcc[3])
        }

        // 60 ms descriptors.
        let pitch = GeMAPSPitch.track(gaussianMagnitudes: frames.longMagnitudes, rmsEnergies: frames.longRMS,
                                      sampleRate: rate, fftLength: frames.longFFTLength)
        let jitter = GeMAPSJitterShimmer.track(wave: frames.scaledSamples, sampleRate: rate, f0Hz: pitch.f0Hz)
        let harmonics = GeMAPSHarmonics.track(f0Hz: pitch.f0Hz, formantFrequencies: formants.frequencies,
                                              magnitudes: frames.longMagnitudes, sampleRate: rate)

        // Frames of the F0-aligned levels: openSMILE's selectors join levels frame by frame up to
        // the shorter one (the 60 ms stream has fewer frames than the 20 ms one).
        let aligned = min(pitch.semitones.count, shortCount, harmonics.harmonicsToNoiseRatioACFLogdB.count)
        let voiced = (0..<aligned).map { pitch.semitones[$0] > 0.000001 }
        let lastVoiced = pitch.semitones.last.map { $0 > 0.000001 } ?? false
        let kept = max(0, aligned - (lastVoiced ? 2 : 1))
        func nonZero(_ contour: [Float]) -> [Float] {
            Array(GeMAPSContourSmoother.smooth(Array(contour.prefix(aligned)), skippingZeros: true).prefix(kept))
        }
        func gated(_ contour: [Float], whereVoiced: Bool) -> [Float] {
            nonZero((0..<aligned).map { voiced[$0] == whereVoiced ? contour[$0] : 0 })
        }
        func column(_ rows: [[Float]], _ i: Int) -> [Float] {
            rows.map { i < $0.count ? $0[i] : 0 }
        }

        c.f0SemitoneSmoothed = nonZero(pitch.semitones)
        c.jitterLocalSmoothed = nonZero(jitter.jitterLocal)
        c.shimmerLocalDBSmoothed = nonZero(jitter.shimmerLocalDB)
        c.hnrDBACFSmoothed = nonZero(harmonics.harmonicsToNoiseRatioACFLogdB)
        c.logRelF0H1H2Smoothed = nonZero(harmonics.harmonicDifferenceLogRelH1H2)
        c.logRelF0H1A3Smoothed = nonZero(harmonics.harmonicDifferenceLogRelH1A3)
        let amplitudes = harmonics.formantAmplitudeByMaxHarmonicLogRelF0
        c.f1FrequencySmoothed = gated(column(formants.frequencies, 0), whereVoiced: true)
        c.f1BandwidthSmoothed = gated(column(formants.bandwidths, 0), whereVoiced: true)
        c.f1AmplitudeLogRelF0Smoothed = nonZero(column(amplitudes, 0))
        c.f2FrequencySmoothed = gated(column(formants.frequencies, 1), whereVoiced: true)
        c.f2BandwidthSmoothed = gated(column(formants.bandwidths, 1), whereVoiced: true)
        c.f2AmplitudeLogRelF0Smoothed = nonZero(column(amplitudes, 1))
        c.f3FrequencySmoothed = gated(column(formants.frequencies, 2), whereVoiced: true)
        c.f3BandwidthSmoothed = gated(column(formants.bandwidths, 2), whereVoiced: true)
        c.f3AmplitudeLogRelF0Smoothed = nonZero(column(amplitudes, 2))

        c.alphaRatioVSmoothed = gated(spectral.alphaRatio, whereVoiced: true)
        c.hammarbergIndexVSmoothed = gated(spectral.hammarbergIndex, whereVoiced: true)
        c.slopeV0To500Smoothed = gated(spectral.slope0to500, whereVoiced: true)
        c.slopeV500To1500Smoothed = gated(spectral.slope500to1500, whereVoiced: true)
        c.spectralFluxVSmoothed = gated(spectral.spectralFlux, whereVoiced: true)
        if mfcc.count >= 4 {
            c.mfcc1VSmoothed = gated(mfcc[0], whereVoiced: true)
            c.mfcc2VSmoothed = gated(mfcc[1], whereVoiced: true)
            c.mfcc3VSmoothed = gated(mfcc[2], whereVoiced: true)
            c.mfcc4VSmoothed = gated(mfcc[3], whereVoiced: true)
        }
        c.alphaRatioUVSmoothed = gated(spectral.alphaRatio, whereVoiced: false)
        c.hammarbergIndexUVSmoothed = gated(spectral.hammarbergIndex, whereVoiced: false)
        c.slopeUV0To500Smoothed = gated(spectral.slope0to500, whereVoiced: false)
        c.slopeUV500To1500Smoothed = gated(spectral.slope500to1500, whereVoiced: false)
        c.spectralFluxUVSmoothed = gated(spectral.spectralFlux, whereVoiced: false)
        return c
    }
}
