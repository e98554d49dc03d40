import IntoneRandom

/// Which augmented copies a training example gets: the classic speech-emotion recipe of one noisy,
/// one shifted, one stretched and one pitch-shifted copy, each with amounts drawn per example.
///
/// The choice is a pure function of (run seed, example id, policy): every kind draws from its own
/// stream `augment/policy/<kind>/<example id>`, so turning one kind off or changing its range leaves
/// the others' draws as they were, and a re-run or another machine picks the same copies.
///
/// ```swift
/// let policy = AugmentationPolicy.standard
/// for a in policy.augmentations(seed: 42, exampleID: sha256) {           // e.g. noise-snr21.3, stretch0.87 ...
///     let y = try a.apply(to: samples, sampleRate: 22050, seed: 42, exampleID: sha256)
/// }
/// ```
public struct AugmentationPolicy: Hashable, Sendable, Codable {
    /// SNR in dB of the noisy copy, drawn uniformly (default 15...30); `nil` for no noisy copy.
    public var noiseSNR: ClosedRange<Double>?
    /// Signed shift as a fraction of the length, drawn uniformly (default -0.1...0.1); `nil` for none.
    public var shiftFraction: ClosedRange<Double>?
    /// Time-stretch rate, drawn uniformly (default 0.8...1.2); `nil` for none.
    public var stretchRate: ClosedRange<Double>?
    /// Size of the pitch shift in semitones, drawn uniformly, up or down with equal chance
    /// (default 2...4, i.e. ±2–4 semitones); `nil` for none.
    public var pitchSemitones: ClosedRange<Double>?
    /// Line SNR in dB of the telephone copies (one mu-law, one A-law), drawn uniformly; `nil` (the
    /// default) for none. `.telephone` turns them on.
    public var telephoneSNR: ClosedRange<Double>?
    /// Line SNR in dB of a third telephone copy coded with GSM 06.10 (mobile calls), drawn uniformly;
    /// `nil` (the default) for none. `.telephoneWithGSM` turns it on.
    public var gsmSNR: ClosedRange<Double>?
    /// Chance that each enabled kind is applied to a given example (default 1: always).
    public var probability: Double

    public init(noiseSNR: ClosedRange<Double>? = 15...30, shiftFraction: ClosedRange<Double>? = -0.1...0.1,
                stretchRate: ClosedRange<Double>? = 0.8...1.2, pitchSemitones: ClosedRange<Double>? = 2...4,
                telephoneSNR: ClosedRange<Double>? = nil, probability: Double = 1) {
        self.telephoneSNR = telephoneSNR
        self.noiseSNR = noiseSNR
        self.shiftFraction = shiftFraction
        self.stretchRate = stretchRate
        self.pitchSemitones = pitchSemitones
        self.probability = probability
    }

    /// Noise 15–30 dB, shift ±10 %, stretch 0.8–1.2, pitch ±2–4 semitones, all four on every example.
    public static let standard = AugmentationPolicy()

    /// Two telephone copies of every training example (G.711 mu-law and A-law through the 300-3,400 Hz
    /// band, line noise at 15-35 dB SNR) and nothing else: `intone extract --channel telephone`.
    public static let telephone = AugmentationPolicy(noiseSNR: nil, shiftFraction: nil, stretchRate: nil, pitchSemitones: nil, telephoneSNR: 15...35)

    /// `.telephone` and a third copy through the same channel coded with GSM 06.10 (line noise at
    /// 15-35 dB SNR): `intone extract --channel telephone-gsm`, for archives with mobile calls.
    public static let telephoneWithGSM: AugmentationPolicy = {
        var p = AugmentationPolicy.telephone
        p.gsmSNR = 15...35
        return p
    }()

    /// This policy with the telephone copies of `.telephone` added.
    public var withTelephoneCopies: AugmentationPolicy {
        var p = self
        p.telephoneSNR = AugmentationPolicy.telephone.telephoneSNR
        return p
    }

    /// No augmented copies.
    public static let off = AugmentationPolicy(noiseSNR: nil, shiftFraction: nil, stretchRate: nil, pitchSemitones: nil)

