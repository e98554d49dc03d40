import Foundation

/// Viterbi pitch smoother over SHS pitch candidates, mirroring openSMILE's
/// `cPitchSmootherViterbi` (with its `cSmileViterbi`/`cSmileViterbiPitchSmooth` trellis) as
/// configured by eGeMAPSv02 (`gemapsv01b_pitchSmoothViterbi`: `bufferLength = 40`,
/// `F0final = 1`, `F0finalLog = 1`, `voicingFinalUnclipped = 1`, `wTvv = 10`, `wTvvd = 5`,
/// `wTvuv = 10`, `wThr = 4`, `wTuu = 0`, `wLocal = 2`, `wRange = 1`).
///
/// States are the candidate slots plus one "unvoiced" state. The trellis is run incrementally
/// like openSMILE: a frame is emitted once all surviving paths agree on it, or forcibly (best
/// current path) when it is `bufferLength` frames old; ``flush()`` emits the rest at end of
/// input. openSMILE quirks are reproduced on purpose: `wTvvd` is replaced by `wTvv`
/// (`setWeights` assigns it so), the unvoiced->unvoiced branch is unreachable (it costs 1, not
/// `wTuu`, for more than one candidate), and the "last change" used by the delta-continuity
/// term is the value of the previous transition evaluated, whichever path it belonged to.
///
/// Use ``smooth(_:)`` for a whole signal, or ``push(_:)`` / ``flush()`` for streaming; either
/// way there is exactly one output per input frame, in input order (openSMILE stamps each
/// output with its input frame's time, so row t of the output belongs to input frame t).
public struct PitchViterbiSmoother: Sendable {
    /// Trellis / delay buffer length in frames (`bufferLength`).
    public let bufferLength: Int
    /// Number of pitch candidate slots per input frame.
    public let candidateSlots: Int
    /// Voicing threshold (the detector's `voicingCutoff`, passed by openSMILE level meta data).
    public let voicingThreshold: Float
    /// Weight of the local voicing cost (`wLocal`).
    public let localWeight: Double
    /// Weight of voiced->voiced log-frequency jumps (`wTvv`; also used for `wTvvd`).
    public let voicedTransitionWeight: Double
    /// Cost of voiced<->unvoiced transitions (`wTvuv`).
    public let voicingChangeCost: Double
    /// Cost bias for voicing below the threshold (`wThr`).
    public let thresholdCost: Double
    /// Weight of the built-in frequency range cost (`wRange`).
    public let rangeWeight: Double
    /// Cost of unvoiced->unvoiced transitions (`wTuu`; only reachable with one candidate slot).
    public let unvoicedTransitionCost: Double

    // Trellis state (openSMILE cSmileViterbi members).
    private let stateCount: Int
    private let frameSize: Int
    private var buffer: [Float]
    private var previousSlot: Int?
    private var writeIndex = 0
    private var readIndex = 0
    private var pathBuffer = 0
    private var pathIndex = 0
    private var convergedIndex = -1
    private var paths: [[Int]]
    private var bestPath: [Int]
    private var pathCosts: [Double]
    private var lastChange = 1.0

    /// Creates a smoother.
    /// - Parameter voicedTransitionDeltaWeight: openSMILE's `wTvvd`; accepted for completeness
    ///   but, as in openSMILE, replaced by `voicedTransitionWeight`.
    public init(candidateSlots: Int = 6, bufferLength: Int = 40, voicingThreshold: Float = 0.7,
                localWeight: Double = 2.0, voicedTransitionWeight: Double = 10.0,
                voicedTransitionDeltaWeight: Double = 5.0, voicingChangeCost: Double = 10.0,
                thresholdCost: Double = 4.0, rangeWeight: Double = 1.0,
                unvoicedTransitionCost: Double = 0.0) {
        let slots = max(candidateSlots, 1)
        let len = max(bufferLength, 1)
        self.candidateSlots = slots
        self.bufferLength = len
        self.voicingThreshold = voicingThreshold
        self.localWeight = localWeight
        self.voicedTransitionWeight = voicedTransitionWeight
        self.voicingChangeCost = voicingChangeCost
        self.thresholdCost = thresholdCost
        self.rangeWeight = rangeWeight
        self.unvoicedTransitionCost = unvoicedTransitionCost
        stateCount = slots + 1
        frameSize = slots * 2 + 4
        buffer = [Float](repeating: 0, count: frameSize * len)
        paths = [[Int](repeating: 0, count: stateCount * len), [Int](repeating: 0, count: stateCount * len)]
        bestPath = [Int](repeating: 0, count: len)
        pathCosts = [Double](repeating: 0, count: stateCount)
    }

