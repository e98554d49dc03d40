/// The features `intone features --kind` computes, each named as on the command line.
///
/// Every kind but `egemaps` gives a rows × frames matrix on the frame grid of the STFT settings
/// (`1 + samples / hop` frames when centred), so kinds can be stacked; `egemaps` describes the
/// whole clip in one frame.
public enum FeatureKind: String, CaseIterable, Sendable, Codable {
    /// MFCC, `n_mfcc` rows: `librosa.feature.mfcc(y=y, sr=sr, n_mfcc=40)`.
    case mfcc
    /// First-order deltas of the MFCC: `librosa.feature.delta(mfcc)` (width 9). Needs ≥ 9 frames.
    case mfccDelta = "mfcc-delta"
    /// Second-order deltas of the MFCC: `librosa.feature.delta(mfcc, order=2)`. Needs ≥ 9 frames.
    case mfccDelta2 = "mfcc-delta2"
    /// Mel power spectrogram, `n_mels` rows: `librosa.feature.melspectrogram(y=y, sr=sr)`.
    case mel
    /// Log-mel spectrogram in dB, `n_mels` rows: `librosa.power_to_db(melspectrogram(y=y, sr=sr))`.
    case melDB = "mel-db"
    /// Zero-crossing rate, 1 row: `librosa.feature.zero_crossing_rate(y, frame_length=n_fft, hop_length=hop)`.
    case zcr
    /// Root-mean-square energy, 1 row: `librosa.feature.rms(y=y, frame_length=n_fft, hop_length=hop)`.
    case rms
    /// Spectral centroid in Hz, 1 row: `librosa.feature.spectral_centroid(y=y, sr=sr)`.
    case centroid
    /// Spectral bandwidth (p = 2) in Hz, 1 row: `librosa.feature.spectral_bandwidth(y=y, sr=sr)`.
    case bandwidth
    /// Chromagram, 12 rows: `librosa.feature.chroma_stft(y=y, sr=sr)` (tuning estimated per clip).
    case chroma
    /// Band-energy ratio, 1 row: power below the split frequency (default 2 kHz) over power above it.
    case ber
    /// F0 by probabilistic YIN, 3 rows (F0 in Hz, NaN where unvoiced; voiced flag 0/1; voicing probability):
    /// `librosa.pyin(y, sr=sr, fmin=C2, fmax=C7, frame_length=n_fft, hop_length=hop)`.
    case pitch = "pyin"
    /// Prosodic descriptors, 3 rows: F0 in semitones above 27.5 Hz (0 where unvoiced; pYIN 60-500 Hz),
    /// voicing probability, level in dB (see `FeatureExtractor.prosody(_:)`).
    case prosody
    /// The MFCC rows followed by the 3 prosody rows: spectral envelope and prosody in one matrix.
    case mfccProsody = "mfcc-prosody"
    /// The 88 eGeMAPSv02 functionals of the whole clip (openSMILE 2.6.0's `eGeMAPSv02`, names in
    /// `EGeMAPS.names`), 88 rows and one frame.
    case egemaps
    /// The MFCC rows followed by the 88 eGeMAPS functionals of the clip repeated on every frame.
    case mfccEGeMAPS = "mfcc-egemaps"

    /// Kinds a feature store holds (`intone extract --features`): the ones whose values are all finite.
    public static let storable: [FeatureKind] = [.mfcc, .mfccProsody, .prosody, .egemaps, .mfccEGeMAPS]

    /// Storable kinds with frames over time, the input deep networks take (all but `egemaps`).
    public static let framed: [FeatureKind] = storable.filter { $0 != .egemaps }

    /// The kinds whose rows this kind's matrix holds, in order (itself for a kind of one part).
    public var components: [FeatureKind] {
        switch self {
        case .mfccProsody: return [.mfcc, .prosody]
        case .mfccEGeMAPS: return [.mfcc, .egemaps]
        default: return [self]
        }
    }

    /// The rows of this kind's matrix that hold `part` (all of them for `part == self`), or `nil`
    /// when this kind does not hold it.
    public func rows(of part: FeatureKind, for parameters: FeatureParameters) -> Range<Int>? {
        if part == self { return 0..<rows(for: parameters) }
        var start = 0
        for c in components {
            let n = c.rows(for: parameters)
            if c == part { return start..<(start + n) }
            start += n
        }
        return nil
    }

    /// Rows of the matrix this kind gives for `parameters`.
    public func rows(for parameters: FeatureParameters) -> Int {
        switch self {
        case .mfcc, .mfccDelta, .mfccDelta2: return parameters.nMFCC
        case .mel, .melDB: return parameters.nMels
        case .chroma: return 12
        case .zcr, .rms, .centroid, .bandwidth, .ber: return 1
        case .pitch, .prosody: return 3
        case .mfccProsody: return parameters.nMFCC + 3
        case .egemaps: return 88
        case .mfccEGeMAPS: return parameters.nMFCC + 88
        }
    }
}

extension FeatureExtractor {
    /// Computes `kind` from mono samples at `parameters.sampleRate`.
    ///
    /// - Throws: `FeatureError` for settings that do not fit the signal (an un-centred STFT of a
    ///   signal shorter than n_fft; deltas of fewer than 9 frames).
    public func compute(_ kind: FeatureKind, from samples: [Float]) throws(FeatureError) -> FeatureMatrix {
        let p = parameters
        let sr = Double(p.sampleRate)
        switch kind {
        case .mfcc: return try mfcc(samples)
        case .mfccDelta: return try delta(try mfcc(samples), order: 1)
        case .mfccDelta2: return try delta(try mfcc(samples), order: 2)
        case .mel: return try melSpectrogram(samples)
        case .melDB: return try melDecibels(samples)
        case .zcr:
            return zeroCrossingRate(samples, frameLength: p.stft.nFFT, hopLength: p.stft.hopLength, center: p.stft.center)
        case .rms:
            return rootMeanSquare(samples, frameLength: p.stft.nFFT, hopLength: p.stft.hopLength, center: p.stft.center)
        case .centroid:
            return spectralCentroid(magnitude: try magnitudeSpectrogram(samples), sampleRate: sr, nFFT: p.stft.nFFT)
        case .bandwidth:
            return spectralBandwidth(magnitude: try magnitudeSpectrogram(samples), sampleRate: sr, nFFT: p.stft.nFFT)
        case .chroma:
            return chroma(power: try powerSpectrogram(samples), sampleRate: sr, nFFT: p.stft.nFFT)
        case .ber:
            return bandEnergyRatio(power: try powerSpectrogram(samples), sampleRate: sr, nFFT: p.stft.nFFT,
                                   splitFrequency: p.splitFrequency)
        case .pitch: return try pitch(samples)
        case .prosody: return try prosody(samples)
        case .mfccProsody: return FeatureMatrix.stacked([try mfcc(samples), try prosody(samples)])
        case .egemaps: return egemaps(samples)
        case .mfccEGeMAPS: return try mfccWithEGeMAPS(samples)
        }
    }
}
