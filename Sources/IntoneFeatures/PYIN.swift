import Glibc

/// F0, voicing and voicing probability per frame, as `librosa.pyin` returns them.
public struct PitchTrack: Equatable, Sendable {
    /// Fundamental frequency in Hz per frame; NaN where the frame is unvoiced (librosa's `fill_na=np.nan`).
    public var f0: [Double]
    /// Whether the decoded state of the frame is voiced.
    public var voiced: [Bool]
    /// Probability that the frame is voiced (the sum of its voiced observation probabilities).
    public var voicedProbability: [Double]

    /// Frames in the track.
    public var frames: Int { f0.count }

    public init(f0: [Double], voiced: [Bool], voicedProbability: [Double]) {
        self.f0 = f0
        self.voiced = voiced
        self.voicedProbability = voicedProbability
    }

    /// Equality that treats NaN F0s (unvoiced frames) as equal.
    public static func == (a: PitchTrack, b: PitchTrack) -> Bool {
        a.voiced == b.voiced && a.voicedProbability == b.voicedProbability && a.f0.count == b.f0.count
            && zip(a.f0, b.f0).allSatisfy { $0 == $1 || ($0.isNaN && $1.isNaN) }
    }
}

/// Probabilistic YIN (Mauch & Dixon 2014) as `librosa.pyin` 0.11 computes it, step for step:
///
/// 1. Frames of `frame_length` samples every `hop` (centred with zero padding), and per frame the
///    cumulative mean normalised difference (YIN's eq. 8) from an FFT autocorrelation, in float32 up
///    to the normalisation and float64 after it, as librosa's dtypes fall.
/// 2. Troughs of each frame's difference function; a beta(2, 18) prior over 100 thresholds and a
///    Boltzmann prior over the troughs below each threshold give each trough a probability (the
///    global minimum gets `no_trough_prob` of the mass of thresholds no trough is below).
/// 3. Each trough's period, refined by parabolic interpolation, falls into a pitch bin
///    (`resolution` semitones from `fmin`): those are the voiced observation probabilities; the
///    rest of the frame's mass is spread over as many unvoiced states.
/// 4. Viterbi decoding over voiced and unvoiced pitch states, with a triangular transition of at
///    most `max_transition_rate` octaves per second within a voicing and `switch_prob` across.
///
/// The decoding uses the transition matrix's band structure: per target state it takes the exact
/// maximum over the band (2 · width candidates) and, for the states outside it, whose transition
/// is librosa's `log(0 + tiny)`, the running maxima to either side, with numpy's first-index rule
/// for ties. That is `O(states · width)` per frame instead of librosa's `O(states²)`.
///
/// Cost: the back pointers take `2 · states` bytes per frame (states = 2 × pitch bins, 1,202 with
/// the defaults), about 0.1 MB per second of 22,050 Hz audio.
public struct PYIN: Sendable {
    /// The settings.
    public let parameters: PYINParameters
    /// Sampling rate of the samples given to `track`, Hz.
    public let sampleRate: Double

    let minPeriod: Int
    let maxPeriod: Int
    let binsPerSemitone: Int
    /// Voiced pitch bins (`n_pitch_bins`); the HMM has twice as many states.
    let pitchBins: Int
    let thresholds: [Double]
    let betaProbabilities: [Double]
    let transitions: BandedPitchTransitions
    /// F0 of each pitch bin, Hz.
    let binFrequencies: [Double]
    let autocorrelationSize: Int

