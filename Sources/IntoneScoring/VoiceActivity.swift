import Foundation

/// Energy-based voice activity over one chunk of a call.
///
/// The call is cut into 20 ms frames on one grid from its start (frame `f` covers model-rate
/// samples `[f·F, (f+1)·F)`; a last partial frame counts if it holds at least half a frame). A frame
/// is speech when its mean square is at least the threshold (`vadThresholdDB` below full scale). A
/// stretch of the call holds the frames that start in it, so hop slices count every frame once.
/// Each frame is measured once, whichever windows hold it.
struct VoiceActivity {
    let frameLength: Int
    /// Frames measured: `firstFrame ..< firstFrame + speechBefore.count - 1`.
    let firstFrame: Int
    let validFrames: Range<Int>
    /// `speechBefore[i]`: speech frames among the measured frames before `firstFrame + i`.
    let speechBefore: [Int]

    init(samples: [Float], firstModelSample: Int, plan: WindowPlan, chunk: Int, parameters: ScoringParameters) {
        let f = max(1, Int((ScoringParameters.vadFrameSeconds * Double(plan.modelRate)).rounded()))
        frameLength = f
        // Frames a call has: the last one only if at least half a frame.
        let callFrames = plan.modelFrames / f + ((plan.modelFrames % f) * 2 >= f ? 1 : 0)
        validFrames = 0..<callFrames
        let range = plan.modelRange(ofChunk: chunk)
        let first = min(callFrames, (range.lowerBound + f - 1) / f)
        let end = max(first, min(callFrames, (range.upperBound + f - 1) / f))
        firstFrame = first
        let threshold = pow(10, parameters.vadThresholdDB / 10)   // mean square at the threshold level
        var counts = [Int](repeating: 0, count: end - first + 1)
        samples.withUnsafeBufferPointer { x in
            for frame in first..<end {
                let lo = frame * f - firstModelSample
                let hi = min((frame + 1) * f, plan.modelFrames) - firstModelSample
                let isSpeech = Self.meanSquare(x, max(0, lo)..<min(x.count, max(lo, hi)), of: hi - lo) >= threshold
                counts[frame - first + 1] = counts[frame - first] + (isSpeech ? 1 : 0)
            }
        }
        speechBefore = counts
    }

    /// Speech frames and frames that start in `range` (model-rate samples of the call).
    func speechFrames(in range: Range<Int>) -> (speech: Int, frames: Int) {
        let lo = max(firstFrame, (range.lowerBound + frameLength - 1) / frameLength)
        let hi = min(firstFrame + speechBefore.count - 1, (range.upperBound + frameLength - 1) / frameLength)
        guard hi > lo else { return (0, 0) }
        return (speechBefore[hi - firstFrame] - speechBefore[lo - firstFrame], hi - lo)
    }

    /// Mean of the squares of `x[range]` over `count` samples (samples outside `x` are zeros), eight
    /// lanes at a time in float32 and the lanes added in double.
    static func meanSquare(_ x: UnsafeBufferPointer<Float>, _ range: Range<Int>, of count: Int) -> Double {
        guard count > 0 else { return 0 }
        var lanes = SIMD8<Float>.zero
        var i = range.lowerBound
        if let base = x.baseAddress {
            while i + 8 <= range.upperBound {
                let v = UnsafeRawPointer(base + i).loadUnaligned(as: SIMD8<Float>.self)
                lanes += v * v
                i += 8
            }
        }
        var sum = 0.0
        for l in 0..<8 { sum += Double(lanes[l]) }
        while i < range.upperBound { sum += Double(x[i]) * Double(x[i]); i += 1 }
        return sum / Double(count)
    }
}