    /// Smooths a whole candidate track; returns one frame per input frame.
    public static func smooth(_ frames: [PitchCandidateFrame], candidateSlots: Int = 6,
                              bufferLength: Int = 40, voicingThreshold: Float = 0.7) -> [SmoothedPitchFrame] {
        var smoother = PitchViterbiSmoother(candidateSlots: candidateSlots, bufferLength: bufferLength,
                                            voicingThreshold: voicingThreshold)
        var out: [SmoothedPitchFrame] = []
        out.reserveCapacity(frames.count)
        for f in frames { out += smoother.push(f) }
        out += smoother.flush()
        return out
    }

    /// Adds one candidate frame and returns the frames whose decision became final.
    public mutating func push(_ candidates: PitchCandidateFrame) -> [SmoothedPitchFrame] {
        var frame = [Float](repeating: 0, count: frameSize)
        for i in 0..<candidateSlots {
            frame[i * 2] = i < candidates.frequencies.count ? candidates.frequencies[i] : 0
            frame[i * 2 + 1] = i < candidates.voicings.count ? candidates.voicings[i] : 0
        }
        // Trailing slots as openSMILE fills them for this configuration: the first input field
        // (nCandidates) where F0raw would go, then zeros (voicingClip, voicingC1, frame index).
        frame[candidateSlots * 2] = candidates.candidateCount
        addFrame(frame)
        return drain()
    }

    /// Ends the input: decides all pending frames along the current best path and returns them.
    public mutating func flush() -> [SmoothedPitchFrame] {
        var minState = 0
        for i in 1..<stateCount where pathCosts[i] < pathCosts[minState] { minState = i }
        while convergedIndex + 1 < pathIndex {
            convergedIndex += 1
            bestPath[convergedIndex % bufferLength] = paths[pathBuffer][minState * bufferLength + convergedIndex % bufferLength]
        }
        return drain()
    }

    // MARK: - trellis

    private mutating func drain() -> [SmoothedPitchFrame] {
        var out: [SmoothedPitchFrame] = []
        while convergedIndex + 1 - readIndex > 0 {
            let s = bestPath[readIndex % bufferLength]
            let base = (readIndex % bufferLength) * frameSize
            let f0: Float = s < stateCount - 1 ? buffer[base + s * 2] : 0
            let vp: Float = s < candidateSlots ? buffer[base + s * 2 + 1] : buffer[base + 1]
            readIndex += 1
            var st: Float = 0
            if Double(f0) > 29.136 {
                st = Float(12.0) * Foundation.log(f0 / Float(27.5)) / Foundation.log(Float(2.0))
            } else if f0 > 0 {
                st = 1
            }
            out.append(SmoothedPitchFrame(f0Hz: f0, semitones: st, voicing: vp))
        }
        return out
    }

