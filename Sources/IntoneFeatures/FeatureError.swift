/// Why features could not be computed from a signal.
public enum FeatureError: Error, Equatable, Sendable, CustomStringConvertible {
    /// A parameter is out of range; the message names it with librosa's name.
    case invalidParameter(String)
    /// The signal has fewer samples than the computation needs (un-centred STFT, delta width...).
    case signalTooShort(samples: Int, needed: Int)

    public var description: String {
        switch self {
        case .invalidParameter(let why): return "invalid feature parameter: \(why)"
        case .signalTooShort(let samples, let needed):
            return "signal too short: \(samples) samples or frames where at least \(needed) are needed"
        }
    }
}
