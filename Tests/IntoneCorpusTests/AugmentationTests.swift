import Foundation
import Testing
import IntoneTestSupport
import IntoneCorpus
import IntoneFeatures
#if canImport(Glibc)
import Glibc
#endif

/// Training-audio augmentation: pitch shift against librosa 0.11 on `speech_22k`, and the seeded,
/// reproducible behaviour of noise, shift, stretch and the policy.
struct AugmentationTests {
    let extractor = try! FeatureExtractor()

    @Test(arguments: [(2.0, "pitch_+2"), (-3.0, "pitch_-3")])
    func pitchShiftMatchesLibrosa(_ semitones: Double, _ name: String) throws {
        // librosa.effects.pitch_shift(y, sr=22050, n_steps=semitones)
        let y = try Fixtures.loadedSamples("speech_22k")
        let ref = try Fixtures.reference("speech_22k", name)
        let ours = try pitchShift(y, sampleRate: 22050, semitones: semitones)
        #expect(ref.shape == [ours.count])
        #expect(ours.count == y.count)

        // The soxr step is bit-identical to librosa.resample (checked on our stretched signal); all
        // of the difference is the phase vocoder's (see PhaseVocoderTests for why it is ~1e-4).
        // Measured: 2.6e-4 (+2) and 1.8e-4 (-3) max |Δ|; 67 and 71 dB below the signal.
        let diff = maxAbsDifference(ours, ref.values)
        #expect(diff <= 5e-4, "max |Δ| = \(diff)")
        var signal = 0.0, error = 0.0
        for i in ours.indices {
            signal += Double(ref.values[i]) * Double(ref.values[i])
            error += Double(ours[i] - ref.values[i]) * Double(ours[i] - ref.values[i])
        }
        #expect(10 * log10(signal / error) >= 60)

        // Features: measured log-mel 0.052 / 0.048 dB, MFCC 0.028 / 0.028.
        let melDiff = maxAbsDifference(try extractor.melDecibels(ours).values, try extractor.melDecibels(ref.values).values)
        #expect(melDiff <= 0.1, "log-mel max |Δ| = \(melDiff) dB")
        let mfccDiff = maxAbsDifference(try extractor.mfcc(ours).values, try extractor.mfcc(ref.values).values)
        #expect(mfccDiff <= 0.05, "MFCC max |Δ| = \(mfccDiff)")
    }

    @Test(arguments: [-5.0, 0, 10, 20, 35])
    func noiseReachesTheRequestedSNR(_ snr: Double) throws {
        let y = try Fixtures.loadedSamples("speech_22k")
        let noisy = try Augmentation.noise(snrDB: snr).apply(to: y, sampleRate: 22050, seed: 1, stream: "test/noise")
        #expect(noisy.count == y.count)
        var signal = 0.0, noise = 0.0
        for i in y.indices {
            signal += Double(y[i]) * Double(y[i])
            let d = Double(noisy[i]) - Double(y[i])
            noise += d * d
        }
        let measured = 10 * log10(signal / noise)
        #expect(abs(measured - snr) <= 0.1, "measured \(measured) dB for \(snr) dB")
    }

    @Test func noiseReplaysForTheSameSeedAndStreamOnly() throws {
        let y = try Fixtures.loadedSamples("speech_22k")
        let a = Augmentation.noise(snrDB: 20)
        let first = try a.apply(to: y, sampleRate: 22050, seed: 42, stream: "augment/x")
        let again = try a.apply(to: y, sampleRate: 22050, seed: 42, stream: "augment/x")
        let otherStream = try a.apply(to: y, sampleRate: 22050, seed: 42, stream: "augment/y")
        let otherSeed = try a.apply(to: y, sampleRate: 22050, seed: 43, stream: "augment/x")
        #expect(first == again)
        #expect(first != otherStream)
        #expect(first != otherSeed)
        // The policy's stream names the example: two examples get different noise.
        let e1 = try a.apply(to: y, sampleRate: 22050, seed: 42, exampleID: "e1")
        let e2 = try a.apply(to: y, sampleRate: 22050, seed: 42, exampleID: "e2")
        #expect(e1 != e2)
        #expect(e1 == (try a.apply(to: y, sampleRate: 22050, seed: 42, stream: a.stream(exampleID: "e1"))))
    }

