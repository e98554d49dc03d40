import IntoneRandom

/// A prosodic or voice-quality parameter that actors vary to express an emotion.
enum ProsodyParameter: Int, CaseIterable, Sendable {
    /// Pitch level, semitones relative to the speaker's habitual f0.
    case pitchLevel
    /// Pitch range, semitones: the height of pitch accents above the declining baseline.
    case pitchRange
    /// Pitch movement over the last syllable, semitones (+ rise as in surprise, − fall as in sadness).
    case finalMovement
    /// Factor on the speaker's syllable rate.
    case rate
    /// Loudness, dB relative to the speaker's habitual level.
    case loudness
    /// Phonation from lax (0: long open phase, soft closure, steep spectral tilt) to pressed (1).
    case tenseness
    /// Aspiration noise relative to voicing (0–1).
    case breathiness
    /// Relative standard deviation of the glottal period (0.01 = 1 %).
    case jitter
    /// Relative standard deviation of the glottal pulse amplitude.
    case shimmer
    /// Creaky voice (0–1): irregular, long, weak periods, mostly near the end of the phrase.
    case creak
    /// Depth of a 5.5 Hz pitch tremor, semitones.
    case tremor
    /// Probability of a pause at a word boundary.
    case pauseProbability
    /// Mean pause length, seconds.
    case pauseLength
    /// Factor on all formants (a smile shortens the tract and raises them; a lowered larynx lowers them).
    case formantShift
    /// Articulatory precision: 1 reaches the vowel targets, 0 reduces every vowel to schwa.
    case articulation

    /// Loading on the per-utterance arousal factor: how strongly this parameter moves together with
    /// the others when an actor happens to play a take more or less intensely (−1…1).
    var arousalLoading: Double {
        switch self {
        case .pitchLevel: return 0.6
        case .pitchRange: return 0.4
        case .rate: return 0.4
        case .loudness: return 0.7
        case .tenseness: return 0.6
        case .breathiness: return -0.3
        case .creak: return -0.2
        case .pauseProbability, .pauseLength: return -0.3
        case .formantShift, .articulation: return 0.3
        case .finalMovement, .jitter, .shimmer, .tremor: return 0
        }
    }

    /// The physically meaningful range values are limited to after sampling.
    var limits: ClosedRange<Double> {
        switch self {
        case .pitchLevel: return -8...14
        case .pitchRange: return 0.5...18
        case .finalMovement: return -10...12
        case .rate: return 0.6...1.5
        case .loudness: return -15...15
        case .tenseness, .breathiness, .creak: return 0...1
        case .jitter: return 0.001...0.05
        case .shimmer: return 0.005...0.2
        case .tremor: return 0...1.5
        case .pauseProbability: return 0...0.9
        case .pauseLength: return 0.05...0.8
        case .formantShift: return 0.92...1.1
        case .articulation: return 0.4...1
        }
    }
}

/// How each acted emotion is portrayed: the mean and the take-to-take spread of every prosodic
/// parameter, after the acted-speech literature (Scherer 2003, *Speech Communication* 40, 227;
/// Banse & Scherer 1996; Juslin & Laukka 2003).
///
/// Angry: high and wide pitch, fast, loud, pressed. Happy: high, wide, fast-ish, loud-ish, smiling
/// (raised formants). Fear: high but narrow pitch, tremor, jitter, fast, breathy, fragmented.
/// Sad: low, narrow, slow, soft, breathy, creaky, long pauses, falling. Disgust: low-ish, slow,
/// creaky and irregular, mid loudness. Surprise: very high, widest range, rising end. Neutral is the
/// baseline; calm is neutral but softer, slower and laxer. The spreads are wide enough that
/// neighbouring classes overlap (angry/happy/surprise, sad/calm/neutral, fear/surprise).
struct EmotionProsody: Sendable {
    /// Mean and standard deviation of one parameter.
    struct Distribution: Sendable {
        var mean: Double
        var sd: Double
    }

    /// One distribution per `ProsodyParameter`, in its order.
    let parameters: [Distribution]

    /// An actor's own portrayal offset, in units of the emotion's spread (see `SpeakerProfile.quirks`).
    static let quirkScale = 0.5

    /// The portrayal of `acted`.
    init(_ acted: ActedEmotion) {
        let column = ActedEmotion.allCases.firstIndex(of: acted)!
        parameters = Self.table.map { row in Distribution(mean: row[column].0, sd: row[column].1) }
    }

