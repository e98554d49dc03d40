/// Everything that determines a feature matrix besides the audio: recorded next to every
/// feature file and model so features are never silently mixed across settings.
///
/// Defaults are librosa 0.11's, except `nMFCC`, which is 40 (librosa's default is 20; the
/// speech-emotion tools Intone replaces use 40).
public struct FeatureParameters: Equatable, Hashable, Sendable, Codable {
    /// Sampling rate the audio is resampled to, Hz. Default 22,050 (librosa's `sr`).
    public var sampleRate: Int
    /// STFT settings. Default n_fft 2048, hop 512, Hann window of 2048, centred with zero padding.
    public var stft: STFTParameters
    /// Mel bands. Default 128.
    public var nMels: Int
    /// Lowest mel filter edge, Hz. Default 0.
    public var fmin: Double
    /// Highest mel filter edge, Hz; `nil` means `sampleRate / 2` (the default).
    public var fmax: Double?
    /// MFCC coefficients kept. Default 40.
    public var nMFCC: Int
    /// Dynamic range of `power_to_db` below the clip's maximum, dB; `nil` keeps all. Default 80.
    public var topDB: Float?
    /// Split frequency of the band-energy ratio, Hz. Default 2,000.
    public var splitFrequency: Double

    public init(sampleRate: Int = 22_050, stft: STFTParameters = STFTParameters(), nMels: Int = 128,
                fmin: Double = 0, fmax: Double? = nil, nMFCC: Int = 40, topDB: Float? = 80,
                splitFrequency: Double = 2000) {
        self.sampleRate = sampleRate
        self.stft = stft
        self.nMels = nMels
        self.fmin = fmin
        self.fmax = fmax
        self.nMFCC = nMFCC
        self.topDB = topDB
        self.splitFrequency = splitFrequency
    }

    /// Checks that the settings are consistent; the message names the offending parameter.
    public func validate() throws(FeatureError) {
        try stft.validate()
        guard sampleRate > 0 else { throw .invalidParameter("sr must be positive (got \(sampleRate))") }
        guard nMels > 0 else { throw .invalidParameter("n_mels must be positive (got \(nMels))") }
        guard nMFCC > 0, nMFCC <= nMels else {
            throw .invalidParameter("n_mfcc must be between 1 and n_mels = \(nMels) (got \(nMFCC))")
        }
        let top = fmax ?? Double(sampleRate) / 2
        guard fmin >= 0, fmin < top, top <= Double(sampleRate) / 2 else {
            throw .invalidParameter("need 0 ≤ fmin < fmax ≤ sr/2 (got fmin \(fmin), fmax \(top), sr \(sampleRate))")
        }
        if let topDB, topDB < 0 { throw .invalidParameter("top_db must be non-negative (got \(topDB))") }
    }
}
