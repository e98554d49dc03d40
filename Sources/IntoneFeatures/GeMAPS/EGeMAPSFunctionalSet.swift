import Foundation

/// The smoothed eGeMAPSv02 contours (and the energy level) that the eGeMAPSv02 functionals
/// summarise, one `[Float]` per openSMILE field, each over its own level's frames (levels can
/// differ in frame count by a few frames).
///
/// Fill each field with the corresponding openSMILE level's frames: `*_sma3nz` fields are the
/// `noZeroSma = 1` smoothed contours whose unvoiced frames are 0.
///
/// Pass exactly the frames openSMILE's functionals see, which is fewer than the LLD output
/// holds: openSMILE runs its `frameMode = full` functionals when end-of-input is reached, before
/// the components flush their last frames. Measured on the test files: the loudness / spectral-flux
/// / MFCC levels lose the contour smoother's extra end frame (use the `n` smoothed frames of an
/// `n`-frame input, not `n + 1`); the F0-derived (60 ms) levels lose 2 frames of the LLD output
/// (3 when the pitch track is voiced at the very end); `energyRMS` is used in full.
public struct EGeMAPSContours: Sendable {
    /// Frame period of the contour levels in seconds (openSMILE's input period; 10 ms in eGeMAPS).
    public var framePeriod: Double

    // Level `gemapsv01b_lld_single_logF0_smo`.
    /// `F0semitoneFrom27.5Hz_sma3nz` (0 in unvoiced frames).
    public var f0SemitoneSmoothed: [Float] = []

    // Level `gemapsv01b_loudness_smo`.
    /// `loudness_sma3`.
    public var loudnessSmoothed: [Float] = []

    // Level `egemapsv02_lldSetNoF0AndLoudnessZ_smo`.
    /// `spectralFlux_sma3`.
    public var spectralFluxSmoothed: [Float] = []
    /// `mfcc1_sma3`.
    public var mfcc1Smoothed: [Float] = []
    /// `mfcc2_sma3`.
    public var mfcc2Smoothed: [Float] = []
    /// `mfcc3_sma3`.
    public var mfcc3Smoothed: [Float] = []
    /// `mfcc4_sma3`.
    public var mfcc4Smoothed: [Float] = []

    // Level `egemapsv02_lldSetNoF0AndLoudnessNz_smo`.
    /// `jitterLocal_sma3nz`.
    public var jitterLocalSmoothed: [Float] = []
    /// `shimmerLocaldB_sma3nz`.
    public var shimmerLocalDBSmoothed: [Float] = []
    /// `HNRdBACF_sma3nz`.
    public var hnrDBACFSmoothed: [Float] = []
    /// `logRelF0-H1-H2_sma3nz`.
    public var logRelF0H1H2Smoothed: [Float] = []
    /// `logRelF0-H1-A3_sma3nz`.
    public var logRelF0H1A3Smoothed: [Float] = []
    /// `F1frequency_sma3nz`.
    public var f1FrequencySmoothed: [Float] = []
    /// `F1bandwidth_sma3nz`.
    public var f1BandwidthSmoothed: [Float] = []
    /// `F1amplitudeLogRelF0_sma3nz`.
    public var f1AmplitudeLogRelF0Smoothed: [Float] = []
    /// `F2frequency_sma3nz`.
    public var f2FrequencySmoothed: [Float] = []
    /// `F2bandwidth_sma3nz`.
    public var f2BandwidthSmoothed: [Float] = []
    /// `F2amplitudeLogRelF0_sma3nz`.
    public var f2AmplitudeLogRelF0Smoothed: [Float] = []
    /// `F3frequency_sma3nz`.
    public var f3FrequencySmoothed: [Float] = []
    /// `F3bandwidth_sma3nz`.
    public var f3BandwidthSmoothed: [Float] = []
    /// `F3amplitudeLogRelF0_sma3nz`.
    public var f3AmplitudeLogRelF0Smoothed: [Float] = []

    // Level `egemapsv02_lldSetSpectralNz_smo`.
    /// `alphaRatioV_sma3nz`.
    public var alphaRatioVSmoothed: [Float] = []
    /// `hammarbergIndexV_sma3nz`.
    public var hammarbergIndexVSmoothed: [Float] = []
    /// `slopeV0-500_sma3nz`.
    public var slopeV0To500Smoothed: [Float] = []
    /// `slopeV500-1500_sma3nz`.
    public var slopeV500To1500Smoothed: [Float] = []
    /// `spectralFluxV_sma3nz`.
    public var spectralFluxVSmoothed: [Float] = []
    /// `mfcc1V_sma3nz`.
    public var mfcc1VSmoothed: [Float] = []
    /// `mfcc2V_sma3nz`.
    public var mfcc2VSmoothed: [Float] = []
    /// `mfcc3V_sma3nz`.
    public var mfcc3VSmoothed: [Float] = []
    /// `mfcc4V_sma3nz`.
    public var mfcc4VSmoothed: [Float] = []

