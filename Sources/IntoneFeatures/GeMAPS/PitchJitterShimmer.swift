import Foundation

/// Jitter and shimmer as openSMILE's `cPitchJitter` computes them for eGeMAPSv02
/// (instance `gemapsv01b_pitchJitter` → level `gemapsv01b_jitterShimmer`, fields `jitterLocal`
/// and `shimmerLocalDB`).
///
/// The component works on the raw waveform: for every F0 frame it reads the samples that follow
/// the last pitch period it found in the previous frame, cuts them into consecutive periods by
/// normalised cross-correlation of neighbouring period-length segments (lag searched within
/// ±`searchRangeRel` of 1/F0), and derives
/// - `jitterLocal`: mean absolute difference of consecutive period lengths divided by the mean
///   period length (clipped to 1),
/// - `shimmerLocalDB`: 20·log10(1 + mean |peak-to-peak amplitude difference| / mean amplitude).
///
/// Options mirrored (eGeMAPSv02): `searchRangeRel = 0.1`, `minNumPeriods = 2`, `minCC = 0.5`,
/// `useBrokenJitterThresh = 0`, `onlyVoiced = 0`, `shimmerUseRmsAmplitude = 0`,
/// `usePeakToPeakPeriodLength = 0`. State (last period length, read position, last jitter and
/// shimmer values) carries over between frames exactly as in openSMILE, so the track must be
/// computed over the whole input in one go.
public enum GeMAPSJitterShimmer {
    /// One `jitterLocal` and one `shimmerLocalDB` value per F0 frame.
    public struct Track: Sendable, Equatable {
        /// `jitterLocal` per frame (0 for unvoiced frames).
        public var jitterLocal: [Float]
        /// `shimmerLocalDB` per frame in dB (0 for unvoiced frames).
        public var shimmerLocalDB: [Float]
    }

    /// The wave level openSMILE sees when the `opensmile` Python package is given float samples
    /// in [-1, 1]: the package multiplies by 32768 and truncates to 16-bit integers, and
    /// openSMILE's audio source divides each integer by 32767 in single precision.
    ///
    /// - Parameter samples: mono float samples as read by soundfile (or Intone's decoder).
    public static func openSMILEWave(fromSamples samples: [Float]) -> [Float] {
        samples.map { sample in
            let scaled = sample * 32768
            guard scaled.isFinite else { return 0 }
            let clamped = max(-2_147_483_648.0, min(2_147_483_520.0, scaled))
            let integer = Int16(truncatingIfNeeded: Int32(clamped))
            return Float(integer) / Float(32767)
        }
    }

    /// Computes jitter and shimmer for every F0 frame.
    ///
    /// - Parameters:
    ///   - wave: the wave level, i.e. mono samples scaled as openSMILE stores them (use
    ///     ``openSMILEWave(fromSamples:)`` on soundfile-style samples).
    ///   - sampleRate: samples per second of `wave`.
    ///   - f0Hz: `F0final` of `gemapsv01b_logPitch` (Viterbi-smoothed SHS pitch after the
    ///     energy gate), one value per 60 ms frame, 0 where unvoiced.
    ///   - frameStepSeconds: the F0 frame period (framer `frameStep`, 0.010 s in eGeMAPS).
    ///   - frameLengthSeconds: the F0 frame length (framer `frameSize`, 0.060 s in eGeMAPS).
    /// - Returns: one value of each field per entry of `f0Hz`.
    public static func track(
        wave: [Float],
        sampleRate: Double,
        f0Hz: [Float],
        frameStepSeconds: Double = 0.010,
        frameLengthSeconds: Double = 0.060
    ) -> Track {
        var state = JitterState(
            wave: wave, sampleRate: sampleRate,
            frameStepSeconds: frameStepSeconds, frameLengthSeconds: frameLengthSeconds)
        var jitter = [Float](), shimmer = [Float]()
        jitter.reserveCapacity(f0Hz.count)
        shimmer.reserveCapacity(f0Hz.count)
        for (index, f0) in f0Hz.enumerated() {
            let (j, s) = state.process(frameIndex: index, f0: f0)
            jitter.append(j)
            shimmer.append(s)
        }
        return Track(jitterLocal: jitter, shimmerLocalDB: shimmer)
    }
}

