import Testing
import IntoneTestSupport
import IntoneFeatures
import IntoneFormats
#if canImport(Glibc)
import Glibc
#endif

/// The complex STFT, its inverse and the phase vocoder against librosa 0.11 on `speech_22k`
/// (`librosa.load(..., sr=22050, offset=0.5, duration=3)`, 66 150 samples, peak 0.70).
///
/// Why the stretch tolerances are what they are: librosa's STFT runs in float64 and is rounded to
/// complex64, ours is float32 FFTW (~1e-7 relative apart), and the phase vocoder keeps its running phase
/// in float32, where high bins reach ~10⁵ rad after 160 frames and one ulp is ~0.03 rad. So any
/// 1e-7 perturbation of the STFT moves the output by ~1e-4. Measured: librosa's own `time_stretch` fed
/// a float32 (scipy) STFT instead of its float64 one differs from its reference by 2.8e-4 (rate 0.8) and
/// 1.4e-4 (rate 1.25) — the same as ours (2.5e-4 and 1.4e-4). A further ~3e-5 comes from numpy's
/// AVX-512 `arctan2` (SVML) not rounding exactly as glibc's `atan2f` does.
struct PhaseVocoderTests {
    let extractor = try! FeatureExtractor()

    @Test func inverseFFTUndoesTheForwardFFTAndMatchesASlowDFT() throws {
        let n = 64
        let x: [Float] = (0..<n).map { (i: Int) -> Float in
            let t = Double(i)
            return Float(sin(0.3 * t) + 0.25 * cos(1.7 * t + 0.4))
        }
        let forward = RealFFT.plan(size: n), inverse = RealInverseFFT.plan(size: n)
        let input = FFTBuffer(count: n), spectrum = FFTBuffer(count: 2 * forward.bins)
        for i in 0..<n { input.pointer[i] = x[i] }
        forward.forward(input, into: spectrum)
        let bins = Array(UnsafeBufferPointer(start: spectrum.pointer, count: 2 * forward.bins))
        let back = inverse.inverse(bins)
        #expect(maxAbsDifference(back, x) <= 1e-6)
        #expect(Array(UnsafeBufferPointer(start: spectrum.pointer, count: 2 * forward.bins)) == bins, "the array overload keeps its input")

        // Slow irfft in double: x[t] = (1/n) (X0 + X_{n/2}(-1)^t + 2 Σ_{0<k<n/2} Re(X_k e^{2πikt/n})).
        var slow = [Float](repeating: 0, count: n)
        for t in 0..<n {
            var s = Double(bins[0]) + Double(bins[n]) * (t % 2 == 0 ? 1 : -1)
            for k in 1..<(n / 2) {
                let a = 2 * Double.pi * Double(k * t) / Double(n)
                s += 2 * (Double(bins[2 * k]) * cos(a) - Double(bins[2 * k + 1]) * sin(a))
            }
            slow[t] = Float(s / Double(n))
        }
        #expect(maxAbsDifference(back, slow) <= 1e-6)
    }

    @Test func complexSTFTHasTheSpectrogramsMagnitudes() throws {
        let y = try Fixtures.loadedSamples("speech_22k")
        let D = try stft(y)
        let magnitude = try spectrogram(y, power: 1)
        #expect([D.bins, D.frames] == [magnitude.rows, magnitude.frames])
        #expect(maxRelativeDifference(D.magnitude().values, magnitude.values, floor: 1e-6) <= 1e-6)
    }

    @Test func istftOfSTFTReconstructsTheSignal() throws {
        let y = try Fixtures.loadedSamples("speech_22k")
        let back = try istft(try stft(y), length: y.count)
        #expect(back.count == y.count)
        // Measured 1.8e-7 (peak 0.70): float32 rounding of the FFTs and overlap-add only.
        let diff = maxAbsDifference(back, y)
        #expect(diff <= 1e-6, "max |Δ| = \(diff)")
        // Without `length`, the centred inverse has nFFT + hop (frames - 1) - nFFT samples.
        let untrimmed = try istft(try stft(y))
        #expect(untrimmed.count == 512 * (y.count / 512))
        #expect(maxAbsDifference(Array(untrimmed), Array(back.prefix(untrimmed.count))) == 0)
    }

    @Test func istftMatchesLibrosa() throws {
        // librosa.istft(librosa.stft(y), length=len(y))
        let y = try Fixtures.loadedSamples("speech_22k")
        let ref = try Fixtures.reference("speech_22k", "istft")
        let ours = try istft(try stft(y), length: y.count)
        #expect(ref.shape == [ours.count])
        // Measured 1.2e-7: the same overlap-add and float32 window sum-square, ~1 ulp of the signal.
        let diff = maxAbsDifference(ours, ref.values)
        #expect(diff <= 5e-7, "max |Δ| = \(diff)")
    }

