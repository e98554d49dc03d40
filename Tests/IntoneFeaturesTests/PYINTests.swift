import Testing
import IntoneTestSupport
import IntoneFeatures
import IntoneFormats

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
