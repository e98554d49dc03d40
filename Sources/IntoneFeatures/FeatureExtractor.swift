/// Computes librosa-compatible features from mono samples, with filterbanks and bases built once.
///
/// A value type holding only immutable tables: share one across threads freely.
/// ```swift
/// let extractor = try FeatureExtractor(parameters: FeatureParameters())
/// let mfcc = try extractor.mfcc(signal.samples)   // 40 × frames, as librosa.feature.mfcc(y=y, sr=22050, n_mfcc=40)
/// ```
public struct FeatureExtractor: Sendable {
    /// The settings.
    public let parameters: FeatureParameters
    /// The mel filterbank for these settings.
    public let melFilterbank: MelFilterbank
    let dct: DCTII

    /// Builds the tables for `parameters`.
    /// - Throws: `FeatureError.invalidParameter` naming the parameter that is out of range.
    public init(parameters: FeatureParameters = FeatureParameters()) throws(FeatureError) {
        try parameters.validate()
        self.parameters = parameters
        melFilterbank = MelFilterbank(sampleRate: Double(parameters.sampleRate), nFFT: parameters.stft.nFFT,
                                      nMels: parameters.nMels, fmin: parameters.fmin, fmax: parameters.fmax)
        dct = DCTII(inputs: parameters.nMels, outputs: parameters.nMFCC)
    }

    /// Power spectrogram `|STFT|²` (bins × frames).
    public func powerSpectrogram(_ samples: [Float]) throws(FeatureError) -> FeatureMatrix {
        try spectrogram(samples, parameters: parameters.stft, power: 2)
    }

    /// Magnitude spectrogram `|STFT|` (bins × frames).
    public func magnitudeSpectrogram(_ samples: [Float]) throws(FeatureError) -> FeatureMatrix {
        try spectrogram(samples, parameters: parameters.stft, power: 1)
    }

    /// Mel power spectrogram (n_mels × frames): `librosa.feature.melspectrogram(y=y, sr=sr)`.
    public func melSpectrogram(_ samples: [Float]) throws(FeatureError) -> FeatureMatrix {
        melFilterbank.apply(to: try powerSpectrogram(samples))
    }

    /// Log-mel spectrogram in dB: `librosa.power_to_db(melspectrogram(y=y, sr=sr))` (top_db 80, ref 1).
    public func melDecibels(_ samples: [Float]) throws(FeatureError) -> FeatureMatrix {
        powerToDecibels(try melSpectrogram(samples), topDB: parameters.topDB)
    }

    /// MFCC (n_mfcc × frames): `librosa.feature.mfcc(y=y, sr=sr, n_mfcc=40)`:
    /// orthonormal DCT-II of the log-mel spectrogram, no liftering.
    public func mfcc(_ samples: [Float]) throws(FeatureError) -> FeatureMatrix {
        dct.apply(to: try melDecibels(samples))
    }

    /// MFCC of an already computed mel power spectrogram.
    public func mfcc(melPower: FeatureMatrix) -> FeatureMatrix {
        dct.apply(to: powerToDecibels(melPower, topDB: parameters.topDB))
    }
}
