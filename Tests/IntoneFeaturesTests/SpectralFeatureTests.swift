import Testing
import IntoneTestSupport
import IntoneFeatures
import IntoneFormats
#if canImport(Glibc)
import Glibc
#endif

/// Zero-crossing rate, RMS, spectral centroid and bandwidth, chroma (with tuning estimation), deltas and
/// the band-energy ratio against librosa 0.11 on every fixture, plus small exact cases.
///
/// Input is librosa's own loaded signal (`<stem>.load.npy`) at 22,050 Hz, so only the features are tested.
/// Where our result is not bit-identical, the cause is our float32 FFTW STFT against librosa's
/// (complex64 from a different FFT): fed librosa's own |STFT|, centroid, bandwidth and the band-energy
/// ratio were measured bit-identical and the estimated tuning identical.
struct SpectralFeatureTests {
    static let sr = 22050.0
    static let nFFT = 2048

    static func magnitude(_ stem: String) throws -> FeatureMatrix {
        try spectrogram(try Fixtures.loadedSamples(stem), parameters: STFTParameters(), power: 1)
    }

    static func power(_ stem: String) throws -> FeatureMatrix {
        try spectrogram(try Fixtures.loadedSamples(stem), parameters: STFTParameters(), power: 2)
    }

    static func matrix(_ array: NPYArray) -> FeatureMatrix {
        FeatureMatrix(rows: array.shape[0], frames: array.values.count / max(array.shape[0], 1), values: array.values)
    }

    // MARK: - Against librosa

    @Test(arguments: Fixtures.stems)
    func zeroCrossingRateMatchesLibrosa(_ stem: String) throws {
        let ours = zeroCrossingRate(try Fixtures.loadedSamples(stem))
        let ref = try Fixtures.reference(stem, "zcr")
        #expect([ours.rows, ours.frames] == ref.shape)
        // Counting sign changes of the same samples is exact: every value must be identical.
        #expect(ours.values == ref.values, "max |Δ| = \(maxAbsDifference(ours.values, ref.values))")
    }

    @Test(arguments: Fixtures.stems)
    func rootMeanSquareMatchesLibrosaBitForBit(_ stem: String) throws {
        let ours = rootMeanSquare(try Fixtures.loadedSamples(stem))
        let ref = try Fixtures.reference(stem, "rms")
        #expect([ours.rows, ours.frames] == ref.shape)
        // Same float32 squares summed in numpy's pairwise order: identical bits are expected
        // (a double accumulator differs in the last bit on ~30% of frames).
        #expect(ours.values == ref.values, "max relative Δ = \(maxRelativeDifference(ours.values, ref.values))")
    }

    @Test(arguments: Fixtures.stems)
    func spectralCentroidMatchesLibrosa(_ stem: String) throws {
        let ours = spectralCentroid(magnitude: try Self.magnitude(stem), sampleRate: Self.sr, nFFT: Self.nFFT)
        let ref = try Fixtures.reference(stem, "centroid")
        #expect([ours.rows, ours.frames] == ref.shape)
        // Only the STFT differs (bit-identical on librosa's |STFT|); measured ≤ 2.6e-6 relative
        // (stereo_8bit_11k, tones_16k: quiet frames where float32 FFT noise in weak bins weighs more).
        let diff = maxRelativeDifference(ours.values, ref.values)
        #expect(diff <= 4e-6, "max relative Δ = \(diff)")
    }

    @Test(arguments: Fixtures.stems)
    func spectralBandwidthMatchesLibrosa(_ stem: String) throws {
        let ours = spectralBandwidth(magnitude: try Self.magnitude(stem), sampleRate: Self.sr, nFFT: Self.nFFT)
        let ref = try Fixtures.reference(stem, "bandwidth")
        #expect([ours.rows, ours.frames] == ref.shape)
        // Only the STFT differs (bit-identical on librosa's |STFT|). Bandwidth weighs weak bins far from
        // the centroid by their squared distance, so the float32 FFT's noise there shows more than in the
        // centroid: measured ≤ 3.8e-5 relative (tones_16k, whose energy sits in a few bins), ≤ 1.6e-5 elsewhere.
        let diff = maxRelativeDifference(ours.values, ref.values)
        #expect(diff <= 5e-5, "max relative Δ = \(diff)")
    }