/// The per-frame state machine of `cPitchJitter::myTick` (eGeMAPSv02 options only).
private struct JitterState {
    let wave: [Float]
    /// Wave sample period (wave level `T`).
    let samplePeriod: Double
    /// F0 level period in seconds (framer `frameStep`).
    let pitchPeriod: Double
    /// Framer step and length in samples (`round(seconds / T)`).
    let frameStep: Int
    let frameLength: Int

    let searchRangeRel = 0.1
    let minNumPeriods = 2
    let thresholdCC: Float = 0.5

    // Carried across frames (openSMILE member variables).
    var lastIdx = 0
    var lastMis = 0
    var lastT0: Float = 0
    var lastDiff: Float = 0
    var lastJitterLocal: Float = 0
    var lastShimmerLocal: Float = 0

    init(wave: [Float], sampleRate: Double, frameStepSeconds: Double, frameLengthSeconds: Double) {
        self.wave = wave
        samplePeriod = 1.0 / sampleRate
        pitchPeriod = frameStepSeconds
        frameStep = Int((frameStepSeconds / samplePeriod).rounded())
        frameLength = Int((frameLengthSeconds / samplePeriod).rounded())
    }

    /// Samples `[start, start + count)` of the wave level; past the end openSMILE repeats the
    /// last sample (data memory end-of-input padding).
    func readWave(from start: Int, count: Int) -> [Float] {
        guard count > 0 else { return [] }
        var out = [Float](repeating: 0, count: count)
        guard !wave.isEmpty else { return out }
        let available = max(0, min(count, wave.count - start))
        if available > 0 {
            for i in 0..<available { out[i] = wave[start + i] }
        }
        if available < count {
            let last = wave[max(0, min(wave.count - 1, start + available - 1))]
            for i in available..<count { out[i] = last }
        }
        return out
    }

    mutating func process(frameIndex: Int, f0: Float) -> (Float, Float) {
        let t = samplePeriod
        // Time meta of the F0 frame as the framer builds it from the wave samples.
        let firstSample = frameIndex * frameStep
        let startTime = Double(firstSample) * t
        let lastTime = Double(firstSample + frameLength - 1) * t
        let lengthSec = lastTime - startTime + t
        let lenF = Int((lengthSec / t).rounded(.up))
        let startVidx = Int((startTime / t).rounded())
        let ppLen = Int((pitchPeriod / t).rounded(.up))

        let toRead0 = ppLen + lastMis
        var toRead = toRead0
        var tf = 0.0
        var t0f = 0, t0minF = 0, t0maxF = 0
        if f0 > 0 {
            let t0 = 1.0 / Double(f0)
            tf = t0 / t
            t0f = Int(tf.rounded())
            t0minF = Int(((1.0 - searchRangeRel) * tf).rounded(.down))
            t0maxF = Int(((1.0 + searchRangeRel) * tf).rounded(.up))
            let twoPeriods = minNumPeriods * t0maxF + minNumPeriods
            if toRead < twoPeriods { toRead = twoPeriods }
        }
        var maxRead = lastMis + lenF
        if toRead > maxRead { toRead = maxRead }
        if startVidx - lastMis != lastIdx {
            lastIdx = startVidx
            if toRead > lenF { toRead = lenF }
            if maxRead > lenF { maxRead = lenF }
        }
        let x = readWave(from: lastIdx, count: toRead)
        let nT = x.count

        var nPeriodsLocal: Float = 0
        var nPeriods: Float = 0
        var avgPeriod: Float = 0
        var jitterSum: Float = 0
        var avgAmp: Float = 0
        var avgAmpDiff: Float = 0
        var lastPeriod = 0

        if f0 > 0 {
            var start = 0
            let ccCount = t0maxF - t0minF + 1
            var cc = [Double](repeating: 0, count: max(ccCount, 1))
            x.withUnsafeBufferPointer { xb in
                let xp = xb.baseAddress!
                while start < nT - 2 * t0maxF - 1 {
                    for lag in t0minF...t0maxF {
                        cc[lag - t0minF] = Self.crossCorrelation(xp + start, xp + start + lag, lag)
                    }
                    var best = 0.0
                    var maxI = -1
                    var i = 1
                    while i < t0maxF - t0minF - 1 {
                        if cc[i - 1] < cc[i] && cc[i] > cc[i + 1] {
                            if maxI == -1 || cc[i] > best {
                                maxI = i
                                best = cc[i]
                            }
                        }
                        i += 1
                    }
                    let os = start
                    if maxI >= 0 {
                        let pp = t0minF + maxI
                        start += pp
                        let amp = Self.amplitudeDifference(xp + os, xp + start, pp)
                        var ccInterpolated = 0.0
                        let lag = Double(t0minF) + quadraticPeak(
                            Double(maxI - 1), cc[maxI - 1], Double(maxI), cc[maxI],
                            Double(maxI + 1), cc[maxI + 1], peakValue: &ccInterpolated)
                        let periodSeconds = abs(lag) * t
                        if ccInterpolated > Double(thresholdCC) {
                            let period = Float(periodSeconds)
                            avgPeriod += period
                            nPeriods += 1
                            if lastT0 > 0 {
                                let diff = abs(lastT0 - period)
                                jitterSum += diff
                                nPeriodsLocal += 1
                                lastDiff = diff
                            }
                            lastT0 = period
                            avgAmp += (amp.a0 + amp.a1) / Float(2)
                            avgAmpDiff += amp.difference
                        }
                    } else {
                        start += t0f
                    }
                    if start < toRead0 - 1 { lastPeriod = start }
                }
            }
            lastMis = toRead0 - lastPeriod
        } else {
            lastPeriod = toRead0
            lastMis = 0
            lastT0 = 0
            lastDiff = 0
            lastJitterLocal = 0
            lastShimmerLocal = 0
        }
        lastIdx += lastPeriod

        // jitterLocal
        if nPeriods > 0 && nPeriodsLocal > 0 && f0 > 0 {
            let mean = jitterSum / nPeriodsLocal
            lastJitterLocal = mean / (avgPeriod / nPeriods)
        }
        var jitterOut: Float = 0
        if (nPeriods > 0 && nPeriodsLocal > 0 && f0 > 0) || (nPeriods == 0 && f0 > 0) {
            if lastJitterLocal > 1 { lastJitterLocal = 1 }
            jitterOut = lastJitterLocal
        }

        // shimmerLocalDB
        if nPeriods > 0 && f0 > 0 {
            lastShimmerLocal = avgAmp > 0 ? avgAmpDiff / avgAmp : 0
        }
        var shimmerOut: Float = 0
        if f0 > 0 {
            if lastShimmerLocal > 1 { lastShimmerLocal = 1 }
            shimmerOut = Float(Self.amplitudeRatioToDB(Double(lastShimmerLocal) + 1.0))
        }
        return (jitterOut, shimmerOut)
    }

