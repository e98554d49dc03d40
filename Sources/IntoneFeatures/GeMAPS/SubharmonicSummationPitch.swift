import Foundation

/// Subharmonic-summation (SHS) pitch candidate detector on an octave-scaled spectrum,
/// mirroring openSMILE's `cPitchShs` together with its base class `cPitchBase`
/// (eGeMAPSv02 `gemapsv01b_shs`: `maxPitch = 1000`, `minPitch = 55`, `nCandidates = 6`,
/// `scores = 1`, `voicing = 1`, `F0raw = 1`, `voicingClip = 1`, `voicingCutoff = 0.7`,
/// `octaveCorrection = 0`, `nHarmonics = 15`, `compressionFactor = 0.85`, `greedyPeakAlgo = 1`).
///
/// Input frames are the output of ``OctaveSpectrumScale`` (level `gemapsv01b_hpsG60`).
/// Arithmetic follows openSMILE: the sum spectrum and the axis are 32-bit floats, the mean and
/// the parabolic peak interpolation are doubles.
public struct SubharmonicSummationPitch: Sendable {
    /// Highest accepted candidate frequency in Hz (`maxPitch`).
    public let maxPitch: Double
    /// Lowest accepted candidate frequency in Hz (`minPitch`).
    public let minPitch: Double
    /// Number of candidate slots (`nCandidates`, clamped to 1...20).
    public let candidateSlots: Int
    /// Voicing threshold for `F0raw`/`voicingClip` (`voicingCutoff`).
    public let voicingCutoff: Float
    /// Number of summed harmonics (`nHarmonics`).
    public let harmonicCount: Int
    /// Successive compression factor per harmonic (`compressionFactor`).
    public let compressionFactor: Float
    /// `greedyPeakAlgo`: keep the best-scoring peaks regardless of their order.
    public let greedyPeakSearch: Bool
    /// `octaveCorrection` (experimental low-level octave correction of the first candidate).
    public let octaveCorrection: Bool

    // Axis meta data as passed by cSpecScale through the level meta data (32-bit floats).
    private let pointsPerOctave: Float
    private let octaveCount: Float
    private let axisStart: Float
    private let axisStep: Float
    private let logBase: Double

    /// Creates the detector for spectra produced by `scale`.
    public init(scale: OctaveSpectrumScale, maxPitch: Double = 1000, minPitch: Double = 55,
                candidateSlots: Int = 6, voicingCutoff: Double = 0.7, harmonicCount: Int = 15,
                compressionFactor: Double = 0.85, greedyPeakSearch: Bool = true,
                octaveCorrection: Bool = false) {
        let mx = max(maxPitch, 0)
        var mn = max(minPitch, 0)
        if mn > mx { mn = mx }
        self.maxPitch = mx
        self.minPitch = mn
        self.candidateSlots = min(max(candidateSlots, 1), 20)
        self.voicingCutoff = Float(voicingCutoff)
        self.harmonicCount = harmonicCount
        self.compressionFactor = Float(compressionFactor)
        self.greedyPeakSearch = greedyPeakSearch
        self.octaveCorrection = octaveCorrection
        let fmin = Float(scale.minFrequency)
        let fminT = Float(scale.minLog2Frequency)
        let fmaxT = Float(scale.maxLog2Frequency)
        self.octaveCount = Float(scale.octaveCount)
        self.pointsPerOctave = Float(scale.pointsPerOctave)
        var base = Foundation.exp(Foundation.log(Double(fmin)) / Double(fminT))
        if abs(base - 2.0) < 0.00001 { base = 2.0 }
        self.logBase = base
        self.axisStart = fminT
        self.axisStep = (fmaxT - fminT) / Float(scale.binCount - 1)
    }

    /// Detects pitch candidates in one octave-scale frame (openSMILE `pcm_fftMag_octScale`).
    public func detect(_ spectrum: [Float]) -> PitchCandidateFrame {
        let slots = candidateSlots
        var f0 = [Float](repeating: 0, count: slots)
        var voice = [Float](repeating: 0, count: slots)
        var score = [Float](repeating: 0, count: slots)
        var nCand = shsCandidates(spectrum, &f0, &voice, &score)

        // cPitchBase: drop candidates outside [minPitch, maxPitch] (empty slots are shifted too).
        if nCand > 0 {
            var i = 0
            while i < slots && nCand > 0 {
                if Double(f0[i]) > maxPitch || Double(f0[i]) < minPitch {
                    let origF = f0[i]
                    var j = i + 1
                    while j < slots {
                        f0[j - 1] = f0[j]; voice[j - 1] = voice[j]; score[j - 1] = score[j]
                        j += 1
                    }
                    f0[j - 1] = 0; voice[j - 1] = 0; score[j - 1] = 0
                    if origF > 0 { nCand -= 1; i -= 1 }
                }
                i += 1
            }
        }
        if nCand < 0 { nCand = 0 }

        // Move the highest-scoring candidate to the front.
        var maxI = 0
        if !octaveCorrection {
            var mx = score[0]
            for i in 1..<slots where score[i] > mx { mx = score[i]; maxI = i }
        }
        if maxI > 0 {
            f0.swapAt(0, maxI); voice.swapAt(0, maxI); score.swapAt(0, maxI)
        }
        let voiced = voice[0] > voicingCutoff
        return PitchCandidateFrame(candidateCount: Float(nCand), frequencies: f0, voicings: voice,
                                   scores: score, f0Raw: voiced ? f0[0] : 0,
                                   voicingClip: voiced ? voice[0] : 0)
    }