    @Test(arguments: [("chroma_fb_22050_2048", 0.0), ("chroma_fb_22050_2048_t-0.1", -0.1)])
    func chromaFilterbankMatchesLibrosa(_ name: String, _ tuning: Double) throws {
        let ref = try Fixtures.reference(name)
        let ours = ChromaFilterbank(sampleRate: Self.sr, nFFT: Self.nFFT, tuning: tuning).weights
        #expect(ref.shape == [12, 1025])
        #expect([ours.rows, ours.frames] == ref.shape)
        // Same double-precision formula rounded once to float32: measured identical; allow 1 ulp for
        // another libm's log2/exp.
        let diff = maxRelativeDifference(ours.values, ref.values)
        #expect(diff <= 1.2e-7, "max relative Δ = \(diff)")
    }

    @Test(arguments: Fixtures.stems)
    func estimatedTuningMatchesLibrosa(_ stem: String) throws {
        let ours = estimateTuning(power: try Self.power(stem), sampleRate: Self.sr, nFFT: Self.nFFT)
        let ref = try Fixtures.reference(stem, "tuning")
        // The estimate is a histogram edge (multiples of 0.01): it must be the very same edge.
        #expect(Float(ours) == ref.values[0], "ours \(ours), librosa \(ref.values[0])")
    }

    @Test(arguments: Fixtures.stems)
    func chromaMatchesLibrosa(_ stem: String) throws {
        let ours = chroma(power: try Self.power(stem), sampleRate: Self.sr, nFFT: Self.nFFT)
        let ref = try Fixtures.reference(stem, "chroma")
        #expect([ours.rows, ours.frames] == ref.shape)
        // Values are in [0, 1]. Differences come from the STFT and from librosa's float32 sgemm for
        // W·S (we sum in double): measured ≤ 1.25e-6 (speech_22k), ≤ 1.1e-6 even on librosa's own |STFT|.
        let diff = maxAbsDifference(ours.values, ref.values)
        #expect(diff <= 2e-6, "max |Δ| = \(diff)")
    }

    @Test(arguments: Fixtures.stems)
    func deltaMatchesLibrosa(_ stem: String) throws {
        try checkDelta(stem, order: 1, what: "mfcc_delta")
    }

    @Test(arguments: Fixtures.stems)
    func deltaDeltaMatchesLibrosa(_ stem: String) throws {
        try checkDelta(stem, order: 2, what: "mfcc_delta2")
    }

    /// Deltas of librosa's own MFCC, so only the Savitzky–Golay filter is compared.
    private func checkDelta(_ stem: String, order: Int, what: String) throws {
        let mfcc = Self.matrix(try Fixtures.reference(stem, "mfcc"))
        let ref = try Fixtures.reference(stem, what)
        let ours = try delta(mfcc, order: order)
        #expect([ours.rows, ours.frames] == ref.shape)
        let scale = mfcc.values.map(abs).max() ?? 0
        let h = 4
        var interior: Float = 0, edge: Float = 0
        for r in 0..<ours.rows {
            for t in 0..<ours.frames {
                let a = ours[r, t], b = ref.values[r * ours.frames + t]
                if t < h || t >= ours.frames - h {
                    edge = max(edge, abs(a - b) / scale)
                } else {
                    interior = max(interior, abs(a - b) / max(abs(b), scale * 1e-9))
                }
            }
        }
        // Interior frames: both filter in double precision and round once, so at most 1 ulp
        // (measured ≤ 1.19e-7 relative).
        #expect(interior <= 1.2e-7, "interior max relative Δ = \(interior)")
        // Edge frames: scipy fits the edge polynomial in float32 LAPACK; we solve in double. Measured
        // ≤ 6.3e-8 of the input's largest magnitude (noise_44k, delta2): within float32 precision of the data.
        #expect(edge <= 1e-7, "edge max |Δ| / max|mfcc| = \(edge)")
    }

    @Test(arguments: Fixtures.stems)
    func bandEnergyRatioMatchesReferenceInLogScale(_ stem: String) throws {
        let ours = bandEnergyRatio(power: try Self.power(stem), sampleRate: Self.sr, nFFT: Self.nFFT)
        let ref = try Fixtures.reference(stem, "ber")
        #expect([ours.rows, ours.frames] == ref.shape)
        // The ratio spans 0 to ~1e7 (tones_16k has almost nothing above 2 kHz, so its high band is float32
        // FFT noise-level energy), so compare log10 of it. Bit-identical on librosa's |STFT|; with ours
        // measured ≤ 1.43e-5 in log10 (tones_16k, ≈ 3.3e-5 relative), ≤ 1e-6 elsewhere. Frames of digital
        // silence (some in the speech fixtures) are exactly 0 in both.
        var diff: Float = 0
        for (a, b) in zip(ours.values, ref.values) {
            if b == 0 {
                #expect(a == 0, "librosa 0 where ours is \(a)")
            } else {
                #expect(a > 0, "ours \(a) where librosa is \(b)")
                diff = max(diff, abs(log10(a) - log10(b)))
            }
        }
        #expect(diff <= 2e-5, "max |Δ log10| = \(diff)")
    }