    /// Checks every range lies within `Augmentation.allowedRange(of:)` and the probability is in [0, 1].
    /// - Throws: `AugmentationError` naming the kind and its bad bound.
    public func validate() throws(AugmentationError) {
        guard probability.isFinite, (0...1).contains(probability) else {
            throw AugmentationError(augmentation: "policy", reason: "probability must be between 0 and 1 (got \(probability))")
        }
        let checks: [(ClosedRange<Double>?, (Double) -> Augmentation)] = [
            (noiseSNR, Augmentation.noise(snrDB:)), (shiftFraction, Augmentation.shift(fraction:)),
            (stretchRate, Augmentation.stretch(rate:)), (pitchSemitones, Augmentation.pitch(semitones:)),
            (telephoneSNR, Augmentation.mulaw(snrDB:)), (gsmSNR, Augmentation.gsm(snrDB:)),
        ]
        for case let (range?, make) in checks {
            try make(range.lowerBound).validate()
            try make(range.upperBound).validate()
        }
        if let pitchSemitones, pitchSemitones.lowerBound < 0 {
            throw AugmentationError(augmentation: "policy", reason: "pitch range is a size in semitones and must not be negative (got \(pitchSemitones))")
        }
    }

    /// The augmented copies to make of training example `exampleID` (its content hash, say) under run
    /// `seed`, in the order noise, shift, stretch, pitch, mu-law, A-law, GSM. The original is not included.
    ///
    /// Amounts are drawn uniformly from the ranges and rounded to the ids' resolution. A draw that
    /// rounds to no change at all (`shift+0.00`, `stretch1.00`) is left out rather than stored twice.
    public func augmentations(seed: UInt64, exampleID: String) -> [Augmentation] {
        var out: [Augmentation] = []
        func draw(_ kind: Augmentation.Kind, _ range: ClosedRange<Double>?, _ make: (Double, inout SeededRandom) -> Augmentation) {
            guard let range else { return }
            var random = SeededRandom(seed: seed, stream: "augment/policy/\(kind.rawValue)/\(exampleID)")
            let chance = random.uniform()
            let amount = random.uniform(range.lowerBound, range.upperBound)
            let augmentation = make(amount, &random)
            guard chance < probability, !augmentation.isIdentity else { return }
            out.append(augmentation)
        }
        draw(.noise, noiseSNR) { v, _ in .noise(snrDB: v) }
        draw(.shift, shiftFraction) { v, _ in .shift(fraction: v) }
        draw(.stretch, stretchRate) { v, _ in .stretch(rate: v) }
        draw(.pitch, pitchSemitones) { v, random in .pitch(semitones: random.uniform() < 0.5 ? -v : v) }
        draw(.mulaw, telephoneSNR) { v, _ in .mulaw(snrDB: v) }
        draw(.alaw, telephoneSNR) { v, _ in .alaw(snrDB: v) }
        draw(.gsm, gsmSNR) { v, _ in .gsm(snrDB: v) }
        return out
    }
}

extension Augmentation {
    /// True when it changes nothing worth storing: `none`, `shift+0.00`, and `stretch1.00` and `pitch+0`,
    /// which only pass the signal through the phase vocoder at rate 1 (not bit-exact, but no augmentation).
    public var isIdentity: Bool {
        switch kind {
        case .none: return true
        case .shift, .pitch: return value == 0
        case .stretch: return value == 1
        case .noise, .mulaw, .alaw, .gsm: return false
        }
    }

    /// The random stream `apply(to:sampleRate:seed:exampleID:)` uses: `augment/<id>/<example id>`.
    public func stream(exampleID: String) -> String { "augment/\(id)/\(exampleID)" }

    /// `apply(to:sampleRate:seed:stream:)` with the stream named by the example and this augmentation,
    /// so each (seed, example, augmentation) gets its own noise and replays it bit for bit.
    public func apply(to samples: [Float], sampleRate: Double, seed: UInt64, exampleID: String) throws(AugmentationError) -> [Float] {
        try apply(to: samples, sampleRate: sampleRate, seed: seed, stream: stream(exampleID: exampleID))
    }
}
