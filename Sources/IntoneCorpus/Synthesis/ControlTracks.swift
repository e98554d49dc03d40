import Foundation
import IntoneRandom

/// The synthesizer's parameters over time, one value per control frame of `hop` samples (≈ 1 ms):
/// what the formant synthesizer renders.
///
/// Built from a timeline by writing each segment's targets into its frames, then smoothing with
/// two passes of a centred moving average: formants over 29 frames (a triangle 58 ms wide at the
/// base: coarticulation, and transitions into and out of consonant loci), source amplitudes over 7
/// (14 ms: no clicks, bursts stay short), frication centre and bandwidth once over 11.
/// Frames of silence and /h/ take the formants of the next segment that has some (anticipation).
///
/// Amplitudes per syllable: 1 stressed, 0.7 unstressed, times e^(0.1·N), times a 4 dB decline over
/// the utterance; vowels get the full amplitude, approximants 0.55, nasals and voiced fricatives 0.3,
/// voice bars 0.1. Creak is the take's creak × 0.3 throughout and × 1.2 from 30 % into the last
/// vowel on (phrase-final creak).
struct ControlTracks: Sendable {
    let sampleRate: Int
    /// Samples per control frame.
    let hop: Int
    let frameCount: Int
    /// Fundamental frequency, Hz.
    var f0: [Double]
    /// F1–F4, Hz.
    var formants: [SIMD4<Double>]
    /// B1–B4, Hz.
    var bandwidths: [SIMD4<Double>]
    /// F5, Hz (fixed per speaker; the higher fixed poles are spaced from it).
    var fifthFormant: Double
    /// Amplitude of voicing (linear; 1 = a stressed vowel).
    var voicing: [Double]
    /// Amplitude of aspiration noise (/h/, post-stop aspiration), same scale.
    var aspiration: [Double]
    /// Amplitude of frication and bursts, same scale.
    var frication: [Double]
    /// Centre and bandwidth of the frication noise's resonance, Hz.
    var fricationCentre: [Double]
    var fricationBandwidth: [Double]
    /// Creakiness 0…1 (chance of creaky periods).
    var creak: [Double]

    var sampleCount: Int { frameCount * hop }