    // MARK: - Exact small cases

    @Test func silenceGivesZerosAndNoNaN() throws {
        let y = [Float](repeating: 0, count: 22050)
        let mag = try spectrogram(y, parameters: STFTParameters(), power: 1)
        let pow2 = try spectrogram(y, parameters: STFTParameters(), power: 2)
        let frames = 1 + y.count / 512
        let features: [(String, FeatureMatrix)] = [
            ("zcr", zeroCrossingRate(y)),
            ("rms", rootMeanSquare(y)),
            ("centroid", spectralCentroid(magnitude: mag, sampleRate: Self.sr, nFFT: Self.nFFT)),
            ("bandwidth", spectralBandwidth(magnitude: mag, sampleRate: Self.sr, nFFT: Self.nFFT)),
            ("chroma", chroma(power: pow2, sampleRate: Self.sr, nFFT: Self.nFFT)),
            ("ber", bandEnergyRatio(power: pow2, sampleRate: Self.sr, nFFT: Self.nFFT)),
            ("delta", try delta(pow2)),
            ("delta2", try delta(pow2, order: 2)),
        ]
        for (name, m) in features {
            #expect(m.frames == frames, "\(name): \(m.frames) frames")
            #expect(m.values.allSatisfy { $0 == 0 }, "\(name) of silence is not all zeros")
        }
        #expect(estimateTuning(power: pow2, sampleRate: Self.sr, nFFT: Self.nFFT) == 0)
    }

    @Test func zeroCrossingRateCountsZeroAsPositive() {
        // After the 1e-10 threshold: [1, -1, 0, -0.5, 0, 0, 2, -2]; sign bits F T F T F F F T.
        // Crossings at 1, 2, 3, 4, 7 (−0.5 → 0 counts, 0 → 0 and 0 → 2 do not). Frame starts 0, 2, 4
        // count the crossings at their samples 1...3 and divide by the frame length 4.
        let y: [Float] = [1, -1, 0, -0.5, 1e-11, -1e-11, 2, -2]
        let zcr = zeroCrossingRate(y, frameLength: 4, hopLength: 2, center: false)
        #expect(zcr == FeatureMatrix(rows: 1, frames: 3, values: [0.75, 0.5, 0.25]))
    }

    @Test func zeroCrossingRatePadsWithEdgeValuesWhenCentred() {
        // Edge padding gives [-1, -1, -1, 1, 1, 1]: one crossing in every 4-sample frame. Zero padding
        // would have added a crossing (0 → -1) to the first frame.
        let zcr = zeroCrossingRate([-1, 1], frameLength: 4, hopLength: 1, center: true)
        #expect(zcr == FeatureMatrix(rows: 1, frames: 3, values: [0.25, 0.25, 0.25]))
    }

    @Test func rootMeanSquarePadsWithZerosWhenCentred() {
        #expect(rootMeanSquare([3, 4], frameLength: 2, hopLength: 1, center: false).values == [Float(12.5).squareRoot()])
        // [0, 3, 4, 0] in frames of 2.
        let centred = rootMeanSquare([3, 4], frameLength: 2, hopLength: 1, center: true)
        #expect(centred.values == [Float(4.5).squareRoot(), Float(12.5).squareRoot(), Float(8).squareRoot()])
    }

    @Test func tooShortSignalGivesNoFrames() {
        let zcr = zeroCrossingRate([1, -1, 1], frameLength: 8, hopLength: 2, center: false)
        let rms = rootMeanSquare([1, -1, 1], frameLength: 8, hopLength: 2, center: false)
        #expect(zcr.rows == 1 && zcr.frames == 0)
        #expect(rms.rows == 1 && rms.frames == 0)
        #expect(zeroCrossingRate([]).frames == 0)
        // Centred, a short signal still gets 1 + n / hop frames.
        #expect(zeroCrossingRate([1, -1, 1]).frames == 1)
        #expect(rootMeanSquare([1, -1, 1]).frames == 1)
    }