    private mutating func addFrame(_ frame: [Float]) {
        let len = bufferLength
        guard writeIndex - readIndex < len else { return }  // openSMILE drops the frame
        let slot = writeIndex % len
        for k in 0..<frameSize { buffer[slot * frameSize + k] = frame[k] }
        writeIndex += 1
        let prevSlot = previousSlot
        previousSlot = slot

        if pathIndex == 0 || prevSlot == nil {
            pathIndex = 0
            convergedIndex = -1
            for i in 0..<stateCount {
                pathCosts[i] = localCost(i, frame)
                paths[pathBuffer][i * len] = i
            }
        } else {
            let a = Array(buffer[(prevSlot! * frameSize)..<(prevSlot! * frameSize + frameSize)])
            let b = Array(buffer[(slot * frameSize)..<(slot * frameSize + frameSize)])
            let newBuf = (pathBuffer + 1) % 2
            var newCosts = [Double](repeating: 0, count: stateCount)
            for i in 0..<stateCount {
                var minState = 0
                var minCost = transitionCost(i, 0, a, b) + pathCosts[0]
                for j in 1..<stateCount {
                    let c = transitionCost(i, j, a, b) + pathCosts[j]
                    if c < minCost { minState = j; minCost = c }
                }
                newCosts[i] = minCost + localCost(i, frame)
                for k in 0..<len { paths[newBuf][i * len + k] = paths[pathBuffer][minState * len + k] }
                paths[newBuf][i * len + pathIndex % len] = i
            }
            pathCosts = newCosts
            pathBuffer = newBuf
        }

        pathIndex += 1
        if pathIndex - convergedIndex > len {
            var minState = 0
            for i in 1..<stateCount where pathCosts[i] < pathCosts[minState] { minState = i }
            convergedIndex += 1
            bestPath[convergedIndex % len] = paths[pathBuffer][minState * len + convergedIndex % len]
        } else {
            var n = convergedIndex + 1
            while n < pathIndex {
                let x = paths[pathBuffer][n % len]
                var match = true
                for i in 1..<stateCount where x != paths[pathBuffer][i * len + n % len] {
                    match = false
                    break
                }
                if !match { break }
                convergedIndex += 1
                bestPath[convergedIndex % len] = x
                n += 1
            }
        }
    }

    /// Built-in piecewise-linear frequency range cost (openSMILE `getFweight`).
    private func frequencyWeight(_ f: Float) -> Double {
        let d = Double(f)
        if d > 0.0 && d < 100.0 { return -(1.0 / 100.0) * d + 1.0 }
        if d >= 100.0 && d < 350.0 { return 0.0 }
        if d >= 350.0 && d < 600.0 { return (d - 350.0) / 250.0 }
        if d >= 600.0 { return 1.2 }
        if d <= 0 { return 2.0 }
        return 0.0
    }

    private func localCost(_ i: Int, _ frame: [Float]) -> Double {
        var pv = Double(frame[i * 2 + 1])
        var thr = 0.0
        if pv < 0.01 { pv = 0.01 }
        if pv > 1.00 { pv = 1.00 }
        if pv < Double(voicingThreshold) { thr = thresholdCost }
        if i < stateCount - 1 {
            let w = frequencyWeight(frame[i * 2])
            return (-Foundation.log(pv) + thr) * localWeight + w * rangeWeight
        }
        var flag = 0.0
        for j in 0..<stateCount where frame[j * 2 + 1] >= voicingThreshold {
            flag = thresholdCost
            break
        }
        return localWeight * flag
    }

    /// Cost from state `j` of the previous frame to state `i` of the current frame.
    private mutating func transitionCost(_ i: Int, _ j: Int, _ previous: [Float], _ current: [Float]) -> Double {
        let u = stateCount - 1
        if (i == j ? 1 : 0) == u { return unvoicedTransitionCost }
        if i < u && j < u {
            let f0 = previous[j * 2]
            let f1 = current[i * 2]
            if f0 == 0 || f1 == 0 { return 999.0 }
            let r = Foundation.log(Double(f1 / f0))
            let x = voicedTransitionWeight * abs(r) + voicedTransitionWeight * abs(r - lastChange)
            lastChange = r
            return x
        }
        if (i == u && j < u) || (i < u && j == u) {
            lastChange = 0.0
            return voicingChangeCost
        }
        return 1.0
    }
}
