import Foundation
import IntoneRandom

/// How each synthetic corpus was "recorded" and "directed": its level, its noise floor, and how
/// exaggerated and how consistent its actors are.
///
/// Mirrors the real corpora's reputations: TESS's two actresses are consistent and exaggerated
/// (near-perfect accuracy is common), CREMA-D's 91 actors vary most (crowd raters agreed on only
/// about 60 %), RAVDESS and SAVEE sit between.
struct RecordingConditions: Sendable {
    /// Active-speech RMS of a neutral take by a habitual-loudness speaker, dBFS.
    let referenceLevel: Double
    /// RMS of the recording's noise floor (low-passed white noise), dBFS.
    let noiseFloor: Double
    /// Multiplies every emotion's take-to-take spread.
    let spread: Double
    /// Multiplies the planned acting intensity.
    let intensity: Double

    /// Peak ceiling, dBFS: louder takes are turned down to it, never clipped.
    static let ceiling = -0.5

    init(_ corpus: CorpusKind) {
        switch corpus {
        case .crema: (referenceLevel, noiseFloor, spread, intensity) = (-24, -58, 1.0, 0.9)
        case .ravdess: (referenceLevel, noiseFloor, spread, intensity) = (-26, -72, 0.9, 1.0)
        case .savee: (referenceLevel, noiseFloor, spread, intensity) = (-23, -62, 0.85, 1.05)
        case .tess, .custom: (referenceLevel, noiseFloor, spread, intensity) = (-21, -68, 0.7, 1.15)
        }
    }

    /// Scales `samples` so that their RMS over `active` sample ranges is `level` dBFS (lowered if the
    /// peak would pass `ceiling`), then adds the noise floor.
    ///
    /// - Returns: samples with |x| ≤ 1 (the floor is 40 dB or more below any speech); all-zero input
    ///   gives the noise floor alone.
    func recorded(_ samples: [Double], active: [Range<Int>], level: Double, sampleRate: Int,
                  noise rng: SeededRandom) -> [Float] {
        var energy = 0.0, count = 0
        for range in active {
            for i in range.clamped(to: 0..<samples.count) { energy += samples[i] * samples[i] }
            count += range.clamped(to: 0..<samples.count).count
        }
        let rms = count > 0 ? (energy / Double(count)).squareRoot() : 0
        let peak = samples.reduce(0) { max($0, abs($1)) }
        var gain = rms > 0 ? pow(10, level / 20) / rms : 0
        let ceilingAmplitude = pow(10, Self.ceiling / 20)
        if peak * gain > ceilingAmplitude { gain = ceilingAmplitude / peak }

        // Room noise: white noise through a one-pole low-pass at 1.5 kHz; its variance shrinks by
        // (1 − a)/(1 + a), which the gain undoes. Uniform noise has RMS 1/√3.
        let a = exp(-2 * Double.pi * 1500 / Double(sampleRate))
        let floorGain = pow(10, noiseFloor / 20) * 3.0.squareRoot() / ((1 - a) / (1 + a)).squareRoot()
        var lowPass = SynthesisLowPass(cutoff: 1500, sampleRate: Double(sampleRate))
        var noise = SynthesisNoise(rng)
        return samples.map { x in
            let y = x * gain + lowPass.process(noise.next()) * floorGain
            return Float(min(max(y, -1), 1))
        }
    }
}