    // Level `egemapsv02_lldSetSpectralZ_smo`.
    /// `alphaRatioUV_sma3nz`.
    public var alphaRatioUVSmoothed: [Float] = []
    /// `hammarbergIndexUV_sma3nz`.
    public var hammarbergIndexUVSmoothed: [Float] = []
    /// `slopeUV0-500_sma3nz`.
    public var slopeUV0To500Smoothed: [Float] = []
    /// `slopeUV500-1500_sma3nz`.
    public var slopeUV500To1500Smoothed: [Float] = []
    /// `spectralFluxUV_sma3nz`.
    public var spectralFluxUVSmoothed: [Float] = []

    // Level `egemapsv02_energyRMS` (not smoothed).
    /// `pcm_SQUAREDenergy`: the energy contour whose mean gives `equivalentSoundLevel_dBp`.
    public var energyRMS: [Float] = []

    /// Empty contours with the given frame period; set the fields before calling
    /// `EGeMAPSFunctionalSet.compute`.
    public init(framePeriod: Double = 0.01) {
        self.framePeriod = framePeriod
    }
}

/// The 88 eGeMAPSv02 functionals, computed from `EGeMAPSContours` the way openSMILE's
/// `eGeMAPSv02.conf` does (`funcconcat` of the `cFunctionals` instances in
/// GeMAPSv01b_core.func.conf.inc and eGeMAPSv02_core.func.conf.inc, `frameMode = full`).
public enum EGeMAPSFunctionalSet {
    /// The 88 output names in openSMILE's column order.
    public static let names: [String] = {
        let pitchLike = ["amean", "stddevNorm", "percentile20.0", "percentile50.0", "percentile80.0",
                         "pctlrange0-2", "meanRisingSlope", "stddevRisingSlope",
                         "meanFallingSlope", "stddevFallingSlope"]
        var n = pitchLike.map { "F0semitoneFrom27.5Hz_sma3nz_" + $0 }
        n += pitchLike.map { "loudness_sma3_" + $0 }
        let zFields = ["spectralFlux", "mfcc1", "mfcc2", "mfcc3", "mfcc4"]
        let voicedFields = ["jitterLocal", "shimmerLocaldB", "HNRdBACF", "logRelF0-H1-H2",
                            "logRelF0-H1-A3", "F1frequency", "F1bandwidth", "F1amplitudeLogRelF0",
                            "F2frequency", "F2bandwidth", "F2amplitudeLogRelF0", "F3frequency",
                            "F3bandwidth", "F3amplitudeLogRelF0", "alphaRatioV", "hammarbergIndexV",
                            "slopeV0-500", "slopeV500-1500", "spectralFluxV", "mfcc1V", "mfcc2V",
                            "mfcc3V", "mfcc4V"]
        let unvoicedFields = ["alphaRatioUV", "hammarbergIndexUV", "slopeUV0-500", "slopeUV500-1500",
                              "spectralFluxUV"]
        for f in zFields { n += [f + "_sma3_amean", f + "_sma3_stddevNorm"] }
        for f in voicedFields { n += [f + "_sma3nz_amean", f + "_sma3nz_stddevNorm"] }
        for f in unvoicedFields { n.append(f + "_sma3nz_amean") }
        n += ["loudnessPeaksPerSec", "VoicedSegmentsPerSec", "MeanVoicedSegmentLengthSec",
              "StddevVoicedSegmentLengthSec", "MeanUnvoicedSegmentLength",
              "StddevUnvoicedSegmentLength", "equivalentSoundLevel_dBp"]
        return n
    }()

