import Testing
import IntoneTestSupport
import IntoneAudio
import IntoneFeatures
import IntoneFormats
#if canImport(Glibc)
import Glibc
#endif

/// The core path (STFT → mel → dB → DCT) against librosa 0.11 on every fixture.
///
/// Input is librosa's own loaded signal, so these tests check the features alone; the audio tests
/// check decoding and resampling against the same references.
struct MFCCTests {
    let extractor = try! FeatureExtractor()

    @Test(arguments: Fixtures.stems)
    func melFilterbankMatchesLibrosa(_ unused: String) throws {
        // The filterbank does not depend on the stem; one check is enough but keeps the table simple.
        guard unused == Fixtures.stems[0] else { return }
        let ref = try Fixtures.reference("mel_fb_22050_2048_128")
        let ours = MelFilterbank(sampleRate: 22050, nFFT: 2048).denseWeights()
        #expect(ref.shape == [128, 1025])
        // Weights are computed in double and rounded once, like librosa's: expect at most 1 ulp.
        #expect(maxRelativeDifference(ours.values, ref.values) <= 1.2e-7)
        let nonZero = ours.values.filter { $0 != 0 }.count
        #expect(nonZero == ref.values.filter { $0 != 0 }.count)
    }

    @Test func customMelFilterbankMatchesLibrosa() throws {
        let ref = try Fixtures.reference("mel_fb_16000_1024_64_7000")
        let ours = MelFilterbank(sampleRate: 16000, nFFT: 1024, nMels: 64, fmax: 7000).denseWeights()
        #expect(ref.shape == [64, 513])
        #expect(maxRelativeDifference(ours.values, ref.values) <= 1.2e-7)
    }

    @Test(arguments: Fixtures.stems)
    func melSpectrogramInDecibelsMatchesLibrosa(_ stem: String) throws {
        let y = try Fixtures.loadedSamples(stem)
        let ref = try Fixtures.reference(stem, "mel_db")
        let ours = try extractor.melDecibels(y)
        #expect([ours.rows, ours.frames] == ref.shape)
        let diff = maxAbsDifference(ours.values, ref.values)
        #expect(diff <= 0.01, "max |Δ| = \(diff) dB")
    }

    @Test(arguments: Fixtures.stems)
    func melPowerMatchesLibrosaRelatively(_ stem: String) throws {
        let y = try Fixtures.loadedSamples(stem)
        let ref = try Fixtures.reference(stem, "mel")
        let ours = try extractor.melSpectrogram(y)
        #expect([ours.rows, ours.frames] == ref.shape)
        // float32 FFT against librosa's float64 one: relative error grows as power falls below the
        // clip's peak; compare the bins within 80 dB of the peak (those power_to_db keeps).
        let peak = ref.values.max() ?? 0
        let diff = maxRelativeDifference(ours.values, ref.values, floor: peak * 1e-8)
        #expect(diff <= 1e-3, "max relative Δ = \(diff)")
    }

    @Test(arguments: Fixtures.stems)
    func mfccMatchesLibrosa(_ stem: String) throws {
        let y = try Fixtures.loadedSamples(stem)
        let ref = try Fixtures.reference(stem, "mfcc")
        let ours = try extractor.mfcc(y)
        #expect([ours.rows, ours.frames] == ref.shape)
        let diff = maxAbsDifference(ours.values, ref.values)
        #expect(diff <= 0.01, "max |Δ| = \(diff)")
    }

    @Test(arguments: Fixtures.stems)
    func mfccMeanMatchesLibrosa(_ stem: String) throws {
        let y = try Fixtures.loadedSamples(stem)
        let ref = try Fixtures.reference(stem, "mfcc_mean")
        let ours = try extractor.mfcc(y).meanOverTime()
        #expect(maxAbsDifference(ours, ref.values) <= 0.01)
    }

    @Test func mfccWithCustomParametersMatchesLibrosa() throws {
        // librosa.feature.mfcc(y=y16, sr=16000, n_mfcc=13, n_fft=1024, hop_length=256, n_mels=64, fmax=7000)
        let signal = try AudioLoader.load(path: Fixtures.audio("tones_16k.wav"), sampleRate: nil, offset: 0.5, duration: 1.5)
        let params = FeatureParameters(sampleRate: 16000, stft: STFTParameters(nFFT: 1024, hopLength: 256),
                                       nMels: 64, fmax: 7000, nMFCC: 13)
        let ours = try FeatureExtractor(parameters: params).mfcc(signal.samples)
        let ref = try Fixtures.reference("tones_16k", "mfcc_custom")
        #expect([ours.rows, ours.frames] == ref.shape)
        #expect(maxAbsDifference(ours.values, ref.values) <= 0.01)
    }

