import Foundation
import Testing
import IntoneTestSupport
import IntoneAudio

/// Decoding and resampling against `librosa.load` on the committed fixtures.
struct LoaderTests {
    @Test(arguments: Fixtures.stems)
    func decodingMatchesLibrosaExactly(_ stem: String) throws {
        // Same libsndfile float conversion and the same channel mean: identical samples.
        let signal = try AudioLoader.load(path: Fixtures.audio(Fixtures.fileName(stem)), sampleRate: nil)
        let ref = try Fixtures.reference(stem, "native")
        #expect(signal.samples.count == ref.values.count)
        #expect(signal.samples == ref.values)
    }

    @Test(arguments: Fixtures.stems)
    func loadWithOffsetDurationAndResamplingMatchesLibrosa(_ stem: String) throws {
        // librosa.load(path, sr=22050, offset=0.5, duration=3.0) with soxr_hq.
        let signal = try AudioLoader.load(path: Fixtures.audio(Fixtures.fileName(stem)), sampleRate: 22050, offset: 0.5, duration: 3.0)
        let ref = try Fixtures.reference(stem, "load")
        #expect(signal.sampleRate == 22050)
        #expect(signal.samples.count == ref.values.count)
        // Debian's libsoxr 0.1.3 and python-soxr's bundled copy agree to within float rounding.
        let diff = maxAbsDifference(signal.samples, ref.values)
        #expect(diff <= 1e-6, "max |Δ| = \(diff)")
    }

    @Test func infoReadsTheHeader() throws {
        let info = try AudioLoader.info(path: Fixtures.audio("stereo_8bit_11k.wav"))
        #expect(info.sampleRate == 11025)
        #expect(info.channels == 2)
        #expect(info.frames == 16538)
        #expect(info.format.container.hasPrefix("WAV"))
        #expect(info.format.encoding.contains("8"))
    }

    @Test func streamedBlocksEqualWholeFileLoad() throws {
        for (name, rate) in [("speech_8k_ulaw.wav", 22050), ("stereo_48k.wav", 16000), ("tones_16k.wav", 16000)] {
            let path = Fixtures.audio(name)
            let whole = try AudioLoader.load(path: path, sampleRate: rate)
            // Block sizes that do not divide the file length, including a tiny one.
            for block in [1000, 4096, 100_000] {
                let stream = try AudioBlockStream(path: path, blockFrames: block, sampleRate: rate)
                var joined: [Float] = []
                while let b = try stream.next() { joined += b[0] }
                #expect(joined.count == whole.samples.count, "\(name) block \(block)")
                #expect(maxAbsDifference(joined, whole.samples) <= 1e-6, "\(name) block \(block)")
            }
        }
    }

    @Test func splitChannelsStreamEachChannel() throws {
        let path = Fixtures.audio("stereo_48k.wav")
        let stream = try AudioBlockStream(path: path, blockFrames: 5000, channels: .split)
        var left: [Float] = [], right: [Float] = []
        while let b = try stream.next() { left += b[0]; right += b[1] }
        #expect(left.count == 48000 && right.count == 48000)
        // The mean of the split channels is the mono mix.
        let mono = try AudioLoader.load(path: path, sampleRate: nil).samples
        let mixed = zip(left, right).map { ($0 + $1) / 2 }
        #expect(mixed == mono)
        #expect(left != right)
    }

    @Test func chunkedResamplingEqualsOneShot() throws {
        let x = (0..<20000).map { Float(sin(Double($0) * 0.01)) * 0.5 }
        let oneShot = try Resampler.resample(x, from: 16000, to: 22050)
        #expect(oneShot.count == Int((20000.0 * 22050 / 16000).rounded(.up)))
        let stream = try StreamingResampler(from: 16000, to: 22050)
        var out: [Float] = []
        var i = 0
        for size in [1, 777, 5000, 3, 10000] where i < x.count {
            let end = min(i + size, x.count)
            try x[i..<end].withUnsafeBufferPointer { try stream.process($0, last: false, into: &out) }
            i = end
        }
        try x[i...].withUnsafeBufferPointer { try stream.process($0, last: true, into: &out) }
        #expect(out.count >= oneShot.count)
        #expect(maxAbsDifference(Array(out.prefix(oneShot.count)), oneShot) == 0)
    }
}

/// Long recordings are read in bounded blocks.
struct StreamingTests {
    @Test func tenMinuteCallStreamsInBoundedBlocks() throws {
        let dir = try TemporaryDirectory()
        defer { dir.cleanup() }
        let path = dir.file("call.wav")
        // 10 minutes of 8 kHz mu-law telephony, written a second at a time.
        let writer = try AudioFileWriter(path: path, sampleRate: 8000, channels: 1, type: .wavULaw)
        for s in 0..<600 {
            let second = (0..<8000).map { i in Float(0.3 * sin(Double(s * 8000 + i) * 0.07)) }
            try writer.write([second])
        }
        try writer.close()
        #expect(try AudioLoader.info(path: path).frames == 4_800_000)

        let block = 8000
        let stream = try AudioBlockStream(path: path, blockFrames: block, sampleRate: 16000)
        var total = 0, largest = 0, blocks = 0
        while let b = try stream.next() {
            total += b[0].count
            largest = max(largest, b[0].count)
            blocks += 1
        }
        #expect(total == 9_600_000)
        // Each block is one input block resampled (2 x 8000) plus at most the filter's pending tail.
        #expect(largest <= 2 * block + 1024, "largest block \(largest)")
        #expect(blocks >= 600)
    }
}
