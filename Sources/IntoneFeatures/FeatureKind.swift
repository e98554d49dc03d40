/// The features `intone features --kind` computes, each named as on the command line.
///
/// Every kind gives a rows × frames matrix on the frame grid of the STFT settings
/// (`1 + samples / hop` frames when centred).
public enum FeatureKind: String, CaseIterable, Sendable, Codable {
    /// MFCC, `n_mfcc` rows: `librosa.feature.mfcc(y=y, sr=sr, n_mfcc=40)`.
    case mfcc
    /// Mel power spectrogram, `n_mels` rows: `librosa.feature.melspectrogram(y=y, sr=sr)`.
    case mel
    /// Log-mel spectrogram in dB, `n_mels` rows: `librosa.power_to_db(melspectrogram(y=y, sr=sr))`.
    case melDB = "mel-db"

    /// Rows of the matrix this kind gives for `parameters`.
    public func rows(for parameters: FeatureParameters) -> Int {
        switch self {
        case .mfcc: return parameters.nMFCC
        case .mel, .melDB: return parameters.nMels
        }
    }
}

extension FeatureExtractor {
    /// Computes `kind` from mono samples at `parameters.sampleRate`.
    public func compute(_ kind: FeatureKind, from samples: [Float]) throws(FeatureError) -> FeatureMatrix {
        switch kind {
        case .mfcc: return try mfcc(samples)
        case .mel: return try melSpectrogram(samples)
        case .melDB: return try melDecibels(samples)
        }
    }
}