    @Test func deltaRejectsTooFewFramesAndBadParameters() {
        let eight = FeatureMatrix(rows: 2, frames: 8)
        #expect(throws: FeatureError.signalTooShort(samples: 8, needed: 9)) { try delta(eight) }
        #expect(throws: FeatureError.signalTooShort(samples: 0, needed: 9)) { try delta(FeatureMatrix(rows: 3, frames: 0)) }
        let twenty = FeatureMatrix(rows: 2, frames: 20)
        for width in [1, 2, 8] {
            #expect(throws: FeatureError.self) { try delta(twenty, width: width) }
        }
        #expect(throws: FeatureError.self) { try delta(twenty, order: 0) }
        #expect(throws: FeatureError.self) { try delta(twenty, width: 3, order: 3) }
        #expect((try? delta(eight, width: 7)) != nil)
    }

    @Test func deltaOfPolynomialsIsExactIncludingEdges() throws {
        let n = 15
        let ramp = FeatureMatrix(rows: 1, frames: n, values: (0..<n).map { 2 * Float($0) + 1 })
        let square = FeatureMatrix(rows: 1, frames: n, values: (0..<n).map { Float($0 * $0) })
        // A least-squares fit of degree ≥ the polynomial's reproduces it, edges included.
        #expect(try delta(ramp).values.allSatisfy { abs($0 - 2) <= 1e-5 })
        #expect(try delta(ramp, order: 2).values.allSatisfy { abs($0) <= 1e-5 })
        #expect(try delta(square, order: 2).values.allSatisfy { abs($0 - 2) <= 1e-5 })
        // First derivative of t²: exact 2t in the interior (symmetric window); at the edges, the slope of
        // the line fitted to the first / last 9 points, 2·4 = 8 and 2·(n−5) = 20.
        let d = try delta(square)
        for t in 0..<n {
            let expected: Float = t < 4 ? 8 : t >= n - 4 ? Float(2 * (n - 5)) : Float(2 * t)
            #expect(abs(d[0, t] - expected) <= 1e-5, "t = \(t): \(d[0, t]) vs \(expected)")
        }
        // Width 9, order 1 is the classic regression delta: an impulse gives back (m − 4) / 60, reversed.
        var impulse = FeatureMatrix(rows: 1, frames: 21)
        impulse[0, 10] = 60
        let response = try delta(impulse)
        for t in 6...14 { #expect(abs(response[0, t] - Float(10 - t)) <= 1e-5) }
    }

    @Test func centroidAndBandwidthOfTwoEqualBins() {
        // Bins 100 and 300 with equal magnitude: centroid at bin 200, bandwidth 100 bins, in Hz.
        var mag = FeatureMatrix(rows: 1025, frames: 2)
        mag[100, 0] = 3; mag[300, 0] = 3
        mag[250, 1] = 1e-3                      // a single bin: centroid on it, no spread
        let hz = Self.sr / Double(Self.nFFT)
        let c = spectralCentroid(magnitude: mag, sampleRate: Self.sr, nFFT: Self.nFFT)
        let b = spectralBandwidth(magnitude: mag, sampleRate: Self.sr, nFFT: Self.nFFT)
        #expect(c.values == [Float(200 * hz), Float(250 * hz)])
        #expect(b.values == [Float(100 * hz), 0])
    }

    @Test func bandEnergyRatioSplitsAtBin185() {
        // floor(2000 / 11025 · 1025) = 185 bins in the low band, 840 in the high band.
        let flat = FeatureMatrix(rows: 1025, frames: 1, values: [Float](repeating: 2, count: 1025))
        #expect(bandEnergyRatio(power: flat, sampleRate: Self.sr, nFFT: Self.nFFT).values == [Float(185.0 / 840.0)])
        var lowOnly = FeatureMatrix(rows: 1025, frames: 1)
        lowOnly[10, 0] = 1
        #expect(bandEnergyRatio(power: lowOnly, sampleRate: Self.sr, nFFT: Self.nFFT).values == [1e10])
    }

    @Test func chromaScalesEveryNonSilentFrameToOne() {
        // Frame 0 silent, frame 1 a whisper at 440 Hz (bin 41 ≈ 441 Hz), frame 2 loud at the same bin.
        var power = FeatureMatrix(rows: 1025, frames: 3)
        power[41, 1] = 1e-30
        power[41, 2] = 1e6
        let c = chroma(power: power, sampleRate: Self.sr, nFFT: Self.nFFT, tuning: 0)
        #expect((0..<12).allSatisfy { c[$0, 0] == 0 })
        // Row 9 is A with base_c; both non-silent frames are the same shape scaled to a peak of 1.
        #expect(c[9, 1] == 1 && c[9, 2] == 1)
        #expect((0..<12).allSatisfy { abs(c[$0, 1] - c[$0, 2]) <= 1e-6 })
    }
}