    /// `cPitchJitter::crossCorr`: normalised cross-correlation of two `n`-sample segments.
    static func crossCorrelation(
        _ x: UnsafePointer<Float>, _ y: UnsafePointer<Float>, _ n: Int
    ) -> Double {
        var mx = 0.0, my = 0.0
        for i in 0..<n {
            mx += Double(x[i])
            my += Double(y[i])
        }
        mx /= Double(n)
        my /= Double(n)
        var cc = 0.0, nx = 0.0, ny = 0.0
        for i in 0..<n {
            let dx = Double(x[i]) - mx
            let dy = Double(y[i]) - my
            cc += dx * dy
            nx += dx * dx
            ny += dy * dy
        }
        return cc / (nx.squareRoot() * ny.squareRoot())
    }

    /// `cPitchJitter::amplitudeDiff`: peak-to-peak amplitude of two consecutive `n`-sample periods
    /// (ignoring each period's first and last sample) and the absolute difference of the two.
    static func amplitudeDifference(
        _ x: UnsafePointer<Float>, _ y: UnsafePointer<Float>, _ n: Int
    ) -> (a0: Float, a1: Float, difference: Float) {
        func range(_ v: UnsafePointer<Float>) -> Float {
            guard n > 1 else { return 0 }
            var maxV = v[1], minV = v[1]
            var i = 1
            while i < n - 1 {
                if v[i] > maxV { maxV = v[i] }
                if v[i] < minV { minV = v[i] }
                i += 1
            }
            return maxV - minV
        }
        let a0 = range(x), a1 = range(y)
        return (a0, a1, abs(a0 - a1))
    }

    /// `smileDsp_amplitudeRatioToDB`.
    static func amplitudeRatioToDB(_ a: Double) -> Double {
        a > 10e-50 ? 20.0 * log(a) / log(10.0) : -1000.0
    }
}