    @Test func noiseLeavesSilenceSilent() throws {
        let silence = [Float](repeating: 0, count: 1000)
        #expect(try Augmentation.noise(snrDB: 10).apply(to: silence, sampleRate: 16000, seed: 1, stream: "s") == silence)
        #expect(try Augmentation.noise(snrDB: 10).apply(to: [], sampleRate: 16000, seed: 1, stream: "s").isEmpty)
    }

    @Test func shiftMovesSamplesExactly() throws {
        let x: [Float] = (1...1000).map { Float($0) }
        let later = try Augmentation.shift(fraction: 0.1).apply(to: x, sampleRate: 16000, seed: 0, stream: "")
        #expect(later.count == 1000)
        #expect(later[0..<100].allSatisfy { $0 == 0 })
        #expect(Array(later[100...]) == Array(x[0..<900]))
        let earlier = try Augmentation.shift(fraction: -0.25).apply(to: x, sampleRate: 16000, seed: 0, stream: "")
        #expect(Array(earlier[0..<750]) == Array(x[250...]))
        #expect(earlier[750...].allSatisfy { $0 == 0 })
        // round(fraction · n), halves away from zero: 0.01 · 150 = 1.5 → 2 samples.
        let odd = try Augmentation.shift(fraction: 0.01).apply(to: Array(x[0..<150]), sampleRate: 16000, seed: 0, stream: "")
        #expect(Array(odd[0..<3]) == [0, 0, 1])
        #expect(try Augmentation.shift(fraction: 1).apply(to: x, sampleRate: 16000, seed: 0, stream: "").allSatisfy { $0 == 0 })
    }

    @Test func stretchAndPitchAreTheLibrosaCompatibleFunctions() throws {
        let y = try Fixtures.loadedSamples("speech_22k")
        let stretched = try Augmentation.stretch(rate: 0.9).apply(to: y, sampleRate: 22050, seed: 0, stream: "")
        #expect(stretched == (try timeStretch(y, rate: 0.9)))
        #expect(stretched.count == Int((Double(y.count) / 0.9).rounded()))
        let shifted = try Augmentation.pitch(semitones: 2).apply(to: y, sampleRate: 22050, seed: 0, stream: "")
        #expect(shifted == (try pitchShift(y, sampleRate: 22050, semitones: 2)))
        #expect(try Augmentation.none.apply(to: y, sampleRate: 22050, seed: 0, stream: "") == y)
    }

    @Test func idsAreStableShortStrings() throws {
        let expected: [(Augmentation, String)] = [
            (.none, "none"), (.noise(snrDB: 20), "noise-snr20"), (.noise(snrDB: 17.5), "noise-snr17.5"),
            (.noise(snrDB: -5), "noise-snr-5"), (.shift(fraction: 0.1), "shift+0.10"), (.shift(fraction: -0.05), "shift-0.05"),
            (.shift(fraction: 0), "shift+0.00"), (.stretch(rate: 0.9), "stretch0.90"), (.stretch(rate: 1.25), "stretch1.25"),
            (.pitch(semitones: 2), "pitch+2"), (.pitch(semitones: -3.5), "pitch-3.5"), (.pitch(semitones: 0), "pitch+0"),
        ]
        for (augmentation, id) in expected {
            #expect(augmentation.id == id)
            #expect(try Augmentation(id: id) == augmentation)
        }
        // Values are held at the id's resolution, so equal ids mean equal augmentations.
        #expect(Augmentation.stretch(rate: 0.9049) == .stretch(rate: 0.9))
        #expect(try Augmentation(id: "stretch0.9").id == "stretch0.90")
        // Codable as the id string.
        let list: [Augmentation] = [.noise(snrDB: 20), .shift(fraction: -0.1), .stretch(rate: 0.8), .pitch(semitones: 4), .none]
        let json = try JSONEncoder().encode(list)
        #expect(String(decoding: json, as: UTF8.self) == #"["noise-snr20","shift-0.10","stretch0.80","pitch+4","none"]"#)
        #expect(try JSONDecoder().decode([Augmentation].self, from: json) == list)
    }

