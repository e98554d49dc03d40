/// Where a call's windows, hop slices and chunks fall, in samples at the model's rate.
///
/// Window `k` covers `[k·hop, k·hop + window)`; windows are placed while they fit in the call (a
/// call shorter than one window gets one window over all of it; what follows the last full window,
/// less than one hop, is not scored). Hop slice `k` is `[k·hop, (k+1)·hop)`: speech time is counted
/// per slice, so overlapping windows do not count it twice. Chunk `c` holds windows and slices
/// `[c·W, (c+1)·W)` for W windows per chunk.
///
/// The hop is a whole number of feature frames (`frameHop`, the model's STFT hop): 1 s at 22,050 Hz
/// with a 512-sample hop is 43 frames, 22,016 samples (0.9985 s). Windows then hold their STFT frames
/// at the same positions and share them (see `FeatureExtractor.mfcc(windowsOf:ranges:)`).
public struct WindowPlan: Equatable, Sendable {
    public let nativeRate: Int
    public let modelRate: Int
    public let nativeFrames: Int
    /// The call's length at the model's rate: `ceil(nativeFrames · modelRate / nativeRate)`.
    public let modelFrames: Int
    public let windowSamples: Int
    public let hopSamples: Int
    public let windowsPerChunk: Int
    public let windowCount: Int
    public let sliceCount: Int

    public init(nativeRate: Int, modelRate: Int, nativeFrames: Int, parameters: ScoringParameters, frameHop: Int = 1) {
        self.nativeRate = nativeRate
        self.modelRate = modelRate
        self.nativeFrames = nativeFrames
        let n = nativeRate == modelRate ? nativeFrames : Int((Double(nativeFrames) * Double(modelRate) / Double(nativeRate)).rounded(.up))
        modelFrames = n
        windowSamples = max(1, Int((parameters.window * Double(modelRate)).rounded()))
        let unit = max(1, frameHop)
        hopSamples = max(1, Int((parameters.hop * Double(modelRate) / Double(unit)).rounded())) * unit
        windowsPerChunk = max(1, parameters.windowsPerChunk)
        if n == 0 {
            windowCount = 0
        } else if n < windowSamples {
            windowCount = 1
        } else {
            windowCount = (n - windowSamples) / hopSamples + 1
        }
        sliceCount = (n + hopSamples - 1) / hopSamples
    }

    public var chunkCount: Int { (max(windowCount, sliceCount) + windowsPerChunk - 1) / windowsPerChunk }
    public var durationSeconds: Double { Double(modelFrames) / Double(modelRate) }

    /// Windows of chunk `c`.
    public func windows(ofChunk c: Int) -> Range<Int> {
        min(windowCount, c * windowsPerChunk)..<min(windowCount, (c + 1) * windowsPerChunk)
    }

    /// Hop slices of chunk `c`.
    public func slices(ofChunk c: Int) -> Range<Int> {
        min(sliceCount, c * windowsPerChunk)..<min(sliceCount, (c + 1) * windowsPerChunk)
    }

    /// Model-rate samples of window `k`.
    public func window(_ k: Int) -> Range<Int> { (k * hopSamples)..<min(modelFrames, k * hopSamples + windowSamples) }

    /// Model-rate samples of slice `k`.
    public func slice(_ k: Int) -> Range<Int> { (k * hopSamples)..<min(modelFrames, (k + 1) * hopSamples) }

    /// Model-rate samples chunk `c` needs.
    public func modelRange(ofChunk c: Int) -> Range<Int> {
        let w = windows(ofChunk: c), s = slices(ofChunk: c)
        var lower = Int.max, upper = 0
        if let first = w.first, let last = w.last { lower = window(first).lowerBound; upper = window(last).upperBound }
        if let first = s.first, let last = s.last { lower = min(lower, slice(first).lowerBound); upper = max(upper, slice(last).upperBound) }
        return lower == Int.max ? 0..<0 : lower..<upper
    }

    /// Native frames sampled at positions whose model-rate index is an integer: a segment starting
    /// at a multiple of this resamples onto the model's grid exactly.
    public var alignment: Int { nativeRate / gcd(nativeRate, modelRate) }

    /// The native frames to decode for chunk `c` (aligned start, with a margin on both sides so the
    /// resampling filter sees real audio around the chunk), and the model-rate index of its first sample.
    public func nativeRange(ofChunk c: Int, marginSeconds: Double = 0.25) -> (frames: Range<Int>, firstModelSample: Int) {
        let m = modelRange(ofChunk: c)
        if nativeRate == modelRate { return (m, m.lowerBound) }
        let unit = alignment
        let margin = Int((marginSeconds * Double(nativeRate)).rounded(.up))
        let exactStart = Int((Double(m.lowerBound) * Double(nativeRate) / Double(modelRate)).rounded(.down))
        let start = max(0, ((exactStart - margin) / unit) * unit)
        let end = min(nativeFrames, Int((Double(m.upperBound) * Double(nativeRate) / Double(modelRate)).rounded(.up)) + margin)
        let first = start / unit * (modelRate / gcd(nativeRate, modelRate))
        return (start..<max(start, end), first)
    }
}

func gcd(_ a: Int, _ b: Int) -> Int { b == 0 ? a : gcd(b, a % b) }