    @Test(arguments: [(0.8, "stretch_0.8"), (1.25, "stretch_1.25")])
    func timeStretchMatchesLibrosa(_ rate: Double, _ name: String) throws {
        // librosa.effects.time_stretch(y, rate=rate)
        let y = try Fixtures.loadedSamples("speech_22k")
        let ref = try Fixtures.reference("speech_22k", name)
        let ours = try timeStretch(y, rate: rate)
        #expect(ref.shape == [ours.count], "length must be round(len / rate) exactly")
        #expect(ours.count == Int((Double(y.count) / rate).rounded()))

        // Waveform: measured 2.5e-4 (0.8) and 1.4e-4 (1.25); librosa's own float32-STFT spread is 2.8e-4.
        let diff = maxAbsDifference(ours, ref.values)
        #expect(diff <= 5e-4, "max |Δ| = \(diff)")
        // The difference as a whole is tiny: measured 66 dB (0.8) and 70 dB (1.25) below the signal.
        var signal = 0.0, error = 0.0
        for i in ours.indices {
            signal += Double(ref.values[i]) * Double(ref.values[i])
            error += Double(ours[i] - ref.values[i]) * Double(ours[i] - ref.values[i])
        }
        let snr = 10 * log10(signal / error)
        #expect(snr >= 60, "difference is \(snr) dB below the signal")

        // What the models see: log-mel measured 0.052 / 0.034 dB, MFCC 0.027 / 0.018.
        let melDiff = maxAbsDifference(try extractor.melDecibels(ours).values, try extractor.melDecibels(ref.values).values)
        #expect(melDiff <= 0.1, "log-mel max |Δ| = \(melDiff) dB")
        let mfccDiff = maxAbsDifference(try extractor.mfcc(ours).values, try extractor.mfcc(ref.values).values)
        #expect(mfccDiff <= 0.05, "MFCC max |Δ| = \(mfccDiff)")
    }

    @Test func phaseVocoderAtAnIntegerRateKeepsTheMagnitudesOfTheFramesItReads() throws {
        let y = try Fixtures.loadedSamples("speech_22k")
        let D = try stft(y)
        let stretched = try phaseVocoder(D, rate: 2)
        #expect(stretched.frames == (D.frames + 1) / 2, "np.arange(0, frames, 2)")
        let m = D.magnitude(), s = stretched.magnitude()
        for t in 0..<stretched.frames {
            for k in 0..<D.bins {
                let want = m[k, 2 * t]
                #expect(abs(s[k, t] - want) <= 1e-6 * max(want, 1e-3))
            }
        }
    }

    @Test func phaseVocoderFrameCountFollowsNumpysArange() throws {
        let D = ComplexSpectrogram(bins: 5, frames: 10)
        #expect(try phaseVocoder(D, rate: 0.8).frames == 13)   // ceil(10 / 0.8) = 12.5 → 13
        #expect(try phaseVocoder(D, rate: 1.25).frames == 8)
        #expect(try phaseVocoder(D, rate: 3).frames == 4)
        #expect(try phaseVocoder(ComplexSpectrogram(bins: 5, frames: 0), rate: 2).frames == 0)
    }

    @Test func stretchedLengthRoundsHalfToEven() throws {
        // Python's round(): 5 / 2 = 2.5 → 2, 7 / 2 = 3.5 → 4.
        #expect(try timeStretch([Float](repeating: 0.1, count: 5), rate: 2).count == 2)
        #expect(try timeStretch([Float](repeating: 0.1, count: 7), rate: 2).count == 4)
        #expect(try timeStretch([], rate: 2).isEmpty)
    }

    @Test func rateOneChangesLittle() throws {
        // Not the identity, in librosa either: the float32 running phase of the high bins drifts by up
        // to an ulp per frame. librosa's own time_stretch(y, rate=1) differs from y by 1.9e-3; ours 1.8e-3.
        let y = try Fixtures.loadedSamples("speech_22k")
        let same = try timeStretch(y, rate: 1)
        #expect(same.count == y.count)
        #expect(maxAbsDifference(same, y) <= 5e-3)
    }

    @Test(arguments: [0, -1, Double.nan, Double.infinity, -Double.infinity])
    func badRatesAreRefused(_ rate: Double) throws {
        #expect(throws: FeatureError.self) { try timeStretch([0.1, 0.2, 0.3], rate: rate) }
        #expect(throws: FeatureError.self) { try phaseVocoder(ComplexSpectrogram(bins: 3, frames: 2), rate: rate) }
    }

    @Test func phaseVocoderRefusesAnFFTSizeThatDoesNotMatchTheBins() throws {
        #expect(throws: FeatureError.self) { try phaseVocoder(ComplexSpectrogram(bins: 1025, frames: 2), rate: 1, nFFT: 1024) }
        #expect(throws: FeatureError.self) { try phaseVocoder(ComplexSpectrogram(bins: 1, frames: 2), rate: 1) }
    }

    @Test func istftRefusesMismatchedSettings() throws {
        let D = ComplexSpectrogram(bins: 1025, frames: 4)
        #expect(throws: FeatureError.self) { try istft(D, parameters: STFTParameters(nFFT: 1024)) }
        #expect(throws: FeatureError.self) { try istft(D, length: -1) }
        #expect(try istft(ComplexSpectrogram(bins: 1025, frames: 0), length: 10) == [Float](repeating: 0, count: 10))
    }
}