    /// - Parameters:
    ///   - breathiness: the take's effective breathiness (an open glottis damps F1: B1 += 60 Hz × it).
    init(timeline: ArticulationTimeline, speaker: SpeakerProfile, prosody: UtteranceProsody,
         breathiness: Double, sampleRate: Int, rng: inout SeededRandom) {
        let fs = Double(sampleRate)
        self.sampleRate = sampleRate
        hop = max(1, Int((fs / 1000).rounded()))
        frameCount = Int((timeline.duration * fs / Double(hop)).rounded(.up)) + 1
        let frameSeconds = Double(hop) / fs
        let times = (0..<frameCount).map { (Double($0) + 0.5) * frameSeconds }

        let scale = speaker.tractScale * prosody[.formantShift]
        let effortF1 = 1 + 0.01 * prosody[.loudness]
        let precision = prosody[.articulation]
        fifthFormant = Phone.fifthFormant * speaker.tractScale

        var targets = [SIMD4<Double>](repeating: SIMD4(repeating: .nan), count: frameCount)
        var widths = [SIMD4<Double>](repeating: [80, 100, 150, 250], count: frameCount)
        var av = [Double](repeating: 0, count: frameCount)
        var ah = av, af = av
        var fc = [Double](repeating: .nan, count: frameCount), fb = [Double](repeating: 2000, count: frameCount)

        // Syllable loudness: stress, a little randomness, and a 4 dB decline over the utterance.
        let span = max(timeline.speechEnd - timeline.speechStart, 0.1)
        let gains = timeline.syllables.map { s in
            (s.stressed ? 1.0 : 0.7) * exp(0.1 * rng.normal())
                * pow(10, -4 * ((s.start - timeline.speechStart) / span) / 20)
        }
        for segment in timeline.segments {
            let first = min(Int((segment.start / frameSeconds).rounded()), frameCount)
            let last = min(Int((segment.end / frameSeconds).rounded()), frameCount)
            guard first < last, let phone = segment.phone else { continue }
            let g = gains[segment.syllable]
            var target = phone.formants.map { $0 * scale }
            if phone.isVowel, let t = target {
                target = Phone.neutralTract * scale + precision * (t - Phone.neutralTract * scale)
            }
            target?[0] *= effortF1
            var voice = 0.0, breath = 0.0, noise = 0.0
            switch (segment.part, phone.manner) {
            case (.silence, _): break
            case (.closure, _): voice = phone.isVoiced ? 0.1 : 0
            case (.burst, _): voice = phone.isVoiced ? 0.1 : 0; noise = phone.noise?.level ?? 0
            case (.aspiration, _): breath = 0.3; target = nil
            case (.sustained, .vowel): voice = 1
            case (.sustained, .nasal): voice = 0.3
            case (.sustained, .approximant): voice = 0.55
            case (.sustained, .fricative): voice = phone.isVoiced ? 0.3 : 0; noise = phone.noise?.level ?? 0
            case (.sustained, .aspirate): breath = 0.35
            case (.sustained, .stop): break
            }
            for k in first..<last {
                if let target { targets[k] = target }
                widths[k] = phone.bandwidths + SIMD4(60 * breathiness, 0, 0, 0)
                av[k] = voice * g
                ah[k] = breath * g
                af[k] = noise * g
                if let n = phone.noise {
                    fc[k] = n.centre * speaker.tractScale
                    fb[k] = n.bandwidth
                }
            }
        }
        Self.fillBackward(&targets) { $0[0].isNaN }
        Self.fillBackward(&fc) { $0.isNaN }
        if fc.first?.isNaN ?? false { fc = fc.map { _ in 3000 } }  // no noise source in the whole take
        formants = Self.smoothed(targets, width: 14, passes: 2)
        bandwidths = Self.smoothed(widths, width: 14, passes: 2)
        voicing = Self.smoothed(av, width: 3, passes: 2)
        aspiration = Self.smoothed(ah, width: 3, passes: 2)
        frication = Self.smoothed(af, width: 3, passes: 2)
        fricationCentre = Self.smoothed(fc, width: 5, passes: 1)
        fricationBandwidth = Self.smoothed(fb, width: 5, passes: 1)

        f0 = PitchContour.track(times: times, timeline: timeline, speaker: speaker, prosody: prosody, rng: &rng)
        // Creak: a little throughout, mostly over the end of the last vowel (phrase-final creak).
        let base = prosody[.creak]
        let finalCreakStart = timeline.syllables.last.map { $0.vowelStart + 0.3 * ($0.vowelEnd - $0.vowelStart) } ?? .infinity
        creak = times.map { t in min(1, base * (t >= finalCreakStart ? 1.2 : 0.3)) }
    }

    /// Replaces every value matching `isMissing` with the next value that does not (or, at the end,
    /// the last one that does not).
    private static func fillBackward<T>(_ values: inout [T], isMissing: (T) -> Bool) {
        var next: T?
        for k in values.indices.reversed() {
            if isMissing(values[k]) { if let next { values[k] = next } } else { next = values[k] }
        }
        var previous: T?
        for k in values.indices {
            if isMissing(values[k]) { if let previous { values[k] = previous } } else { previous = values[k] }
        }
    }
}

/// Values that a centred moving average can smooth.
private protocol Smoothable {
    static var zero: Self { get }
    static func + (a: Self, b: Self) -> Self
    static func - (a: Self, b: Self) -> Self
    func scaled(by factor: Double) -> Self
}

extension Double: Smoothable {
    func scaled(by factor: Double) -> Double { self * factor }
}

extension SIMD4<Double>: Smoothable {
    func scaled(by factor: Double) -> SIMD4<Double> { self * factor }
}

extension ControlTracks {
    /// `passes` centred moving averages of `2·width + 1` frames (edges averaged over what exists):
    /// two passes make a triangular kernel. Linear time (running sums).
    fileprivate static func smoothed<T: Smoothable>(_ values: [T], width: Int, passes: Int) -> [T] {
        var current = values
        let n = values.count
        for _ in 0..<passes {
            var prefix = [T](repeating: .zero, count: n + 1)
            for i in 0..<n { prefix[i + 1] = prefix[i] + current[i] }
            current = (0..<n).map { i in
                let lo = max(0, i - width), hi = min(n, i + width + 1)
                return (prefix[hi] - prefix[lo]).scaled(by: 1 / Double(hi - lo))
            }
        }
        return current
    }
}
