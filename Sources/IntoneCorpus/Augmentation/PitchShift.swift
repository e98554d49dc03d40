import IntoneAudio
import IntoneFeatures
#if canImport(Glibc)
import Glibc
#endif

/// Shifts a signal's pitch by `semitones` without changing its length: librosa's
/// `effects.pitch_shift(y, sr=sampleRate, n_steps=semitones, bins_per_octave=binsPerOctave)`
/// with its defaults (`res_type='soxr_hq'`, `scale=False`, n_fft 2048, hop 512).
///
/// As librosa does it: time-stretch by `rate = 2^(-semitones / binsPerOctave)` (phase vocoder,
/// `timeStretch`), resample the stretched signal from `sampleRate / rate` to `sampleRate` Hz with soxr HQ
/// (`Resampler`, `ceil(count · rate)` samples), then cut or zero-pad to `y.count` samples.
///
/// - Parameters:
///   - y: mono signal.
///   - sampleRate: its rate in Hz (finite, positive).
///   - semitones: shift in `1 / binsPerOctave` octaves; positive raises the pitch. Finite; 0 returns
///     `y` after a phase-vocoder round trip at rate 1 (as librosa), not `y` itself.
///   - binsPerOctave: steps per octave, default 12 (semitones). Positive.
/// - Returns: exactly `y.count` samples; an empty signal gives an empty signal.
/// - Throws: `AugmentationError` naming the bad parameter (NaN or infinite semitones, non-positive
///   rate or steps per octave), or the resampler's failure.
public func pitchShift(_ y: [Float], sampleRate: Double, semitones: Double, binsPerOctave: Int = 12) throws(AugmentationError) -> [Float] {
    let label = Augmentation.pitch(semitones: semitones).id
    guard semitones.isFinite else {
        throw AugmentationError(augmentation: label, reason: "pitch shift must be a finite number of semitones (got \(semitones))")
    }
    guard sampleRate.isFinite, sampleRate > 0 else {
        throw AugmentationError(augmentation: label, reason: "sample rate must be a positive number of Hz (got \(sampleRate))")
    }
    guard binsPerOctave > 0 else {
        throw AugmentationError(augmentation: label, reason: "bins_per_octave must be a positive integer (got \(binsPerOctave))")
    }
    if y.isEmpty { return [] }
    let rate = pow(2.0, -semitones / Double(binsPerOctave))   // numpy: 2.0 ** (-n_steps / bins_per_octave)
    let stretched: [Float]
    do {
        stretched = try timeStretch(y, rate: rate)
    } catch {
        throw AugmentationError(augmentation: label, reason: error.description)
    }
    var shifted: [Float]
    do {
        shifted = try Resampler.resample(stretched, from: sampleRate / rate, to: sampleRate, label: label)
    } catch {
        throw AugmentationError(augmentation: label, reason: error.reason.message)
    }
    // librosa's fix_length: cut or zero-pad to the input length.
    if shifted.count > y.count {
        shifted.removeLast(shifted.count - y.count)
    } else if shifted.count < y.count {
        shifted.append(contentsOf: repeatElement(0, count: y.count - shifted.count))
    }
    return shifted
}
