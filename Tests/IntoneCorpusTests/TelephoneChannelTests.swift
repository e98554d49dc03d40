import Foundation
import Testing
import IntoneTestSupport
import IntoneAudio
import IntoneCorpus
import IntoneRandom

/// The telephone channel: G.711 as libsndfile writes it, the 300-3,400 Hz band, seeded line noise,
/// and the `mulaw-snr…` / `alaw-snr…` augmentations and `.telephone` policy built on it.
struct TelephoneChannelTests {
    static func sine(_ frequency: Double, rate: Double = 22050, seconds: Double = 1, amplitude: Float = 0.5) -> [Float] {
        (0..<Int(rate * seconds)).map { amplitude * Float(sin(2 * Double.pi * frequency * Double($0) / rate)) }
    }

    static func rms(_ x: ArraySlice<Float>) -> Double { (x.reduce(0) { $0 + Double($1) * Double($1) } / Double(max(1, x.count))).squareRoot() }

    /// A ramp through the whole range written by libsndfile as G.711 and read back: our companding
    /// gives the same values (libsndfile scales floats by 32,767 where we scale by 32,768 and rounds
    /// where the reference code truncates, so a sample near a decision boundary may fall on the
    /// neighbouring code; measured: 99.5 % equal for mu-law, 96.9 % for A-law; never two codes apart).
    @Test(arguments: [(TelephoneChannel.Law.mulaw, AudioFileType.wavULaw), (.alaw, .wavALaw)])
    func compandingMatchesLibsndfile(_ law: TelephoneChannel.Law, _ type: AudioFileType) throws {
        let dir = try TemporaryDirectory()
        defer { dir.cleanup() }
        let ramp = (0..<16_001).map { Float($0 - 8000) / 8000 * 0.999 }
        try AudioWriter.write(AudioSignal(samples: ramp, sampleRate: 8000), to: dir.file("ramp.wav"), as: type)
        let theirs = try AudioLoader.load(path: dir.file("ramp.wav"), sampleRate: nil).samples
        let ours = ramp.map { G711.decode(G711.encode($0, law: law), law: law) }
        #expect(theirs.count == ours.count)
        let equal = zip(theirs, ours).filter { $0 == $1 }.count
        #expect(Double(equal) / Double(ours.count) > 0.95, "\(equal) of \(ours.count) equal")
        // Where they differ, they are neighbouring codes (a signed position along the curve).
        func position(_ v: Float) -> Int {
            let code = Int(G711.encode(v, law: law))
            let magnitude = law == .mulaw ? 127 - (code & 0x7F) : (code ^ 0x55) & 0x7F
            let negative = law == .mulaw ? code & 0x80 == 0 : (code ^ 0x55) & 0x80 == 0
            return negative ? -magnitude - 1 : magnitude
        }
        for (t, o) in zip(theirs, ours) where t != o { #expect(abs(position(t) - position(o)) == 1, "\(t) vs \(o)") }
        // Every code decodes to a value that encodes back to itself.
        for code in 0...255 {
            let v = G711.decode(UInt8(code), law: law)
            #expect(G711.decode(G711.encode(v, law: law), law: law) == v, "code \(code)")
        }
    }

    @Test func theBandPassesSpeechAndStopsTheRest() throws {
        var random = SeededRandom(seed: 1)
        func through(_ f: Double) throws -> Double {
            let x = Self.sine(f)
            let y = try TelephoneChannel.apply(x, sampleRate: 22050, law: .mulaw, snrDB: 150, random: &random, label: "test")
            #expect(y.count == x.count)
            // Away from the edges (the filters' and resamplers' start-up).
            return Self.rms(y[2000..<20000]) / Self.rms(x[2000..<20000])
        }
        #expect(abs(try through(1000) - 1) < 0.05)
        #expect(abs(try through(2000) - 1) < 0.05)
        #expect(try through(100) < 0.15)
        #expect(try through(5000) < 0.01)
        #expect(try through(8000) < 0.01)
    }

    @Test func augmentationsAreSeededNamedAndKeepTheLength() throws {
        let x = Self.sine(440, seconds: 0.5)
        let a = Augmentation.mulaw(snrDB: 21.34), b = Augmentation.alaw(snrDB: 30)
        #expect(a.id == "mulaw-snr21.3" && b.id == "alaw-snr30")
        #expect(try Augmentation(id: "mulaw-snr21.3") == a && Augmentation(id: "alaw-snr30") == b)
        let y1 = try a.apply(to: x, sampleRate: 22050, seed: 5, exampleID: "clip")
        let y2 = try a.apply(to: x, sampleRate: 22050, seed: 5, exampleID: "clip")
        let y3 = try a.apply(to: x, sampleRate: 22050, seed: 6, exampleID: "clip")
        #expect(y1 == y2 && y1 != y3 && y1.count == x.count)
        #expect(try b.apply(to: x, sampleRate: 22050, seed: 5, exampleID: "clip") != y1)
        #expect(try a.apply(to: [], sampleRate: 22050, seed: 5, exampleID: "clip") == [])
        // Line noise at about the SNR asked for: against the channel without noise (150 dB), 10 dB adds
        // about 30 dB (31.6 times) more than 40 dB.
        let clean = try Augmentation.mulaw(snrDB: 150).apply(to: x, sampleRate: 22050, seed: 5, exampleID: "clip")
        func noise(_ snr: Double) throws -> Double {
            let y = try Augmentation.mulaw(snrDB: snr).apply(to: x, sampleRate: 22050, seed: 5, exampleID: "clip")
            return Self.rms(zip(clean, y).map { $0 - $1 }[2000..<9000])
        }
        let ratio = try noise(10) / (try noise(40))
        #expect(ratio > 15 && ratio < 45, "\(ratio)")
        #expect(throws: AugmentationError.self) { try Augmentation.mulaw(snrDB: .nan).apply(to: x, sampleRate: 22050, seed: 5, exampleID: "clip") }
    }

    @Test func theTelephonePolicyAddsOneCopyPerLawAndTheStandardOneNone() throws {
        let copies = AugmentationPolicy.telephone.augmentations(seed: 3, exampleID: "abc")
        #expect(copies.map(\.kind) == [.mulaw, .alaw])
        #expect(copies.allSatisfy { (15...35).contains($0.value) })
        #expect(!AugmentationPolicy.standard.augmentations(seed: 3, exampleID: "abc").contains { $0.kind == .mulaw || $0.kind == .alaw })
        let both = AugmentationPolicy.standard.withTelephoneCopies.augmentations(seed: 3, exampleID: "abc")
        // The standard copies are drawn as before; the telephone ones come after.
        #expect(Array(both.prefix(both.count - 2)) == AugmentationPolicy.standard.augmentations(seed: 3, exampleID: "abc"))
        try AugmentationPolicy.telephone.validate()
        // The standard policy encodes as before (no telephone key).
        let json = String(decoding: try JSONEncoder().encode(AugmentationPolicy.standard), as: UTF8.self)
        #expect(!json.contains("telephone"))
    }

    /// GSM 06.10 through libsndfile: the copy keeps the length and the seed replays it; the codec
    /// keeps a speech-band tone (its level within 3 dB, its waveform correlated above 0.9 with the
    /// G.711 copy of the same channel and noise) and the policy adds it as a third copy.
    @Test func gsmCodingIsAThirdTelephoneCopy() throws {
        let x = Self.sine(440, seconds: 0.5)
        let g = Augmentation.gsm(snrDB: 40)
        #expect(g.id == "gsm-snr40")
        #expect(try Augmentation(id: "gsm-snr40") == g)
        let y = try g.apply(to: x, sampleRate: 22050, seed: 5, exampleID: "e")
        #expect(y.count == x.count)
        #expect(try g.apply(to: x, sampleRate: 22050, seed: 5, exampleID: "e") == y)
        #expect(y != x)
        let m = try Augmentation.mulaw(snrDB: 40).apply(to: x, sampleRate: 22050, seed: 5, exampleID: "e")
        let middle = 2000..<9000
        let level = 20 * log10(Self.rms(y[middle]) / Self.rms(m[middle]))
        #expect(abs(level) < 3, "GSM level \(level) dB from the G.711 copy")
        var dot = 0.0, yy = 0.0, mm = 0.0
        for i in middle { dot += Double(y[i]) * Double(m[i]); yy += Double(y[i] * y[i]); mm += Double(m[i] * m[i]) }
        #expect(dot / (yy * mm).squareRoot() > 0.9, "correlation \(dot / (yy * mm).squareRoot())")
        let copies = AugmentationPolicy.telephoneWithGSM.augmentations(seed: 3, exampleID: "abc")
        #expect(copies.map(\.kind) == [.mulaw, .alaw, .gsm])
        #expect(AugmentationPolicy.telephone.augmentations(seed: 3, exampleID: "abc") == Array(copies.prefix(2)))
    }
}