    /// Builds the priors and the transition tables.
    /// - Throws: `FeatureError.invalidParameter` naming the setting out of range, with librosa's wording.
    public init(parameters: PYINParameters = PYINParameters(), sampleRate: Double) throws(FeatureError) {
        try parameters.validate(sampleRate: sampleRate)
        self.parameters = parameters
        self.sampleRate = sampleRate
        minPeriod = Int((sampleRate / parameters.fmax).rounded(.down))
        maxPeriod = min(Int((sampleRate / parameters.fmin).rounded(.up)), parameters.frameLength - 1)
        binsPerSemitone = parameters.binsPerSemitone
        pitchBins = parameters.pitchBins(binsPerSemitone: binsPerSemitone)
        guard maxPeriod - minPeriod + 1 >= 3 else {
            throw .invalidParameter("fmin=\(parameters.fmin) and fmax=\(parameters.fmax) leave fewer than 3 periods to search at sr=\(sampleRate)")
        }

        // np.linspace(0, 1, n + 1): k · (1 / n), the last one exactly 1.
        let n = parameters.nThresholds
        let step = 1.0 / Double(n)
        var thresholds = (0...n).map { Double($0) * step }
        thresholds[n] = 1
        self.thresholds = thresholds
        let cdf = thresholds.map { regularizedIncompleteBeta(x: $0, a: parameters.betaA, b: parameters.betaB) }
        betaProbabilities = (0..<n).map { cdf[$0 + 1] - cdf[$0] }

        let semitonesPerFrame = (parameters.maxTransitionRate * 12 * Double(parameters.hop) / sampleRate).rounded(.toNearestOrEven)
        let width = Int(semitonesPerFrame) * binsPerSemitone + 1
        guard width <= pitchBins else {
            throw .invalidParameter("max_transition_rate=\(parameters.maxTransitionRate) allows \(width) pitch bins per frame, more than the \(pitchBins) bins from fmin to fmax")
        }
        transitions = BandedPitchTransitions(pitchBins: pitchBins, width: width, switchProbability: parameters.switchProbability)
        let perOctave = Double(12 * binsPerSemitone)
        binFrequencies = (0..<pitchBins).map { parameters.fmin * pow(2, Double($0) / perOctave) }
        autocorrelationSize = fastFFTLength(atLeast: 2 * parameters.frameLength - 1)
    }

    /// The pitch track of `samples` (mono, at `sampleRate`).
    ///
    /// - Throws: `FeatureError.invalidParameter` if a sample is not finite (librosa's `valid_audio`);
    ///   `FeatureError.signalTooShort` if not one frame fits (an un-centred signal shorter than
    ///   `frame_length`).
    public func track(_ samples: [Float]) throws(FeatureError) -> PitchTrack {
        guard samples.allSatisfy(\.isFinite) else { throw .invalidParameter("audio buffer is not finite everywhere") }
        let frameLength = parameters.frameLength
        let hop = parameters.hop
        let pad = parameters.center ? frameLength / 2 : 0
        let paddedCount = samples.count + 2 * pad
        guard paddedCount >= frameLength else { throw .signalTooShort(samples: samples.count, needed: frameLength) }
        let frames = 1 + (paddedCount - frameLength) / hop
        var padded = [Float](repeating: 0, count: paddedCount)
        padded.withUnsafeMutableBufferPointer { p in
            samples.withUnsafeBufferPointer { s in
                if let base = s.baseAddress { (p.baseAddress! + pad).update(from: base, count: s.count) }
            }
        }

        let difference = YINDifference(frameLength: frameLength, minPeriod: minPeriod, maxPeriod: maxPeriod,
                                       fftSize: autocorrelationSize)
        var observations: [FrameObservation] = []
        observations.reserveCapacity(frames)
        var yin = [Double](repeating: 0, count: maxPeriod - minPeriod + 1)
        var shifts = yin
        padded.withUnsafeBufferPointer { p in
            for t in 0..<frames {
                difference.normalizedDifference(UnsafeBufferPointer(rebasing: p[(t * hop)..<(t * hop + frameLength)]), into: &yin)
                parabolicShifts(yin, into: &shifts)
                observations.append(observe(yin: yin, shifts: shifts))
            }
        }

        let states = transitions.decode(observations)
        var f0 = [Double](repeating: .nan, count: frames)
        var voiced = [Bool](repeating: false, count: frames)
        for t in 0..<frames where states[t] < pitchBins {
            voiced[t] = true
            f0[t] = binFrequencies[states[t]]
        }
        return PitchTrack(f0: f0, voiced: voiced, voicedProbability: observations.map(\.voicedProbability))
    }

