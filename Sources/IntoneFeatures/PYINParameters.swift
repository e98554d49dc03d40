import Glibc

/// Settings of probabilistic YIN, with librosa 0.11's names and defaults (`librosa.pyin`).
///
/// `fmin` and `fmax` have no default in librosa; Intone's are C2 (65.4 Hz) and C7 (2,093 Hz), the
/// range librosa's documentation recommends.
public struct PYINParameters: Equatable, Hashable, Sendable, Codable {
    /// Lowest F0 searched, Hz (`fmin`). Default C2 = 65.406 Hz.
    public var fmin: Double
    /// Highest F0 searched, Hz (`fmax`), at most sr/2. Default C7 = 2,093.0 Hz.
    public var fmax: Double
    /// Samples per analysis frame (`frame_length`). Default 2,048.
    public var frameLength: Int
    /// Samples between frames (`hop_length`); `nil` is `frameLength / 4`.
    public var hopLength: Int?
    /// Thresholds of the beta prior (`n_thresholds`). Default 100.
    public var nThresholds: Int
    /// Shape parameters of the beta prior over thresholds (`beta_parameters`). Default (2, 18).
    public var betaA: Double
    public var betaB: Double
    /// Shape of the Boltzmann prior over troughs (`boltzmann_parameter`). Default 2.
    public var boltzmannParameter: Double
    /// Pitch-bin width in semitones (`resolution`). Default 0.1 (10 cents).
    public var resolution: Double
    /// Fastest pitch change the HMM allows, octaves per second (`max_transition_rate`). Default 35.92.
    public var maxTransitionRate: Double
    /// Probability of switching between voiced and unvoiced (`switch_prob`). Default 0.01.
    public var switchProbability: Double
    /// Probability added to the global minimum when no trough is below a threshold (`no_trough_prob`). Default 0.01.
    public var noTroughProbability: Double
    /// Whether frames are centred on `t · hop` with zero padding (`center`, `pad_mode='constant'`). Default true.
    public var center: Bool

    /// C2 in Hz, `librosa.note_to_hz('C2')`.
    public static let noteC2 = 65.40639132514966
    /// C7 in Hz, `librosa.note_to_hz('C7')`.
    public static let noteC7 = 2093.004522404789

    public init(fmin: Double = PYINParameters.noteC2, fmax: Double = PYINParameters.noteC7, frameLength: Int = 2048,
                hopLength: Int? = nil, nThresholds: Int = 100, betaA: Double = 2, betaB: Double = 18,
                boltzmannParameter: Double = 2, resolution: Double = 0.1, maxTransitionRate: Double = 35.92,
                switchProbability: Double = 0.01, noTroughProbability: Double = 0.01, center: Bool = true) {
        self.fmin = fmin
        self.fmax = fmax
        self.frameLength = frameLength
        self.hopLength = hopLength
        self.nThresholds = nThresholds
        self.betaA = betaA
        self.betaB = betaB
        self.boltzmannParameter = boltzmannParameter
        self.resolution = resolution
        self.maxTransitionRate = maxTransitionRate
        self.switchProbability = switchProbability
        self.noTroughProbability = noTroughProbability
        self.center = center
    }

    /// The hop in samples: `hopLength`, or `frameLength / 4`.
    public var hop: Int { hopLength ?? frameLength / 4 }

    /// Checks the settings against `sampleRate` as librosa does (`__check_yin_params` and the
    /// argument checks of `pyin`), naming the parameter that is out of range.
    public func validate(sampleRate: Double) throws(FeatureError) {
        guard sampleRate.isFinite, sampleRate > 0 else { throw .invalidParameter("sr must be positive (got \(sampleRate))") }
        guard fmin.isFinite, fmax.isFinite else { throw .invalidParameter("fmin and fmax must be finite (got \(fmin), \(fmax))") }
        guard fmax <= sampleRate / 2 else {
            throw .invalidParameter("fmax=\(fmax) cannot exceed the Nyquist frequency \(sampleRate / 2)")
        }
        guard fmin < fmax else { throw .invalidParameter("fmin=\(fmin) must be less than fmax=\(fmax)") }
        guard fmin > 0 else { throw .invalidParameter("fmin=\(fmin) must be strictly positive") }
        guard frameLength > 2, frameLength <= 1 << 20 else {
            throw .invalidParameter("frame_length must be between 3 and 1048576 (got \(frameLength))")
        }
        guard sampleRate / fmin < Double(frameLength - 1) else {
            throw .invalidParameter("fmin=\(fmin) is too small for frame_length=\(frameLength) and sr=\(sampleRate): "
                + "increase fmin to \(sampleRate / Double(frameLength - 1)) or frame_length to \(Int((sampleRate / fmin).rounded(.up)) + 1)")
        }
        guard hop > 0, hop <= 1 << 20 else { throw .invalidParameter("hop_length must be positive (got \(hop))") }
        guard nThresholds > 0, nThresholds <= 100_000 else {
            throw .invalidParameter("n_thresholds must be between 1 and 100000 (got \(nThresholds))")
        }
        guard betaA > 0, betaB > 0, betaA.isFinite, betaB.isFinite else {
            throw .invalidParameter("beta_parameters must be positive (got (\(betaA), \(betaB)))")
        }
        guard boltzmannParameter > 0, boltzmannParameter.isFinite else {
            throw .invalidParameter("boltzmann_parameter must be positive (got \(boltzmannParameter))")
        }
        guard resolution > 0, resolution < 1 else { throw .invalidParameter("resolution must be in (0, 1) (got \(resolution))") }
        guard maxTransitionRate > 0, maxTransitionRate.isFinite else {
            throw .invalidParameter("max_transition_rate must be positive (got \(maxTransitionRate))")
        }
        guard switchProbability > 0, switchProbability < 1 else {
            throw .invalidParameter("switch_prob must be in (0, 1) (got \(switchProbability))")
        }
        guard noTroughProbability > 0, noTroughProbability < 1 else {
            throw .invalidParameter("no_trough_prob must be in (0, 1) (got \(noTroughProbability))")
        }
        let bins = pitchBins(binsPerSemitone: binsPerSemitone)
        guard bins >= 2, bins <= 20_000 else {
            throw .invalidParameter("fmin, fmax and resolution give \(bins) pitch bins; between 2 and 20000 are supported")
        }
    }

    /// Pitch bins per semitone, `ceil(1 / resolution)`.
    var binsPerSemitone: Int { Int((1.0 / resolution).rounded(.up)) }

    /// Pitch bins from fmin to fmax, `floor(12 · bins_per_semitone · log2(fmax / fmin)) + 1`.
    func pitchBins(binsPerSemitone: Int) -> Int {
        Int((12 * Double(binsPerSemitone) * Glibc.log2(fmax / fmin)).rounded(.down)) + 1
    }
}
