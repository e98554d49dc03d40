/// A failure to read, decode, resample or write one audio file.
///
/// Every error names the file it concerns and a reason a user can act on; its
/// `description` is the single line the command line prints, e.g.
/// `calls/0007.wav: not an audio file (File contains data in an unknown format.)`.
public struct AudioError: Error, Equatable, Sendable, CustomStringConvertible {
    /// Why the file could not be used.
    public enum Reason: Equatable, Sendable {
        /// Nothing exists at the path.
        case notFound
        /// The path is a directory, not a file.
        case isDirectory
        /// The file exists but could not be opened for reading (permissions, I/O error).
        case unreadable(String)
        /// The file has zero bytes.
        case emptyFile
        /// libsndfile does not recognise the contents as audio (wrong format, truncated or corrupt header).
        case notAudio(String)
        /// The file is a valid audio container holding no samples.
        case noSamples
        /// The requested offset (seconds) is at or beyond the end of the file (its duration, seconds).
        case offsetBeyondEnd(offset: Double, duration: Double)
        /// A parameter is out of range (negative offset, non-positive rate or duration...).
        case invalidParameter(String)
        /// Decoding failed part-way through the file.
        case decodeFailed(String)
        /// soxr refused the conversion.
        case resampleFailed(String)
        /// The file could not be written.
        case writeFailed(String)
    }

    /// The path of the file concerned, as the caller gave it.
    public let file: String
    /// What went wrong.
    public let reason: Reason

    public init(file: String, reason: Reason) {
        self.file = file
        self.reason = reason
    }

    public var description: String { "\(file): \(reason.message)" }
}

extension AudioError.Reason {
    /// The reason as a short human-readable phrase.
    public var message: String {
        switch self {
        case .notFound: return "no such file"
        case .isDirectory: return "is a directory, not an audio file"
        case .unreadable(let why): return "cannot be read (\(why))"
        case .emptyFile: return "file is empty (0 bytes)"
        case .notAudio(let why): return "not a readable audio file (\(why))"
        case .noSamples: return "contains no audio samples"
        case .offsetBeyondEnd(let offset, let duration):
            return "offset \(formatSeconds(offset)) s is at or past the end of the audio (\(formatSeconds(duration)) s long)"
        case .invalidParameter(let why): return "invalid parameter: \(why)"
        case .decodeFailed(let why): return "decoding failed (\(why))"
        case .resampleFailed(let why): return "resampling failed (\(why))"
        case .writeFailed(let why): return "cannot be written (\(why))"
        }
    }
}

func formatSeconds(_ s: Double) -> String {
    // Past 1e15 s (or not finite) a whole-number Int conversion could trap: no rounding needed there.
    guard s.isFinite, abs(s) < 1e15 else { return "\(s)" }
    let rounded = (s * 1000).rounded() / 1000
    return rounded == rounded.rounded() ? String(Int(rounded)) : String(rounded)
}