    /// One frame's observation probabilities (`__pyin_helper` for one column).
    func observe(yin: [Double], shifts: [Double]) -> FrameObservation {
        let count = yin.count
        var troughs: [Int] = []
        if yin[0] < yin[1] { troughs.append(0) }
        for k in 1..<(count - 1) where yin[k] < yin[k - 1] && yin[k] <= yin[k + 1] { troughs.append(k) }
        if yin[count - 1] < yin[count - 2] { troughs.append(count - 1) }
        guard !troughs.isEmpty else { return FrameObservation(voiced: [], pitchBins: pitchBins) }

        let nThresholds = parameters.nThresholds
        let lambda = parameters.boltzmannParameter
        let factorBase = 1 - exp(-lambda)
        // Per threshold: how many troughs lie below it; per trough, its rank among those (cumsum - 1).
        var below = [Int](repeating: 0, count: nThresholds)
        var probabilities = [Double](repeating: 0, count: troughs.count)
        var ranks = [[Int]](repeating: [], count: troughs.count)
        for (i, k) in troughs.enumerated() {
            let height = yin[k]
            var rank = [Int](repeating: -1, count: nThresholds)
            for th in 0..<nThresholds where height < thresholds[th + 1] {
                rank[th] = below[th]
                below[th] += 1
            }
            ranks[i] = rank
        }
        for i in troughs.indices {
            var sum = 0.0
            for th in 0..<nThresholds {
                let rank = ranks[i][th]
                guard rank >= 0 else { continue }
                // scipy.stats.boltzmann.pmf(rank, λ, N) = (1 - e^-λ) / (1 - e^-λN) · e^-λk.
                let prior = factorBase / (1 - exp(-lambda * Double(below[th]))) * exp(-lambda * Double(rank))
                sum += prior * betaProbabilities[th]
            }
            probabilities[i] = sum
        }
        var globalMinimum = 0
        for i in troughs.indices where yin[troughs[i]] < yin[troughs[globalMinimum]] { globalMinimum = i }
        let notBelow = ranks[globalMinimum].reduce(0) { $0 + ($1 < 0 ? 1 : 0) }
        let mass = betaProbabilities.withUnsafeBufferPointer { numpyPairwiseSum(UnsafeBufferPointer(rebasing: $0[0..<notBelow])) }
        probabilities[globalMinimum] += parameters.noTroughProbability * mass

        // Candidates in np.nonzero order (increasing period); a later one in the same bin overwrites.
        var byBin: [Int: Double] = [:]
        var order: [Int] = []
        let perOctave = Double(12 * binsPerSemitone)
        for (i, k) in troughs.enumerated() where probabilities[i] != 0 {
            let period = Double(minPeriod + k) + shifts[k]
            let f0 = sampleRate / period
            let index = (perOctave * log2(f0 / parameters.fmin)).rounded(.toNearestOrEven)
            let bin = Int(min(max(index, 0), Double(pitchBins)))
            // Bin n_pitch_bins is the first unvoiced state's row, which librosa overwrites.
            guard bin < pitchBins else { continue }
            if byBin.updateValue(probabilities[i], forKey: bin) == nil { order.append(bin) }
        }
        order.sort()
        return FrameObservation(voiced: order.map { ($0, byBin[$0]!) }, pitchBins: pitchBins)
    }
}

/// The voiced observation probabilities of one frame (bins in increasing order) and the
/// probability each unvoiced state gets.
struct FrameObservation: Sendable {
    var voiced: [(bin: Int, probability: Double)]
    /// `clip(Σ voiced, 0, 1)`, summed in bin order.
    var voicedProbability: Double
    /// `(1 - voicedProbability) / pitchBins`.
    var unvoicedProbability: Double

    init(voiced: [(bin: Int, probability: Double)], pitchBins: Int) {
        self.voiced = voiced
        var sum = 0.0
        for v in voiced { sum += v.probability }
        voicedProbability = min(max(sum, 0), 1)
        unvoicedProbability = (1 - voicedProbability) / Double(pitchBins)
    }
}

/// YIN's parabolic refinement (`librosa.core.pitch._parabolic_interpolation`): the offset of the
/// parabola's optimum through each point and its neighbours, 0 where it would move by a bin or more
/// and at both ends.
func parabolicShifts(_ x: [Double], into shifts: inout [Double]) {
    let n = x.count
    shifts[0] = 0
    shifts[n - 1] = 0
    for k in 1..<(n - 1) {
        let a = x[k + 1] + x[k - 1] - 2 * x[k]
        let b = (x[k + 1] - x[k - 1]) / 2
        shifts[k] = abs(b) >= abs(a) ? 0 : -b / a
    }
}

/// The smallest length ≥ `n` whose only prime factors are 2, 3 and 5 (`scipy.fft.next_fast_len(n, real=True)`).
func fastFFTLength(atLeast n: Int) -> Int {
    var best = Int.max
    var p5 = 1
    while p5 < 2 * n {
        var p35 = p5
        while p35 < 2 * n {
            var m = p35
            while m < n { m *= 2 }
            best = min(best, m)
            p35 *= 3
        }
        p5 *= 5
    }
    return best
}
