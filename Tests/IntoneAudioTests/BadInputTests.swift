import Foundation
import Testing
import IntoneTestSupport
import IntoneAudio

/// Bad input gives a typed error naming the file and the reason, never a crash.
struct BadInputTests {
    @Test func missingFileIsNamed() {
        let path = "/nonexistent/dir/call.wav"
        #expect(throws: AudioError(file: path, reason: .notFound)) { try AudioLoader.load(path: path) }
        #expect(AudioError(file: path, reason: .notFound).description == "/nonexistent/dir/call.wav: no such file")
    }

    @Test func directoryIsRefused() throws {
        let dir = try TemporaryDirectory()
        defer { dir.cleanup() }
        #expect(throws: AudioError(file: dir.path, reason: .isDirectory)) { try AudioLoader.load(path: dir.path) }
    }

    @Test func zeroByteFileIsEmpty() throws {
        let dir = try TemporaryDirectory()
        defer { dir.cleanup() }
        let path = dir.file("empty.wav")
        #expect(FileManager.default.createFile(atPath: path, contents: Data()))
        #expect(throws: AudioError(file: path, reason: .emptyFile)) { try AudioLoader.load(path: path) }
    }

    /// libsndfile keeps a failed open's reason in one process-wide slot; threads failing at once
    /// must each still get their own file's reason (once seen as "No Error." in errors.csv).
    @Test func failuresOnManyThreadsKeepTheirOwnReasons() throws {
        let dir = try TemporaryDirectory()
        defer { dir.cleanup() }
        let good = dir.file("good.wav")
        try AudioWriter.write(AudioSignal(samples: [Float](repeating: 0.1, count: 800), sampleRate: 8000), to: good, as: .wavPCM16)
        let bad = dir.file("bad.wav")
        try Data("not audio at all".utf8).write(to: URL(fileURLWithPath: bad))
        let reasons = Reasons()
        DispatchQueue.concurrentPerform(iterations: 4000) { i in
            if i % 2 == 0 { _ = try? AudioLoader.load(path: good); return }
            do { _ = try AudioLoader.load(path: bad) } catch { reasons.add("\(error)") }
        }
        #expect(reasons.all == ["\(bad): not a readable audio file (Format not recognised.)"])
    }

    @Test func textFileIsNotAudio() throws {
        let dir = try TemporaryDirectory()
        defer { dir.cleanup() }
        let path = dir.file("notes.wav")
        try "this is not audio, just text\n".write(toFile: path, atomically: true, encoding: .utf8)
        let error = try #require(throws: AudioError.self) { try AudioLoader.load(path: path) }
        guard case .notAudio(let why) = error.reason else { Issue.record("got \(error)"); return }
        #expect(error.file == path)
        #expect(!why.isEmpty)
        #expect(error.description.hasPrefix("\(path): not a readable audio file ("))
    }

    @Test func truncatedHeaderIsNotAudio() throws {
        let dir = try TemporaryDirectory()
        defer { dir.cleanup() }
        let source = try Data(contentsOf: URL(fileURLWithPath: Fixtures.audio("tones_16k.wav")))
        for cut in [4, 12, 30] {
            let path = dir.file("cut\(cut).wav")
            try source.prefix(cut).write(to: URL(fileURLWithPath: path))
            let error = try #require(throws: AudioError.self) { try AudioLoader.load(path: path) }
            #expect(error.file == path)
            if case .notAudio = error.reason {} else { Issue.record("cut at \(cut): \(error)") }
        }
    }

    @Test func truncatedDataGivesTheSamplesPresent() throws {
        // A header promising more data than the file holds: libsndfile reads what is there.
        let dir = try TemporaryDirectory()
        defer { dir.cleanup() }
        let source = try Data(contentsOf: URL(fileURLWithPath: Fixtures.audio("tones_16k.wav")))
        let path = dir.file("half.wav")
        try source.prefix(source.count / 2).write(to: URL(fileURLWithPath: path))
        let whole = try AudioLoader.load(path: Fixtures.audio("tones_16k.wav"), sampleRate: nil)
        let half = try AudioLoader.load(path: path, sampleRate: nil)
        #expect(half.samples.count > 0 && half.samples.count < whole.samples.count)
        #expect(Array(whole.samples.prefix(half.samples.count)) == half.samples)
    }

    @Test func offsetPastTheEndIsAClearError() {
        let path = Fixtures.audio("short_0p3s.wav")
        #expect(throws: AudioError(file: path, reason: .offsetBeyondEnd(offset: 0.5, duration: 0.3))) {
            try AudioLoader.load(path: path, offset: 0.5, duration: 3)
        }
        #expect(AudioError(file: "a.wav", reason: .offsetBeyondEnd(offset: 0.5, duration: 0.3)).description
                == "a.wav: offset 0.5 s is at or past the end of the audio (0.3 s long)")
    }

    @Test func headerWithNoSamplesIsRefused() throws {
        let dir = try TemporaryDirectory()
        defer { dir.cleanup() }
        let path = dir.file("nothing.wav")
        // A valid 44-byte WAV header declaring zero data bytes.
        var header = Data("RIFF".utf8)
        header.append(contentsOf: le32(36)); header.append(contentsOf: Data("WAVEfmt ".utf8))
        header.append(contentsOf: le32(16)); header.append(contentsOf: le16(1)); header.append(contentsOf: le16(1))
        header.append(contentsOf: le32(16000)); header.append(contentsOf: le32(32000))
        header.append(contentsOf: le16(2)); header.append(contentsOf: le16(16))
        header.append(contentsOf: Data("data".utf8)); header.append(contentsOf: le32(0))
        try header.write(to: URL(fileURLWithPath: path))
        #expect(throws: AudioError(file: path, reason: .noSamples)) { try AudioLoader.load(path: path) }
    }

    @Test func invalidParametersAreRefused() {
        let path = Fixtures.audio("tones_16k.wav")
        #expect(throws: AudioError.self) { try AudioLoader.load(path: path, offset: -1) }
        #expect(throws: AudioError.self) { try AudioLoader.load(path: path, duration: 0) }
        #expect(throws: AudioError.self) { try AudioLoader.load(path: path, sampleRate: 0) }
    }

    private func le32(_ v: UInt32) -> [UInt8] { withUnsafeBytes(of: v.littleEndian) { Array($0) } }
    private func le16(_ v: UInt16) -> [UInt8] { withUnsafeBytes(of: v.littleEndian) { Array($0) } }
}

final class Reasons: @unchecked Sendable {
    private var set: Set<String> = []
    private let lock = NSLock()
    func add(_ s: String) { lock.withLock { _ = set.insert(s) } }
    var all: [String] { lock.withLock { set.sorted() } }
}
