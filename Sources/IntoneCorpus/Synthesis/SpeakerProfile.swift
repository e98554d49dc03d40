import IntoneRandom

/// The voice of one synthetic actor: who they are (sex, age) fixes the ranges, the seed picks the
/// values within them.
///
/// Derived deterministically from `(seed, corpus, speaker id)`: the same actor sounds the same in
/// every file of a corpus, and a different seed casts different voices. Values are drawn in a fixed
/// order from the stream `synth/speaker/<corpus>/<id>`.
struct SpeakerProfile: Sendable, Equatable {
    let corpus: CorpusKind
    let id: String
    let sex: SpeakerSex
    /// True for TESS's older talker (OAF, 64 years): lower pitch and formants, more jitter and shimmer.
    let isOlder: Bool

    /// Habitual (neutral) fundamental frequency, Hz: men 95–140, women 170–240 (TESS's older woman
    /// 160–185, below the younger woman's 200–235).
    let baseF0: Double
    /// Multiplies every emotion's pitch range in semitones (some people are monotonous): 0.75–1.3.
    let rangeScale: Double
    /// Vocal-tract scale: all formants are multiplied by it (male ≈ 1, female ≈ 1.17, SD 0.035).
    let tractScale: Double
    /// Speaking rate of neutral read speech, syllables per second (≈ 3.5–5.2).
    let syllableRate: Double
    /// Added to the utterance breathiness (0–1 scale): women and older speakers are breathier.
    let breathiness: Double
    /// Added to the utterance tenseness (0–1 scale): pressed (+) or lax (−) habitual phonation.
    let tenseness: Double
    /// Added to the relative period jitter (fraction, e.g. 0.003 = 0.3 %).
    let jitter: Double
    /// Added to the relative amplitude shimmer (fraction).
    let shimmer: Double
    /// Habitual loudness relative to the corpus reference level, dB.
    let loudness: Double
    /// How far this actor moves away from neutral when portraying an emotion (0.7–1.25; 1 = typical).
    let expressiveness: Double

    init(corpus: CorpusKind, id: String, sex: SpeakerSex, seed: UInt64) {
        self.corpus = corpus
        self.id = id
        self.sex = sex
        isOlder = corpus == .tess && id == "OAF"
        var rng = SeededRandom(seed: seed, stream: "synth/speaker/\(corpus.rawValue)/\(id)")
        switch (sex, corpus == .tess, isOlder) {
        case (.male, _, _): baseF0 = rng.uniform(95, 140)
        case (.female, true, true): baseF0 = rng.uniform(160, 185)
        case (.female, true, false): baseF0 = rng.uniform(200, 235)
        case (.female, false, _): baseF0 = rng.uniform(170, 240)
        }
        rangeScale = rng.uniform(0.75, 1.3)
        let tractMean = (sex == .male ? 1.0 : 1.17) * (isOlder ? 0.97 : 1)
        tractScale = clamp(rng.normal(mean: tractMean, sd: 0.035), tractMean - 0.08, tractMean + 0.08)
        syllableRate = clamp(rng.normal(mean: 4.3, sd: 0.35), 3.5, 5.2)
        breathiness = clamp(rng.normal(mean: sex == .male ? 0.05 : 0.12, sd: 0.05) + (isOlder ? 0.06 : 0), 0, 0.4)
        tenseness = rng.normal(mean: 0, sd: 0.07)
        jitter = abs(rng.normal(mean: 0, sd: 0.002)) + (isOlder ? 0.005 : 0)
        shimmer = abs(rng.normal(mean: 0, sd: 0.01)) + (isOlder ? 0.02 : 0)
        loudness = rng.normal(mean: 0, sd: 1.5)
        expressiveness = rng.uniform(0.7, 1.25)
    }

    /// This actor's own way of portraying `acted`: an offset per prosodic parameter, in units of
    /// that emotion's spread (standard normal, scaled by `EmotionProsody.quirkScale` when used), drawn
    /// from `synth/speaker/<corpus>/<id>/<emotion>`. It is what makes held-out actors harder.
    func quirks(for acted: ActedEmotion, seed: UInt64) -> [Double] {
        var rng = SeededRandom(seed: seed, stream: "synth/speaker/\(corpus.rawValue)/\(id)/\(acted.rawValue)")
        return (0..<ProsodyParameter.allCases.count).map { _ in rng.normal() }
    }
}

/// `value` limited to `[low, high]`.
private func clamp(_ value: Double, _ low: Double, _ high: Double) -> Double {
    min(max(value, low), high)
}