    /// The SHS core (openSMILE `cPitchShs::pitchDetect`); returns the number of candidates.
    private func shsCandidates(_ input: [Float], _ f0cand: inout [Float], _ candVoice: inout [Float],
                               _ candScore: inout [Float]) -> Int {
        let n = input.count
        guard octaveCount != 0, n >= 3 else { return 0 }
        // Degenerate axes (e.g. Nyquist below minF) would make openSMILE index out of bounds.
        guard pointsPerOctave.isFinite, pointsPerOctave > 0 else { return 0 }
        let slots = candidateSlots
        var ss = input
        var scaleFactor = compressionFactor
        if harmonicCount >= 2 {
            for h in 2...harmonicCount {
                let shift = Int(Foundation.floor(Double(pointsPerOctave)
                                                 * (Foundation.log(Double(h)) / Foundation.log(2.0))))
                if shift < n {
                    for j in shift..<n { ss[j - shift] += input[j] * scaleFactor }
                }
                scaleFactor *= compressionFactor
            }
        }
        let hDiv = Float(harmonicCount)
        for j in 0..<n {
            ss[j] /= hDiv
            if ss[j] < 0 { ss[j] = 0 }
        }

        var nCand = 0
        candScore[0] = 0
        var ssMean = Double(ss[0])
        for i in 1..<(n - 1) {
            if ss[i - 1] < ss[i] && ss[i] > ss[i + 1] {
                if greedyPeakSearch {
                    for j in 0..<slots where candScore[j] == 0 || candScore[j] < ss[i] {
                        var jj = slots - 1
                        while jj > j {
                            candScore[jj] = candScore[jj - 1]; f0cand[jj] = f0cand[jj - 1]
                            jj -= 1
                        }
                        f0cand[j] = Float(i)
                        candScore[j] = ss[i]
                        if nCand < slots { nCand += 1 }
                        break
                    }
                } else if ss[i] > candScore[0] || candScore[0] == 0 {
                    var j = slots - 1
                    while j > 0 {
                        candScore[j] = candScore[j - 1]; f0cand[j] = f0cand[j - 1]
                        j -= 1
                    }
                    f0cand[0] = Float(i)
                    candScore[0] = ss[i]
                    if nCand < slots { nCand += 1 }
                }
            }
            ssMean += Double(ss[i])
        }
        ssMean = (ssMean + Double(ss[n - 1])) / Double(n)

        let lnBase = Foundation.log(logBase)
        for i in 0..<nCand {
            let j = Int(f0cand[i])
            let f1 = f0cand[i] * axisStep + axisStart
            let f2 = (f0cand[i] + 1) * axisStep + axisStart
            let fm = (f0cand[i] - 1) * axisStep + axisStart
            let (fx, sc) = Self.parabolicPeak(Double(fm), Double(ss[j - 1]), Double(f1), Double(ss[j]),
                                              Double(f2), Double(ss[j + 1]))
            f0cand[i] = Float(Foundation.exp(fx * lnBase))
            candScore[i] = Float(sc)
            if sc > 0 && sc > ssMean {
                candVoice[i] = Float(1.0 - ssMean / sc)
            } else {
                candVoice[i] = 0
            }
        }

        if octaveCorrection {
            let limit = 1.0 / Double(Float(harmonicCount - 1)) * Double(compressionFactor)
            for i in 1..<max(nCand, 1) {
                if f0cand[i] < f0cand[0] && f0cand[i] > 0
                    && (candVoice[i] > voicingCutoff || Double(candVoice[i]) >= 0.9 * Double(voicingCutoff))
                    && Double(candScore[i]) > limit * Double(candScore[0]) {
                    f0cand.swapAt(0, i); candVoice.swapAt(0, i); candScore.swapAt(0, i)
                }
            }
        }
        return nCand
    }

    /// Vertex of the parabola through three points (openSMILE `smileMath_quadFrom3pts`, the
    /// shared `quadraticPeak`): returns (x, y) of the peak, falling back to the largest point.
    static func parabolicPeak(_ x1: Double, _ y1: Double, _ x2: Double, _ y2: Double,
                              _ x3: Double, _ y3: Double) -> (x: Double, y: Double) {
        var y = 0.0
        let x = quadraticPeak(x1, y1, x2, y2, x3, y3, peakValue: &y)
        return (x, y)
    }
}
