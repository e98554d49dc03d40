import IntoneFeatures
import IntoneRandom
#if canImport(Glibc)
import Glibc
#endif

extension Augmentation {
    /// The augmented copy of `samples`.
    ///
    /// - `none`: `samples` unchanged.
    /// - `noise`: `x + g`, with `g` white Gaussian noise from `SeededRandom(seed: seed, stream: stream)`
    ///   scaled so that its RMS over the recording is exactly `rms(x) / 10^(snr/20)` (summed in double).
    ///   Silence (RMS 0) stays silence: there is no level to measure the noise from.
    /// - `shift`: the content moved by `round(fraction · n)` samples (halves away from zero), the gap
    ///   filled with zeros; same length.
    /// - `stretch`: `timeStretch` (librosa's `time_stretch`, n_fft 2048, hop 512); `round(n / rate)` samples.
    /// - `pitch`: `pitchShift` (librosa's `pitch_shift`, soxr HQ); same length.
    /// - `mulaw`, `alaw`: `TelephoneChannel` (8 kHz, 300-3,400 Hz, line noise from the stream, G.711);
    ///   same length.
    ///
    /// Only `noise`, `mulaw` and `alaw` draw random numbers; every kind is a pure function of its inputs, so the same
    /// (samples, augmentation, seed, stream) gives the same bytes on every run and machine. An empty
    /// signal gives an empty signal.
    ///
    /// - Parameters:
    ///   - samples: mono signal.
    ///   - sampleRate: its rate in Hz (used by `pitch`).
    ///   - seed: run seed.
    ///   - stream: names the random stream, so different recordings get different noise; see
    ///     `stream(exampleID:)` for the name the policy uses.
    /// - Throws: `AugmentationError` if the value is out of range (`validate()`) or the signal
    ///   cannot be processed.
    public func apply(to samples: [Float], sampleRate: Double, seed: UInt64, stream: String) throws(AugmentationError) -> [Float] {
        try validate()
        if samples.isEmpty { return [] }
        switch kind {
        case .none:
            return samples
        case .noise:
            var random = SeededRandom(seed: seed, stream: stream)
            return addNoise(samples, snrDB: value, random: &random)
        case .shift:
            return shifted(samples, by: Int((value * Double(samples.count)).rounded(.toNearestOrAwayFromZero)))
        case .stretch:
            do {
                return try timeStretch(samples, rate: value)
            } catch {
                throw AugmentationError(augmentation: id, reason: error.description)
            }
        case .pitch:
            return try pitchShift(samples, sampleRate: sampleRate, semitones: value)
        case .mulaw, .alaw, .gsm:
            var random = SeededRandom(seed: seed, stream: stream)
            let codec: TelephoneChannel.Codec = kind == .mulaw ? .mulaw : kind == .alaw ? .alaw : .gsm
            return try TelephoneChannel.apply(samples, sampleRate: sampleRate, codec: codec, snrDB: value, random: &random, label: id)
        }
    }
}

/// `x` plus Gaussian noise whose RMS is exactly `rms(x) / 10^(snrDB / 20)`.
func addNoise(_ x: [Float], snrDB: Double, random: inout SeededRandom) -> [Float] {
    var signalPower = 0.0
    for v in x { signalPower += Double(v) * Double(v) }
    signalPower /= Double(x.count)
    guard signalPower > 0 else { return x }
    var noise = [Double](repeating: 0, count: x.count)
    var noisePower = 0.0
    for i in noise.indices {
        let g = random.normal()
        noise[i] = g
        noisePower += g * g
    }
    noisePower /= Double(x.count)
    guard noisePower > 0 else { return x }
    // Target noise power = signal power / 10^(snr/10); scale the drawn noise to hit it exactly.
    let gain = (signalPower / noisePower / pow(10, snrDB / 10)).squareRoot()
    var out = x
    for i in out.indices { out[i] = Float(Double(x[i]) + gain * noise[i]) }
    return out
}

/// `x` moved `k` samples later (`k > 0`) or `-k` earlier (`k < 0`), zero-filled, same length.
func shifted(_ x: [Float], by k: Int) -> [Float] {
    let n = x.count
    guard k != 0 else { return x }
    var out = [Float](repeating: 0, count: n)
    guard abs(k) < n else { return out }
    if k > 0 {
        out[k..<n] = x[0..<(n - k)]
    } else {
        out[0..<(n + k)] = x[(-k)..<n]
    }
    return out
}
