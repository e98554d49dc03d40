import Foundation
import IntoneRandom

/// One stretch of an utterance with constant articulatory targets.
struct TimedSegment: Sendable {
    enum Part: Sendable {
        /// Leading or trailing silence, or a pause between words.
        case silence
        /// The hold of a stop (silent, or a weak voice bar for b d g).
        case closure
        /// The release burst of a stop (about 8–12 ms of noise).
        case burst
        /// Aspiration after a voiceless stop: breath noise through the next vowel's formants.
        case aspiration
        /// The body of a vowel, fricative, nasal, approximant or /h/.
        case sustained
    }

    var part: Part
    /// `nil` for silence.
    var phone: Phone?
    /// Start time, seconds.
    var start: Double
    /// Duration, seconds.
    var duration: Double
    /// Index of the syllable it belongs to (−1 for silence).
    var syllable: Int

    var end: Double { start + duration }
}

/// Where a syllable and its vowel lie in time (seconds).
struct SyllableTiming: Sendable {
    var start: Double
    var vowelStart: Double
    var vowelEnd: Double
    var end: Double
    var stressed: Bool
}

/// The timing of an utterance: segments with durations, syllable positions, pauses.
///
/// A syllable's time budget is `D·s·l·e^(0.08·N)` with `D = 1/rate` (rate in syllables per second),
/// `s` = 1.15 stressed or 0.82 unstressed, `l` = 1.4 phrase-final lengthening on the last syllable.
/// Consonants take fixed fractions of `D` (stop closure 0.11–0.14 D, fricative 0.17–0.23 D, nasal
/// 0.14 D, approximant 0.12 D, bursts 8–12 ms, aspiration 0.09 D; codas 0.85×); the vowel gets the
/// rest, at least 30 % of the budget, times its intrinsic duration. A word boundary is followed by a
/// pause with the given probability, of `length·e^(0.35·N)` seconds (≥ 60 ms). Leading and trailing
/// silence are each 0.1–0.3 s.
struct ArticulationTimeline: Sendable {
    private(set) var segments: [TimedSegment] = []
    private(set) var syllables: [SyllableTiming] = []
    /// Total duration including the silences, seconds.
    private(set) var duration = 0.0
    /// First and last instants of speech, seconds.
    private(set) var speechStart = 0.0
    private(set) var speechEnd = 0.0

    /// - Parameters:
    ///   - rate: syllables per second (speaker rate × emotion factor).
    ///   - pauseProbability: chance of a pause at each word boundary.
    ///   - pauseLength: mean pause, seconds.
    init(script: SentenceScript, rate: Double, pauseProbability: Double, pauseLength: Double,
         rng: inout SeededRandom) {
        let d = 1 / rate
        var now = rng.uniform(0.1, 0.3)
        append(.silence, nil, duration: now, syllable: -1, at: 0)
        speechStart = now
        let count = script.syllables.count
        for (index, syllable) in script.syllables.enumerated() {
            let isFinal = index == count - 1
            let budget = d * (syllable.stressed ? 1.15 : 0.82) * (isFinal ? 1.4 : 1) * exp(0.08 * rng.normal())
            let onset = syllable.onset.map { consonantParts($0, d: d, coda: false, rng: &rng) }
            let coda = syllable.coda.map { consonantParts($0, d: d * 0.85, coda: true, rng: &rng) }
            let consonantTime = (onset + coda).joined().reduce(0) { $0 + $1.1 }
            let vowel = max(0.3 * budget, budget - consonantTime) * syllable.nucleus.intrinsicDuration
            let start = now
            for (phone, parts) in zip(syllable.onset, onset) {
                for (part, length) in parts { append(part, phone, duration: length, syllable: index, at: now); now += length }
            }
            let vowelStart = now
            append(.sustained, syllable.nucleus, duration: vowel, syllable: index, at: now)
            now += vowel
            let vowelEnd = now
            for (phone, parts) in zip(syllable.coda, coda) {
                for (part, length) in parts { append(part, phone, duration: length, syllable: index, at: now); now += length }
            }
            syllables.append(SyllableTiming(start: start, vowelStart: vowelStart, vowelEnd: vowelEnd,
                                            end: now, stressed: syllable.stressed))
            if syllable.endsWord, !isFinal, rng.uniform() < pauseProbability {
                let pause = max(0.06, pauseLength * exp(0.35 * rng.normal()))
                append(.silence, nil, duration: pause, syllable: -1, at: now)
                now += pause
            }
        }
        speechEnd = now
        let trailing = rng.uniform(0.1, 0.3)
        append(.silence, nil, duration: trailing, syllable: -1, at: now)
        duration = now + trailing
    }

    private mutating func append(_ part: TimedSegment.Part, _ phone: Phone?, duration: Double, syllable: Int, at start: Double) {
        segments.append(TimedSegment(part: part, phone: phone, start: start, duration: duration, syllable: syllable))
    }

    /// The parts of one consonant and their durations, seconds.
    private func consonantParts(_ phone: Phone, d: Double, coda: Bool, rng: inout SeededRandom) -> [(TimedSegment.Part, Double)] {
        let wobble = exp(0.1 * rng.normal())
        switch phone.manner {
        case .stop:
            let closure = d * (phone.isVoiced ? 0.11 : 0.14) * wobble
            let burst = phone.isVoiced ? 0.008 : 0.012
            if phone.isVoiced { return [(.closure, closure), (.burst, burst)] }
            return [(.closure, closure), (.burst, burst), (.aspiration, d * (coda ? 0.03 : 0.09) * wobble)]
        case .fricative:
            return [(.sustained, d * (phone.isVoiced ? 0.17 : 0.23) * wobble)]
        case .aspirate:
            return [(.sustained, d * 0.13 * wobble)]
        case .nasal:
            return [(.sustained, d * 0.14 * wobble)]
        case .approximant:
            return [(.sustained, d * 0.12 * wobble)]
        case .vowel:
            return [(.sustained, d * 0.3 * wobble)]
        }
    }
}
