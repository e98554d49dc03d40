import Foundation

/// The eGeMAPSv02 F0 chain of openSMILE, from the Gaussian 60 ms magnitude spectrum to level
/// `gemapsv01b_logPitch`: ``OctaveSpectrumScale`` (`cSpecScale`) -> ``SubharmonicSummationPitch``
/// (`cPitchShs`) -> ``PitchViterbiSmoother`` (`cPitchSmootherViterbi`) -> energy gate
/// (`cValbasedSelector` `gemapsv01b_volmerge`).
public enum GeMAPSPitch {
    /// RMS energy threshold of `gemapsv01b_volmerge`: frames with energy not above it are zeroed.
    public static let energyThreshold: Float = 0.001

    /// openSMILE's `frameSizeSec` of level `gemapsv01b_fftmagG60`, which sets the bin spacing
    /// used by `cSpecScale` (`deltaF = 1 / frameSizeSec`): the framer keeps the configured
    /// 0.060 s while taking round(0.060 * sampleRate) samples, and `cTransformFFT` scales it by
    /// fftLength / frameSamples when it zero-pads to a power of two.
    public static func fftFrameSizeSeconds(sampleRate: Double, fftLength: Int,
                                           frameSizeSeconds: Double = 0.060) -> Double {
        guard sampleRate > 0 else { return frameSizeSeconds }
        let period = 1.0 / sampleRate
        let frameSamples = Int((frameSizeSeconds / period).rounded())
        guard frameSamples > 0, fftLength != frameSamples else { return frameSizeSeconds }
        return frameSizeSeconds * (Double(fftLength) / Double(frameSamples))
    }

    /// The octave-scale stage configured as in eGeMAPSv02 for the given FFT.
    public static func spectrumScale(sampleRate: Double, fftLength: Int) -> OctaveSpectrumScale {
        OctaveSpectrumScale(binCount: fftLength / 2 + 1,
                            frameSizeSeconds: fftFrameSizeSeconds(sampleRate: sampleRate, fftLength: fftLength))
    }

    /// Level `gemapsv01b_hpsG60` for every frame.
    public static func octaveSpectra(gaussianMagnitudes: [[Float]], sampleRate: Double,
                                     fftLength: Int) -> [[Float]] {
        let scale = spectrumScale(sampleRate: sampleRate, fftLength: fftLength)
        return gaussianMagnitudes.map { scale.apply($0) }
    }

    /// Level `gemapsv01b_pitchShsG60` for every frame.
    public static func pitchCandidates(gaussianMagnitudes: [[Float]], sampleRate: Double,
                                       fftLength: Int) -> [PitchCandidateFrame] {
        let scale = spectrumScale(sampleRate: sampleRate, fftLength: fftLength)
        let shs = SubharmonicSummationPitch(scale: scale)
        return gaussianMagnitudes.map { shs.detect(scale.apply($0)) }
    }

    /// `cValbasedSelector` of `gemapsv01b_volmerge`: keeps a frame if its RMS energy is above
    /// `threshold`, else outputs zeros. Frames without an energy value are zeroed.
    public static func energyGate(_ frames: [SmoothedPitchFrame], rmsEnergies: [Float],
                                  threshold: Float = energyThreshold) -> [SmoothedPitchFrame] {
        frames.enumerated().map { t, f in
            (t < rmsEnergies.count && rmsEnergies[t] > threshold) ? f : .zero
        }
    }

    /// Runs the whole chain.
    /// - Parameters:
    ///   - gaussianMagnitudes: per frame, openSMILE's `pcm_fftMag` row of `gemapsv01b_fftmagG60`
    ///     (fftLength/2 + 1 magnitudes of the Gaussian-windowed 60 ms frame, 10 ms step).
    ///   - rmsEnergies: per frame, `pcm_RMSenergy` of `gemapsv01b_e60`.
    ///   - sampleRate: input sample rate in Hz.
    ///   - fftLength: FFT length (next power of two of round(0.06 * sampleRate)).
    /// - Returns: one value per input frame (level `gemapsv01b_logPitch`).
    public static func track(gaussianMagnitudes: [[Float]], rmsEnergies: [Float], sampleRate: Double,
                             fftLength: Int) -> GeMAPSPitchTrack {
        guard !gaussianMagnitudes.isEmpty, fftLength >= 4 else {
            let n = gaussianMagnitudes.count
            let z = [Float](repeating: 0, count: n)
            return GeMAPSPitchTrack(f0Hz: z, semitones: z, voicing: z)
        }
        let candidates = pitchCandidates(gaussianMagnitudes: gaussianMagnitudes, sampleRate: sampleRate,
                                         fftLength: fftLength)
        let smoothed = PitchViterbiSmoother.smooth(candidates)
        let gated = energyGate(smoothed, rmsEnergies: rmsEnergies)
        return GeMAPSPitchTrack(f0Hz: gated.map(\.f0Hz), semitones: gated.map(\.semitones),
                                voicing: gated.map(\.voicing))
    }
}
