import Testing
import IntoneTestSupport
import IntoneFeatures
import IntoneFormats
#if canImport(Glibc)
import Glibc
#endif

/// Probabilistic YIN against `librosa.pyin` 0.11 (Tests/Fixtures/reference/pitch, made by
/// scripts/reference/make_pitch_references.py) on the fixtures' librosa-loaded signals, in three
/// settings: the defaults (C2-C7), a speech range with other frame, hop, resolution and switch
/// settings, and the native 8 kHz telephone signals.
///
/// Measured: voicing flags and decoded pitch bins identical on every frame of every case, voicing
/// probabilities within 2e-15 (the float32 FFT autocorrelation differs from numpy's pocketfft only
/// far below what moves a trough across a threshold).
struct PYINTests {
    static let stems = ["speech_22k", "speech_8k_ulaw", "speech_8k_alaw", "tones_16k", "noise_44k", "stereo_48k"]

    struct Case: Sendable, CustomTestStringConvertible {
        let stem: String
        let name: String
        let sampleRate: Double
        let parameters: PYINParameters
        var testDescription: String { "\(stem) \(name)" }
    }

    static let cases: [Case] = stems.flatMap { stem -> [Case] in
        var cases = [
            Case(stem: stem, name: "default", sampleRate: 22050, parameters: PYINParameters()),
            Case(stem: stem, name: "speech", sampleRate: 22050,
                 parameters: PYINParameters(fmin: 60, fmax: 500, frameLength: 1024, hopLength: 256,
                                            resolution: 0.05, switchProbability: 0.02)),
        ]
        if stem.hasPrefix("speech_8k") {
            cases.append(Case(stem: stem, name: "telephone", sampleRate: 8000,
                              parameters: PYINParameters(fmin: 60, fmax: 500, frameLength: 512, hopLength: 80)))
        }
        return cases
    }

    static func reference(_ c: Case, _ what: String) throws -> [Double] {
        try NPYTypedArray.read(path: Fixtures.referencePath("pitch/\(c.stem).\(c.name).\(what)")).doubles
    }

    static func input(_ c: Case) throws -> [Float] {
        c.name == "telephone"
            ? try NPYTypedArray.read(path: Fixtures.referencePath("pitch/\(c.stem).telephone.input")).floats
            : try Fixtures.loadedSamples(c.stem)
    }

    @Test(arguments: cases)
    func trackMatchesLibrosa(_ c: Case) throws {
        let track = try PYIN(parameters: c.parameters, sampleRate: c.sampleRate).track(try Self.input(c))
        let f0 = try Self.reference(c, "f0")
        let voiced = try Self.reference(c, "voiced").map { $0 != 0 }
        let probability = try Self.reference(c, "prob")
        #expect(track.frames == f0.count)
        guard track.frames == f0.count else { return }

        let voicingAgreement = zip(track.voiced, voiced).filter { $0 == $1 }.count
        let bothVoiced = track.voiced.indices.filter { track.voiced[$0] && voiced[$0] }
        // The same pitch bin: bins are 0.05-0.1 semitones (0.3-0.6 %) apart, and a bin's frequency
        // fmin · 2^(k / bins per octave) differs from numpy's power in the last bit on about one frame in 20.
        let sameF0 = bothVoiced.filter { abs(track.f0[$0] / f0[$0] - 1) < 1e-12 }.count
        var probabilityError = 0.0
        for t in probability.indices { probabilityError = max(probabilityError, abs(track.voicedProbability[t] - probability[t])) }
        print("pyin \(c.testDescription): voicing \(voicingAgreement)/\(f0.count), F0 equal \(sameF0)/\(bothVoiced.count), max |Δ prob| \(probabilityError)")
        #expect(voicingAgreement == f0.count)
        #expect(sameF0 == bothVoiced.count)
        #expect(probabilityError < 1e-12)
    }
}

/// pYIN's argument checks (librosa's wording) and the prosody rows built on it.
struct PYINParameterAndProsodyTests {
    @Test func settingsOutOfRangeAreRefusedWithLibrosasReasons() {
        func reason(_ p: PYINParameters, sr: Double = 22050) -> String? {
            do { _ = try PYIN(parameters: p, sampleRate: sr); return nil } catch { return error.description }
        }
        #expect(reason(PYINParameters(fmax: 12000)) == "invalid feature parameter: fmax=12000.0 cannot exceed the Nyquist frequency 11025.0")
        #expect(reason(PYINParameters(fmin: 500, fmax: 400)) == "invalid feature parameter: fmin=500.0 must be less than fmax=400.0")
        #expect(reason(PYINParameters(fmin: 5, fmax: 400))?.hasPrefix("invalid feature parameter: fmin=5.0 is too small for frame_length=2048 and sr=22050.0") == true)
        #expect(reason(PYINParameters(resolution: 1.5))?.contains("resolution must be in (0, 1)") == true)
        #expect(reason(PYINParameters(switchProbability: 0))?.contains("switch_prob must be in (0, 1)") == true)
        // 0.5 octaves per frame at most would need more bins than 60-70 Hz has.
        #expect(reason(PYINParameters(fmin: 60, fmax: 70))?.contains("allows 101 pitch bins per frame, more than the 27 bins") == true)
        #expect(reason(PYINParameters(), sr: 22050) == nil)
    }

    @Test func nonFiniteOrTooShortAudioIsAnErrorNotACrash() throws {
        let pyin = try PYIN(parameters: PYINParameters(center: false), sampleRate: 22050)
        #expect(throws: FeatureError.invalidParameter("audio buffer is not finite everywhere")) {
            try pyin.track([0, .nan, 0] + [Float](repeating: 0, count: 4000))
        }
        #expect(throws: FeatureError.signalTooShort(samples: 100, needed: 2048)) { try pyin.track([Float](repeating: 0.1, count: 100)) }
        // Centred, even an empty signal has one (unvoiced) frame, as in librosa.
        let centred = try PYIN(parameters: PYINParameters(), sampleRate: 22050).track([])
        #expect(centred.frames == 1 && centred.voiced == [false] && centred.f0[0].isNaN)
    }

    @Test func prosodyRowsAreSemitonesOfTheSpeechRangeTrackVoicingAndLevel() throws {
        let samples = try Fixtures.loadedSamples("speech_22k")
        let extractor = try FeatureExtractor()
        let prosody = try extractor.compute(.prosody, from: samples)
        let track = try PYIN(parameters: extractor.prosodyPitchParameters, sampleRate: 22050).track(samples)
        let level = rootMeanSquare(samples)
        #expect(prosody.rows == 3 && prosody.frames == track.frames && track.frames == 130)
        for t in 0..<track.frames {
            let semitones: Float = track.voiced[t] ? Float(12 * log2(track.f0[t] / 27.5)) : 0
            #expect(prosody[0, t] == semitones)
            #expect(prosody[1, t] == Float(track.voicedProbability[t]))
            #expect(prosody[2, t] == 20 * log10f(max(level.values[t], 1e-5)))
        }
        // espeak's voice sits around 80-120 Hz: 18-26 semitones above 27.5 Hz where voiced.
        let voiced = (0..<track.frames).filter { track.voiced[$0] }
        #expect(voiced.count > 80)
        #expect(voiced.allSatisfy { (18...26).contains(prosody[0, $0]) })

        let both = try extractor.compute(.mfccProsody, from: samples)
        #expect(both == FeatureMatrix.stacked([try extractor.mfcc(samples), prosody]))
        #expect(FeatureKind.mfccProsody.rows(for: extractor.parameters) == 43)
        #expect(!FeatureKind.storable.contains(.pitch))
    }
}