    /// Rows in `ProsodyParameter` order; columns angry, disgust, fear, happy, neutral, sad, surprise, calm.
    private static let table: [[(Double, Double)]] = [
        /* pitchLevel  */ [(5, 2), (-1, 1.5), (5.5, 2), (4.5, 2), (0, 1.2), (-1.5, 1.2), (6.5, 2), (-0.8, 1)],
        /* pitchRange  */ [(8, 2.5), (5, 1.8), (4.5, 1.5), (8.5, 2.5), (4, 1.2), (2.5, 1), (10, 2.5), (3, 1)],
        /* final       */ [(-3, 2), (-4, 2), (1, 2.5), (-1.5, 2.5), (-2.5, 1.5), (-4, 1.5), (5, 2.5), (-2.5, 1.5)],
        /* rate        */ [(1.12, 0.08), (0.86, 0.07), (1.15, 0.08), (1.06, 0.07), (1, 0.06), (0.8, 0.06), (0.97, 0.07), (0.9, 0.06)],
        /* loudness    */ [(7, 2.5), (0.5, 2.5), (2, 2.5), (4, 2.5), (0, 2), (-5, 2), (5, 2.5), (-3, 2)],
        /* tenseness   */ [(0.9, 0.07), (0.55, 0.1), (0.45, 0.1), (0.66, 0.1), (0.45, 0.08), (0.22, 0.08), (0.55, 0.1), (0.35, 0.08)],
        /* breathiness */ [(0.06, 0.04), (0.18, 0.07), (0.45, 0.1), (0.12, 0.06), (0.12, 0.05), (0.4, 0.1), (0.28, 0.07), (0.25, 0.07)],
        /* jitter      */ [(0.01, 0.003), (0.018, 0.005), (0.022, 0.006), (0.008, 0.003), (0.006, 0.002), (0.012, 0.004), (0.009, 0.003), (0.006, 0.002)],
        /* shimmer     */ [(0.05, 0.015), (0.08, 0.02), (0.08, 0.02), (0.04, 0.015), (0.04, 0.012), (0.07, 0.02), (0.05, 0.015), (0.04, 0.012)],
        /* creak       */ [(0.05, 0.04), (0.45, 0.15), (0.05, 0.04), (0.03, 0.03), (0.1, 0.06), (0.3, 0.12), (0.02, 0.02), (0.15, 0.08)],
        /* tremor      */ [(0.05, 0.03), (0.1, 0.05), (0.5, 0.2), (0.05, 0.03), (0.03, 0.02), (0.2, 0.1), (0.08, 0.04), (0.03, 0.02)],
        /* pauseProb   */ [(0.1, 0.05), (0.35, 0.1), (0.25, 0.1), (0.08, 0.05), (0.15, 0.06), (0.45, 0.12), (0.15, 0.06), (0.25, 0.08)],
        /* pauseLength */ [(0.12, 0.04), (0.3, 0.08), (0.14, 0.05), (0.12, 0.04), (0.18, 0.05), (0.35, 0.1), (0.12, 0.04), (0.25, 0.07)],
        /* formants    */ [(1.03, 0.015), (0.99, 0.015), (1.02, 0.015), (1.06, 0.015), (1, 0.01), (0.98, 0.015), (1.03, 0.015), (1, 0.01)],
        /* articulation*/ [(0.95, 0.05), (0.8, 0.07), (0.85, 0.07), (0.9, 0.06), (0.85, 0.05), (0.7, 0.07), (0.9, 0.06), (0.8, 0.05)],
    ]
}

/// The prosody of one take: every `ProsodyParameter` drawn for one utterance.
///
/// For parameter *p* with neutral mean μ₀, emotion mean μ and spread σ:
///
///     value = μ₀ + k·(μ − μ₀) + q·σ·quirkₚ + s·σ·(ρₚ·z + √(1 − ρₚ²)·εₚ)
///
/// where k = intensity × the speaker's expressiveness, quirkₚ the speaker's own offset for this
/// emotion, q = `EmotionProsody.quirkScale`, s the corpus spread factor, ρₚ the arousal loading,
/// z one standard normal shared by the whole take, εₚ independent standard normals; then limited to
/// `ProsodyParameter.limits`.
struct UtteranceProsody: Sendable, Equatable {
    /// Values in `ProsodyParameter` order.
    var values: [Double]

    subscript(_ parameter: ProsodyParameter) -> Double { values[parameter.rawValue] }

    /// Draws one take of `acted` at `intensity` (1 = typical) by `speaker`, with spreads multiplied by `spread`.
    static func sample(_ acted: ActedEmotion, intensity: Double, speaker: SpeakerProfile, spread: Double,
                       seed: UInt64, rng: inout SeededRandom) -> UtteranceProsody {
        let emotion = EmotionProsody(acted).parameters
        let neutral = EmotionProsody(.neutral).parameters
        let quirks = speaker.quirks(for: acted, seed: seed)
        let k = intensity * speaker.expressiveness
        let arousal = rng.normal()
        var values: [Double] = []
        for parameter in ProsodyParameter.allCases {
            let p = parameter.rawValue
            let rho = parameter.arousalLoading
            let noise = rho * arousal + (1 - rho * rho).squareRoot() * rng.normal()
            let value = neutral[p].mean + k * (emotion[p].mean - neutral[p].mean)
                + EmotionProsody.quirkScale * emotion[p].sd * quirks[p] + spread * emotion[p].sd * noise
            values.append(min(max(value, parameter.limits.lowerBound), parameter.limits.upperBound))
        }
        return UtteranceProsody(values: values)
    }
}
