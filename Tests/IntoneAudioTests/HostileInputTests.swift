import Foundation
import Testing
import IntoneTestSupport
import IntoneAudio
import IntoneFormats

/// Files and parameters chosen to break the reader: each is a typed error naming the file, never
/// a trap, a hang or hundreds of megabytes.
struct HostileInputTests {
    static func tone(_ path: String, rate: Int = 8000, seconds: Double = 1, as type: AudioFileType = .wavPCM16) throws {
        let samples = (0..<Int(Double(rate) * seconds)).map { Float(sin(Double($0) * 0.05) * 0.3) }
        try AudioWriter.write(AudioSignal(samples: samples, sampleRate: rate), to: path, as: type)
    }

    /// An offset or duration whose frame count exceeds every Int (it trapped in the conversion).
    @Test func anOffsetOrDurationOfAThousandMillenniaIsAnError() throws {
        let dir = try TemporaryDirectory()
        defer { dir.cleanup() }
        let path = dir.file("a.wav")
        try Self.tone(path)
        #expect(throws: AudioError(file: path, reason: .offsetBeyondEnd(offset: 1e15, duration: 1))) { try AudioLoader.load(path: path, offset: 1e15) }
        #expect(throws: AudioError(file: path, reason: .offsetBeyondEnd(offset: 1e300, duration: 1))) { try AudioLoader.load(path: path, offset: 1e300) }
        let whole = try AudioLoader.load(path: path, sampleRate: nil, duration: 1e300)
        #expect(whole.samples.count == 8000)
    }

    /// A FIFO named like audio: opening one with no writer blocks forever (`intone extract` hung).
    @Test func aFIFOIsRefusedWithoutBlocking() throws {
        let dir = try TemporaryDirectory()
        defer { dir.cleanup() }
        let path = dir.file("x.wav")
        #expect(mkfifo(path, 0o600) == 0)
        #expect(throws: AudioError(file: path, reason: .unreadable("not a regular file (a FIFO, socket or device)"))) { try AudioLoader.load(path: path) }
        #expect(throws: FileReadError(path: path, reason: "not a regular file (a directory, FIFO, socket or device)")) { try SHA256.hex(ofFile: path) }
    }

    /// A symbolic link loop says so (it was reported as a missing file).
    @Test func aSymbolicLinkLoopIsNamedAsOne() throws {
        let dir = try TemporaryDirectory()
        defer { dir.cleanup() }
        let a = dir.file("a.wav"), b = dir.file("b.wav")
        try FileManager.default.createSymbolicLink(atPath: a, withDestinationPath: b)
        try FileManager.default.createSymbolicLink(atPath: b, withDestinationPath: a)
        #expect(throws: AudioError(file: a, reason: .unreadable("Too many levels of symbolic links"))) { try AudioLoader.load(path: a) }
        #expect(throws: FileReadError(path: a, reason: "Too many levels of symbolic links")) { try SHA256.hex(ofFile: a) }
    }

    /// 2 KB claiming 1 Hz became 325 MB once resampled to 22,050 Hz.
    @Test func aHeaderClaimingOneHertzIsNotAudio() throws {
        let dir = try TemporaryDirectory()
        defer { dir.cleanup() }
        let path = dir.file("slow.wav")
        var wav = Data()
        func le32(_ v: UInt32) { withUnsafeBytes(of: v.littleEndian) { wav.append(contentsOf: $0) } }
        func le16(_ v: UInt16) { withUnsafeBytes(of: v.littleEndian) { wav.append(contentsOf: $0) } }
        let samples = 1000
        wav.append(contentsOf: Array("RIFF".utf8)); le32(UInt32(36 + samples * 2)); wav.append(contentsOf: Array("WAVEfmt ".utf8))
        le32(16); le16(1); le16(1); le32(1); le32(2); le16(2); le16(16)   // PCM, mono, 1 Hz, 2 bytes/s
        wav.append(contentsOf: Array("data".utf8)); le32(UInt32(samples * 2)); wav.append(Data(count: samples * 2))
        try wav.write(to: URL(fileURLWithPath: path))
        #expect {
            try AudioLoader.load(path: path)
        } throws: { error in
            "\(error)".contains("1 channels at 1 Hz") && "\(error)".contains("1000-1536000 Hz")
        }
    }

    /// GSM 06.10 cannot seek: an offset is reached by decoding from the start (it failed with
    /// "cannot seek ... unseekable file type"); the samples are those of a load from the start.
    @Test func anOffsetIntoAnUnseekableGSMFileDecodesForward() throws {
        let dir = try TemporaryDirectory()
        defer { dir.cleanup() }
        let path = dir.file("gsm.wav")
        try Self.tone(path, seconds: 2, as: .wavGSM610)
        let all = try AudioLoader.load(path: path, sampleRate: nil)
        let late = try AudioLoader.load(path: path, sampleRate: nil, offset: 0.5, duration: 1)
        #expect(late.samples.count == 8000)
        #expect(late.samples == Array(all.samples[4000..<12000]))
    }
}
