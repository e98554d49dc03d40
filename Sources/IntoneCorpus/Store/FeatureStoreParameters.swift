import Foundation
import IntoneFeatures

/// What determines the feature files of a store. Two stores with different parameters never share
/// or mix features: opening a store with other parameters is an error naming the difference.
public struct FeatureStoreParameters: Codable, Equatable, Sendable {
    /// Store layout version.
    public var format: Int = 1
    /// The feature computed for every example (stored as rows × frames, unpadded).
    public var kind: FeatureKind
    /// STFT, mel and MFCC settings (librosa defaults, 40 MFCC).
    public var features: FeatureParameters
    /// Seconds skipped at the start of every file (the seed tool used 0.5).
    public var offset: Double
    /// Seconds read from every file at most (the seed tool used 3; `nil` reads to the end).
    public var duration: Double?

    public init(kind: FeatureKind = .mfcc, features: FeatureParameters = FeatureParameters(), offset: Double = 0.5, duration: Double? = 3.0) {
        self.kind = kind
        self.features = features
        self.offset = offset
        self.duration = duration
    }

    /// Human-readable differences from `other` (`"n_mfcc 40 ≠ 20"`), empty when equal.
    public func differences(from other: FeatureStoreParameters) -> [String] {
        var out: [String] = []
        func check<T: Equatable>(_ name: String, _ a: T, _ b: T) { if a != b { out.append("\(name) \(a) ≠ \(b)") } }
        check("format", format, other.format)
        check("kind", kind.rawValue, other.kind.rawValue)
        check("sr", features.sampleRate, other.features.sampleRate)
        check("n_fft", features.stft.nFFT, other.features.stft.nFFT)
        check("hop_length", features.stft.hopLength, other.features.stft.hopLength)
        check("win_length", features.stft.winLength, other.features.stft.winLength)
        check("center", features.stft.center, other.features.stft.center)
        check("n_mels", features.nMels, other.features.nMels)
        check("fmin", features.fmin, other.features.fmin)
        check("fmax", features.fmax.map { "\($0)" } ?? "sr/2", other.features.fmax.map { "\($0)" } ?? "sr/2")
        check("n_mfcc", features.nMFCC, other.features.nMFCC)
        check("top_db", features.topDB.map { "\($0)" } ?? "none", other.features.topDB.map { "\($0)" } ?? "none")
        check("split_frequency", features.splitFrequency, other.features.splitFrequency)
        check("offset", offset, other.offset)
        check("duration", duration.map { "\($0)" } ?? "all", other.duration.map { "\($0)" } ?? "all")
        return out
    }
}
