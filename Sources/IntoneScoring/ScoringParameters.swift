/// How calls are cut into windows and which windows are scored.
public struct ScoringParameters: Codable, Equatable, Hashable, Sendable {
    /// Window length in seconds (default: the model's training clip length, 3 s).
    public var window: Double
    /// Seconds between window starts.
    public var hop: Double
    /// Skip windows without speech (energy-based voice-activity detection).
    public var vad: Bool
    /// A 20 ms frame is speech when its RMS level is at least this many dB below full scale.
    public var vadThresholdDB: Double
    /// A window is scored when at least this share of its frames is speech.
    public var vadMinSpeechShare: Double
    /// Score each channel of a multi-channel call separately (agent / customer) instead of the mix.
    public var splitChannels: Bool
    /// Windows per chunk: a call is processed in chunks of this many hops, each decoded and resampled
    /// on its own, wherever it runs; so a call split across workers gives exactly the windows of a
    /// single-process run.
    public var windowsPerChunk: Int

    public init(window: Double = 3, hop: Double = 1, vad: Bool = true, vadThresholdDB: Double = -45, vadMinSpeechShare: Double = 0.2,
                splitChannels: Bool = false, windowsPerChunk: Int = 60) {
        self.window = window
        self.hop = hop
        self.vad = vad
        self.vadThresholdDB = vadThresholdDB
        self.vadMinSpeechShare = vadMinSpeechShare
        self.splitChannels = splitChannels
        self.windowsPerChunk = windowsPerChunk
    }

    /// Frames of the voice-activity detector (seconds).
    public static let vadFrameSeconds = 0.02

    /// What is wrong with these parameters, if anything (they also arrive in task bodies, where a
    /// window of 1e300 s or no windows per chunk must be an error, not a trap).
    public var problem: String? {
        if !(window > 0 && window <= 3600) { return "the window must be a positive number of seconds, at most 3600 (got \(window))" }
        if !(hop > 0 && hop <= 3600) { return "the hop must be a positive number of seconds, at most 3600 (got \(hop))" }
        if !(1...1_000_000).contains(windowsPerChunk) { return "windows per chunk must be 1 to 1000000 (got \(windowsPerChunk))" }
        if !(vadThresholdDB.isFinite && vadThresholdDB <= 0) { return "the speech level must be 0 dB or below (got \(vadThresholdDB))" }
        if !(vadMinSpeechShare >= 0 && vadMinSpeechShare <= 1) { return "the speech share must be from 0 to 1 (got \(vadMinSpeechShare))" }
        return nil
    }
}