    @Test func silenceGivesFiniteFlooredFeatures() throws {
        let mfcc = try extractor.mfcc([Float](repeating: 0, count: 22050))
        #expect(mfcc.frames == 44)
        #expect(mfcc.values.allSatisfy { $0.isFinite })
        // All-zero power → every mel band at 10·log10(1e-10) = -100 dB; only c0 is non-zero:
        // c0 = -100 · sqrt(128) (orthonormal DCT of a constant). The float32 sum of 128 terms of
        // -8.84 is within a few ulps (1.2e-4 each at 1131) of the exact value.
        #expect(abs(mfcc[0, 0] - (-100 * Float(128).squareRoot())) < 5e-3)
        #expect(abs(mfcc[1, 0]) < 1e-3)
    }

    @Test func shortAndEmptySignalsGiveCentredFrames() throws {
        // Centred STFT pads n_fft/2 zeros each side: 1 + n/hop frames, even for n < n_fft (librosa warns).
        #expect(try extractor.mfcc([Float](repeating: 0.1, count: 100)).frames == 1)
        #expect(try extractor.mfcc([]).frames == 1)
        #expect(try extractor.mfcc([Float](repeating: 0.1, count: 1024)).frames == 3)
    }

    @Test func uncentredSpectrogramOfShortSignalThrows() {
        #expect(throws: FeatureError.signalTooShort(samples: 100, needed: 2048)) {
            try spectrogram([Float](repeating: 0, count: 100), parameters: STFTParameters(center: false))
        }
    }

    @Test func invalidParametersAreNamed() {
        #expect(throws: FeatureError.invalidParameter("n_mfcc must be between 1 and n_mels = 128 (got 200)")) {
            try FeatureExtractor(parameters: FeatureParameters(nMFCC: 200))
        }
    }

    @Test func spectrogramOfSinusoidPeaksAtItsBin() throws {
        // A 1 kHz tone at 22,050 Hz, n_fft 2048: the peak bin is round(1000 * 2048 / 22050) = 93.
        let y = (0..<22050).map { Float(sin(2 * Double.pi * 1000 * Double($0) / 22050)) }
        let s = try spectrogram(y)
        let t = s.frames / 2
        let column = (0..<s.rows).map { s[$0, t] }
        #expect(column.firstIndex(of: column.max()!) == 93)
        // Parseval with the periodic Hann window: Σ|X|² = n_fft · Σ (w x)², spot-checked within 1e-3.
        let start = t * 512 - 1024
        let w = Window.hann(length: 2048)
        var energy = 0.0
        for i in 0..<2048 { let v = Double(y[start + i]) * w[i]; energy += v * v }
        var spec = 0.0
        for k in 0..<s.rows { spec += Double(s[k, t]) * ((k == 0 || k == s.rows - 1) ? 1 : 2) }
        #expect(abs(spec / 2048 - energy) / energy < 1e-3)
    }
}

/// Every kind `intone features --kind` offers, through `FeatureExtractor.compute`, against librosa.
struct FeatureKindTests {
    let extractor = try! FeatureExtractor()

    @Test(arguments: [
        (FeatureKind.mfcc, "mfcc", Float(0.01)), (.mfccDelta, "mfcc_delta", 0.01), (.mfccDelta2, "mfcc_delta2", 0.01),
        (.melDB, "mel_db", 0.01), (.zcr, "zcr", 0), (.rms, "rms", 0), (.chroma, "chroma", 1e-5),
    ])
    func everyKindMatchesLibrosaOnSpeech(_ kind: FeatureKind, _ reference: String, _ tolerance: Float) throws {
        let y = try Fixtures.loadedSamples("speech_22k")
        let ref = try Fixtures.reference("speech_22k", reference)
        let ours = try extractor.compute(kind, from: y)
        #expect([ours.rows, ours.frames] == ref.shape)
        #expect(ours.rows == kind.rows(for: extractor.parameters))
        #expect(maxAbsDifference(ours.values, ref.values) <= tolerance)
    }

    @Test(arguments: [(FeatureKind.centroid, "centroid"), (.bandwidth, "bandwidth"), (.mel, "mel")])
    func spectralKindsMatchLibrosaRelatively(_ kind: FeatureKind, _ reference: String) throws {
        let y = try Fixtures.loadedSamples("speech_22k")
        let ref = try Fixtures.reference("speech_22k", reference)
        let ours = try extractor.compute(kind, from: y)
        #expect([ours.rows, ours.frames] == ref.shape)
        let peak = ref.values.max() ?? 0
        #expect(maxRelativeDifference(ours.values, ref.values, floor: peak * 1e-8) <= 1e-3)
    }

    @Test func deltaOfAVeryShortClipIsAFeatureError() {
        // 0.1 s at 22,050 Hz → 5 frames, fewer than the delta width of 9.
        #expect(throws: FeatureError.self) { try extractor.compute(.mfccDelta, from: [Float](repeating: 0.1, count: 2205)) }
    }
}
