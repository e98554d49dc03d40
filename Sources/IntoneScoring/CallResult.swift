/// The scores of one channel (or the mix) of one call, and its summary.
public struct CallResult: Codable, Equatable, Sendable {
    /// The file as given.
    public var file: String
    /// `mix`, or the channel number counted from 1.
    public var channel: String
    /// Seconds of audio.
    public var duration: Double
    /// Seconds of speech (all of it when voice-activity detection is off).
    public var speech: Double
    /// Scored windows in time order.
    public var windows: [WindowScore]

    public init(file: String, channel: String, duration: Double, speech: Double, windows: [WindowScore]) {
        self.file = file
        self.channel = channel
        self.duration = duration
        self.speech = speech
        self.windows = windows
    }

    /// The label of a window whose most probable class is less probable than the user asked for.
    public static let uncertainLabel = "uncertain"

    /// This call with every window whose highest probability is below `confidence` labelled
    /// `uncertain` (its probabilities kept); such windows count toward no class's share.
    public func labellingUncertain(below confidence: Double) -> CallResult {
        var out = self
        for i in out.windows.indices where (out.windows[i].probabilities.max() ?? 0) < confidence {
            out.windows[i].label = Self.uncertainLabel
        }
        return out
    }

    /// Emotions counted as negative for `longestNegativeRun`.
    public static let negativeLabels: Set<String> = ["angry", "disgust", "fear", "sad"]

    /// The label of most windows (ties: the earlier class in `classes`); empty without windows.
    public func dominant(classes: [String]) -> String {
        let counts = shares(classes: classes)
        guard !windows.isEmpty else { return "" }
        var best = 0
        for i in classes.indices where counts[i] > counts[best] { best = i }
        return classes[best]
    }

    /// Share of scored windows per class (each window stands for the same stretch of speech).
    public func shares(classes: [String]) -> [Double] {
        guard !windows.isEmpty else { return classes.map { _ in 0 } }
        return classes.map { c in Double(windows.filter { $0.label == c }.count) / Double(windows.count) }
    }

    /// Longest stretch (seconds) of consecutive windows, with no unscored window between, all negative.
    public var longestNegativeRun: Double {
        var best = 0.0
        var runStart: Double?
        var previous: WindowScore?
        for w in windows {
            let contiguous = previous.map { $0.index + 1 == w.index } ?? false
            if Self.negativeLabels.contains(w.label) {
                if runStart == nil || !contiguous || !Self.negativeLabels.contains(previous!.label) { runStart = w.start }
                best = max(best, w.end - runStart!)
            } else {
                runStart = nil
            }
            previous = w
        }
        return best
    }

    /// Times the label differs from the previous scored window's.
    public var emotionChanges: Int {
        zip(windows, windows.dropFirst()).filter { $0.label != $1.label }.count
    }
}
