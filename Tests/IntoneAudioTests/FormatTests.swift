import Foundation
import Testing
import IntoneTestSupport
import IntoneAudio

/// Every format libsndfile reads, written by libsndfile and decoded back.
struct FormatTests {
    /// 0.5 s of a 440 Hz tone with a quieter 1.3 kHz partial.
    static func tone(rate: Int, seconds: Double = 0.5) -> [Float] {
        (0..<Int(Double(rate) * seconds)).map { i in
            let t = Double(i) / Double(rate)
            return Float(0.4 * sin(2 * Double.pi * 440 * t) + 0.1 * sin(2 * Double.pi * 1300 * t))
        }
    }

    /// Signal-to-error ratio in dB of `decoded` against `reference` (over the common length).
    static func snr(_ decoded: [Float], _ reference: [Float]) -> Double {
        let n = min(decoded.count, reference.count)
        var s = 0.0, e = 0.0
        for i in 0..<n { s += Double(reference[i] * reference[i]); let d = Double(decoded[i] - reference[i]); e += d * d }
        return 10 * log10(s / max(e, 1e-30))
    }

    @Test(arguments: [
        (AudioFileType.wavPCMU8, 33.0), (.wavPCM16, 80.0), (.wavPCM24, 130.0), (.wavPCM32, 130.0),
        (.wavFloat, 200.0), (.wavULaw, 30.0), (.wavALaw, 30.0), (.flac, 80.0),
    ])
    // Thresholds sit a few dB under what libsndfile's quantisation gives for this 0.29-rms tone.
    func losslessAndCompandedFormatsRoundTrip(_ type: AudioFileType, minimumSNR: Double) throws {
        let dir = try TemporaryDirectory()
        defer { dir.cleanup() }
        let rate = (type == .wavULaw || type == .wavALaw) ? 8000 : 16000
        let x = Self.tone(rate: rate)
        let path = dir.file("t.\(type.fileExtension)")
        try AudioWriter.write(AudioSignal(samples: x, sampleRate: rate), to: path, as: type)
        let y = try AudioLoader.load(path: path, sampleRate: nil)
        #expect(y.sampleRate == rate)
        #expect(y.samples.count == x.count)
        let snr = Self.snr(y.samples, x)
        #expect(snr >= minimumSNR, "\(type): SNR \(snr) dB")
    }

    @Test(arguments: [AudioFileType.oggVorbis, .oggOpus, .mp3])
    func lossyFormatsDecode(_ type: AudioFileType) throws {
        let dir = try TemporaryDirectory()
        defer { dir.cleanup() }
        let rate = type == .oggOpus ? 48000 : 44100
        let x = Self.tone(rate: rate, seconds: 1.0)
        let path = dir.file("t.\(type.fileExtension)")
        try AudioWriter.write(AudioSignal(samples: x, sampleRate: rate), to: path, as: type)
        let y = try AudioLoader.load(path: path, sampleRate: 22050)
        // Lossy codecs add delay and padding: check length and level, not samples.
        #expect(abs(Double(y.samples.count) - 22050) < 22050 * 0.1, "\(type): \(y.samples.count) samples")
        let rms = (y.samples.map { Double($0 * $0) }.reduce(0, +) / Double(y.samples.count)).squareRoot()
        let expected = ((0.4 * 0.4 + 0.1 * 0.1) / 2).squareRoot()
        #expect(abs(rms - expected) / expected < 0.15, "\(type): rms \(rms)")
    }

    @Test func multichannelIsMixedByTheMean() throws {
        let dir = try TemporaryDirectory()
        defer { dir.cleanup() }
        let a = Self.tone(rate: 16000), b = a.map { -0.5 * $0 }, c = [Float](repeating: 0.25, count: a.count)
        let path = dir.file("three.wav")
        try AudioWriter.write(channels: [a, b, c], sampleRate: 16000, to: path, as: .wavFloat)
        let y = try AudioLoader.load(path: path, sampleRate: nil)
        let expected = a.indices.map { (a[$0] + b[$0] + c[$0]) / 3 }
        #expect(y.samples == expected)
    }

    @Test func writingAnImpossibleFormatIsAClearError() throws {
        let dir = try TemporaryDirectory()
        defer { dir.cleanup() }
        let path = dir.file("bad.ogg")
        // Opus only supports 8, 12, 16, 24 and 48 kHz.
        let error = try #require(throws: AudioError.self) {
            try AudioWriter.write(AudioSignal(samples: [0, 0.1], sampleRate: 44100), to: path, as: .oggOpus)
        }
        #expect(error.file == path)
    }
}
