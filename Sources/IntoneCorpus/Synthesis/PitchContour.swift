import Foundation
import IntoneRandom

/// The fundamental-frequency contour of an utterance, built in semitones in the manner of
/// superpositional intonation models (Fujisaki; 't Hart, Collier & Cohen):
///
///     st(t) = L + δ·(½ − u) + Σᵢ hᵢ·exp(−½((t − cᵢ)/wᵢ)²) + F·S((t − t₀)/(t₁ − t₀)) − 0.3·R + drift(t) + tremor(t)
///     f0(t) = f0_speaker · 2^(st(t)/12),   limited to 50–650 Hz
///
/// - `L` pitch level (semitones re. the speaker), `R` pitch range × the speaker's range scale;
/// - `u` the position in the speech (0 at its start, 1 at its end) and `δ = 0.25·R + 1.5` the
///   declination over the utterance;
/// - one accent per stressed syllable, height `hᵢ = R·U(0.45, 1)` (the first 10 % higher), peaking
///   at 60 % of its vowel, width 55 % of the syllable;
/// - the final movement `F` (semitones; rise > 0, fall < 0) over the last syllable, from its vowel
///   onset to its end, with smoothstep `S(x) = 3x² − 2x³`;
/// - `−0.3·R` recentres the contour, since accents raise the mean;
/// - drift: two slow sinusoids (0.6–1.2 Hz, 0.35 st; 1.5–3 Hz, 0.25 st); tremor: the emotion's
///   tremor depth at 5–6.5 Hz.
enum PitchContour {
    /// f0 in Hz at each of `times` (seconds).
    static func track(times: [Double], timeline: ArticulationTimeline, speaker: SpeakerProfile,
                      prosody: UtteranceProsody, rng: inout SeededRandom) -> [Double] {
        let level = prosody[.pitchLevel]
        let range = prosody[.pitchRange] * speaker.rangeScale
        let declination = 0.25 * range + 1.5
        let final = prosody[.finalMovement] * speaker.rangeScale.squareRoot()
        let span = max(timeline.speechEnd - timeline.speechStart, 0.1)

        var accents: [(centre: Double, width: Double, height: Double)] = []
        for (index, syllable) in timeline.syllables.enumerated() where syllable.stressed {
            var height = range * rng.uniform(0.45, 1)
            if accents.isEmpty { height *= 1.1 }
            if index == timeline.syllables.count - 1 { height *= 0.6 }
            let centre = syllable.vowelStart + 0.6 * (syllable.vowelEnd - syllable.vowelStart)
            accents.append((centre, max(0.55 * (syllable.end - syllable.start), 0.05), height))
        }
        let last = timeline.syllables.last
        let finalStart = last?.vowelStart ?? timeline.speechEnd
        let finalEnd = max(last?.end ?? timeline.speechEnd, finalStart + 0.05)

        let driftA = (f: rng.uniform(0.6, 1.2), phase: rng.uniform(0, 2 * Double.pi))
        let driftB = (f: rng.uniform(1.5, 3), phase: rng.uniform(0, 2 * Double.pi))
        let tremorRate = rng.uniform(5, 6.5)
        let tremorPhase = rng.uniform(0, 2 * Double.pi)
        let twoPi = 2 * Double.pi

        return times.map { t in
            let u = min(max((t - timeline.speechStart) / span, 0), 1)
            var st = level + declination * (0.5 - u) - 0.3 * range
            for accent in accents {
                let x = (t - accent.centre) / accent.width
                if abs(x) < 4 { st += accent.height * exp(-0.5 * x * x) }
            }
            let x = min(max((t - finalStart) / (finalEnd - finalStart), 0), 1)
            st += final * x * x * (3 - 2 * x)
            st += 0.35 * sin(twoPi * driftA.f * t + driftA.phase) + 0.25 * sin(twoPi * driftB.f * t + driftB.phase)
            st += prosody[.tremor] * sin(twoPi * tremorRate * t + tremorPhase)
            return min(max(speaker.baseF0 * pow(2, st / 12), 50), 650)
        }
    }
}