    @Test func policyIsDeterministic() throws {
        let policy = AugmentationPolicy.standard
        // Pinned: a change here changes every augmented store.
        #expect(policy.augmentations(seed: 42, exampleID: "abc").map(\.id) == ["noise-snr28.2", "shift-0.05", "stretch0.98", "pitch-3.6"])
        #expect(policy.augmentations(seed: 7, exampleID: "abc").map(\.id) == ["noise-snr25.2", "shift+0.10", "stretch0.82", "pitch-3.8"])
        #expect(policy.augmentations(seed: 42, exampleID: "abd").map(\.id) == ["noise-snr20.9", "shift+0.09", "stretch1.03", "pitch-2.6"])
        // Turning kinds off leaves the others' draws unchanged.
        let noiseOnly = AugmentationPolicy(shiftFraction: nil, stretchRate: nil, pitchSemitones: nil)
        #expect(noiseOnly.augmentations(seed: 42, exampleID: "abc").map(\.id) == ["noise-snr28.2"])
        #expect(AugmentationPolicy.off.augmentations(seed: 42, exampleID: "abc").isEmpty)
        #expect(AugmentationPolicy(probability: 0).augmentations(seed: 42, exampleID: "abc").isEmpty)
        // A policy survives JSON (run configurations).
        let decoded = try JSONDecoder().decode(AugmentationPolicy.self, from: try JSONEncoder().encode(policy))
        #expect(decoded == policy)
    }

    @Test func policyDrawsStayInTheirRanges() throws {
        var seenUp = false, seenDown = false
        for i in 0..<500 {
            let picked = AugmentationPolicy.standard.augmentations(seed: 3, exampleID: "example-\(i)")
            #expect(Set(picked.map(\.kind)).count == picked.count)
            for a in picked {
                #expect(try Augmentation(id: a.id) == a)
                switch a.kind {
                case .noise: #expect((15...30).contains(a.value))
                case .shift: #expect((-0.1...0.1).contains(a.value) && a.value != 0)
                case .stretch: #expect((0.8...1.2).contains(a.value) && a.value != 1)
                case .pitch:
                    #expect((2...4).contains(abs(a.value)))
                    if a.value > 0 { seenUp = true } else { seenDown = true }
                case .none: Issue.record("the policy never lists the original")
                case .mulaw, .alaw, .gsm: Issue.record("the standard policy makes no telephone copies")
                }
            }
        }
        #expect(seenUp && seenDown)
        let half = AugmentationPolicy(probability: 0.5)
        let total = (0..<400).reduce(0) { $0 + half.augmentations(seed: 3, exampleID: "e\($1)").count }
        #expect((700...900).contains(total), "about half of 1600 possible copies, got \(total)")
    }

    @Test func badParametersThrowClearErrors() throws {
        let y: [Float] = [0.1, -0.2, 0.3, 0.05]
        for bad in [Augmentation.stretch(rate: 0), .stretch(rate: -1), .stretch(rate: .nan), .stretch(rate: 100),
                    .pitch(semitones: .nan), .pitch(semitones: .infinity), .pitch(semitones: 48),
                    .noise(snrDB: .nan), .shift(fraction: 1.5), .shift(fraction: .nan)] {
            #expect(throws: AugmentationError.self) { try bad.apply(to: y, sampleRate: 16000, seed: 0, stream: "") }
        }
        let error = #expect(throws: AugmentationError.self) { try Augmentation.stretch(rate: 0).validate() }
        #expect(error?.description == "augmentation stretch0.00: time-stretch rate must be a positive number (got 0.0)")
        #expect(throws: AugmentationError.self) { try pitchShift(y, sampleRate: 0, semitones: 2) }
        #expect(throws: AugmentationError.self) { try pitchShift(y, sampleRate: 16000, semitones: .nan) }
        #expect(throws: AugmentationError.self) { try pitchShift(y, sampleRate: 16000, semitones: 2, binsPerOctave: 0) }
        for id in ["", "wobble", "stretch", "stretchabc", "stretch-1", "stretch1e2", "noise-snrnan", "pitch+ 2", "shift+2.0"] {
            #expect(throws: AugmentationError.self, "\(id)") { try Augmentation(id: id) }
        }
        #expect(throws: DecodingError.self) { try JSONDecoder().decode([Augmentation].self, from: Data(#"["stretch0"]"#.utf8)) }
        #expect(throws: AugmentationError.self) { try AugmentationPolicy(stretchRate: 0...1.2).validate() }
        #expect(throws: AugmentationError.self) { try AugmentationPolicy(pitchSemitones: -2...2).validate() }
        #expect(throws: AugmentationError.self) { try AugmentationPolicy(probability: .nan).validate() }
        try AugmentationPolicy.standard.validate()
    }
}