    /// The 88 functionals in `names` order.
    public static func compute(_ c: EGeMAPSContours) -> [Float] {
        let period = c.framePeriod
        var out: [Float] = []
        out.reserveCapacity(88)

        // gemapsv01b_functionalsF0 (nonZeroFuncts = 1) and gemapsv01b_functionalsLoudness (0):
        // Moments, Percentiles, Peaks2 slopes.
        func pitchLike(_ contour: [Float], nonZeroOnly: Bool) {
            let input = ContourFunctionalInput(contour, nonZeroOnly: nonZeroOnly, framePeriod: period)
            out.append(ContourMoments.arithmeticMean(input))
            out.append(ContourMoments.normalizedStandardDeviation(input))
            if input.count > 0 {
                let p20 = ContourPercentiles.percentile(0.2, sorted: input.sorted)
                let p50 = ContourPercentiles.percentile(0.5, sorted: input.sorted)
                let p80 = ContourPercentiles.percentile(0.8, sorted: input.sorted)
                out += [p20, p50, p80, ContourPercentiles.range(p20, p80)]
            } else {
                out += [0, 0, 0, 0]
            }
            let peaks = ContourPeaks(input)
            out += [peaks.meanRisingSlope, peaks.risingSlopeStandardDeviation,
                    peaks.meanFallingSlope, peaks.fallingSlopeStandardDeviation]
        }
        pitchLike(c.f0SemitoneSmoothed, nonZeroOnly: true)
        pitchLike(c.loudnessSmoothed, nonZeroOnly: false)

        func meanAndVariation(_ contour: [Float], nonZeroOnly: Bool) {
            let input = ContourFunctionalInput(contour, nonZeroOnly: nonZeroOnly, framePeriod: period)
            out.append(ContourMoments.arithmeticMean(input))
            out.append(ContourMoments.normalizedStandardDeviation(input))
        }
        // egemapsv02_functionalsMVR (nonZeroFuncts = 0).
        for contour in [
            c.spectralFluxSmoothed, c.mfcc1Smoothed, c.mfcc2Smoothed, c.mfcc3Smoothed,
            c.mfcc4Smoothed
        ] {
            meanAndVariation(contour, nonZeroOnly: false)
        }
        // egemapsv02_functionalsMVRVoiced (nonZeroFuncts = 1).
        for contour in [
            c.jitterLocalSmoothed, c.shimmerLocalDBSmoothed, c.hnrDBACFSmoothed,
            c.logRelF0H1H2Smoothed, c.logRelF0H1A3Smoothed, c.f1FrequencySmoothed,
            c.f1BandwidthSmoothed, c.f1AmplitudeLogRelF0Smoothed, c.f2FrequencySmoothed,
            c.f2BandwidthSmoothed, c.f2AmplitudeLogRelF0Smoothed, c.f3FrequencySmoothed,
            c.f3BandwidthSmoothed, c.f3AmplitudeLogRelF0Smoothed, c.alphaRatioVSmoothed,
            c.hammarbergIndexVSmoothed, c.slopeV0To500Smoothed, c.slopeV500To1500Smoothed,
            c.spectralFluxVSmoothed, c.mfcc1VSmoothed, c.mfcc2VSmoothed, c.mfcc3VSmoothed,
            c.mfcc4VSmoothed
        ] {
            meanAndVariation(contour, nonZeroOnly: true)
        }
        // egemapsv02_functionalsMeanUnvoiced (nonZeroFuncts = 1, amean only).
        for contour in [
            c.alphaRatioUVSmoothed, c.hammarbergIndexUVSmoothed, c.slopeUV0To500Smoothed,
            c.slopeUV500To1500Smoothed, c.spectralFluxUVSmoothed
        ] {
            out.append(ContourMoments.arithmeticMean(
                ContourFunctionalInput(contour, nonZeroOnly: true, framePeriod: period)))
        }

        // gemapsv01b_temporalSet: Peaks2 numPeaks on loudness, Segments on the F0 contour.
        let loudness = ContourFunctionalInput(c.loudnessSmoothed, nonZeroOnly: false, framePeriod: period)
        out.append(ContourPeaks(loudness).peaksPerSecond)
        let voiced = ContourSegments(c.f0SemitoneSmoothed, kind: .notEqualToX, framePeriod: period)
        out += [voiced.segmentsPerSecond, voiced.meanSegmentLength,
                voiced.segmentLengthStandardDeviation]
        let unvoiced = ContourSegments(c.f0SemitoneSmoothed, kind: .equalToX, framePeriod: period)
        out += [unvoiced.meanSegmentLength, unvoiced.segmentLengthStandardDeviation]

        // egemapsv02_leqLin (Means.amean) + egemapsv02_leq (cVectorOperation dBp).
        let energy = ContourFunctionalInput(c.energyRMS, nonZeroOnly: false, framePeriod: period)
        out.append(GeMAPSPowerDecibels.decibels(ContourMoments.arithmeticMean(energy)))
        return out
    }
}
