/// Reads a long recording block by block with memory bounded by the block size, whatever the file length.
///
/// Each block is decoded, mixed down (or split into channels) and, when a target rate is given,
/// resampled by a streaming soxr converter; concatenating the blocks gives the same samples as
/// `AudioLoader.load(path:sampleRate:)` on the whole file. A two-hour call at 8 kHz is read in
/// blocks of `blockFrames` input frames; memory is a few blocks, not the file.
public final class AudioBlockStream {
    /// How channels are delivered.
    public enum ChannelMode: Sendable {
        /// One channel: the mean over channels (librosa's mono mix).
        case mix
        /// Every channel separately (e.g. agent and customer on a stereo call).
        case split
    }

    /// Header information of the file.
    public let info: AudioInfo
    /// Rate of the delivered samples, in Hz.
    public let outputRate: Int
    /// Channels delivered per block: 1 for `.mix`, the file's channel count for `.split`.
    public let outputChannels: Int

    private let reader: SoundFileReader
    private let mode: ChannelMode
    private let blockFrames: Int
    private let resampler: StreamingResampler?
    private var interleaved: [Float]
    private var finished = false
    /// Output samples (per channel) delivered so far.
    public private(set) var deliveredFrames = 0

    /// Opens `path` for streaming.
    ///
    /// - Parameters:
    ///   - blockFrames: input frames decoded per block (default 65,536: about 8 s at 8 kHz).
    ///   - sampleRate: output rate; `nil` keeps the file's rate.
    ///   - channels: `.mix` (default) or `.split`.
    public init(path: String, blockFrames: Int = 65_536, sampleRate: Int? = nil, channels: ChannelMode = .mix) throws(AudioError) {
        guard blockFrames > 0 else {
            throw AudioError(file: path, reason: .invalidParameter("block size must be positive"))
        }
        reader = try SoundFileReader(path: path)
        info = reader.info
        if info.frames == 0 { throw AudioError(file: path, reason: .noSamples) }
        mode = channels
        self.blockFrames = blockFrames
        outputChannels = channels == .mix ? 1 : info.channels
        outputRate = sampleRate ?? info.sampleRate
        if outputRate != info.sampleRate {
            resampler = try StreamingResampler(from: Double(info.sampleRate), to: Double(outputRate), channels: outputChannels, label: path)
        } else {
            resampler = nil
        }
        interleaved = [Float](repeating: 0, count: blockFrames * info.channels)
    }

    /// The total number of output frames the whole file gives (`ceil(frames * out / in)` when resampling).
    public var expectedOutputFrames: Int {
        if outputRate == info.sampleRate { return info.frames }
        return Int((Double(info.frames) * Double(outputRate) / Double(info.sampleRate)).rounded(.up))
    }

    /// The next block: one array per delivered channel, all the same length; `nil` at the end.
    ///
    /// A block may be empty-free but shorter than `blockFrames` (resampler delay, end of file).
    public func next() throws(AudioError) -> [[Float]]? {
        while !finished {
            let got = try interleaved.withUnsafeMutableBufferPointer { buf throws(AudioError) in
                try reader.read(into: buf.baseAddress!, frames: blockFrames)
            }
            let isLast = got < blockFrames
            let frameData: [Float] = interleaved.withUnsafeBufferPointer { buf in
                let used = UnsafeBufferPointer(rebasing: buf[0..<(got * info.channels)])
                return mode == .mix ? mixToMono(used, channels: info.channels) : Array(used)
            }
            var out: [Float]
            if let resampler {
                out = []
                try frameData.withUnsafeBufferPointer { input throws(AudioError) in
                    try resampler.process(input, last: isLast, into: &out)
                }
            } else {
                out = frameData
            }
            if isLast { finished = true }
            var frames = out.count / outputChannels
            if finished && resampler != nil {
                // librosa's fix_length: the whole signal is exactly ceil(n * out / in) samples.
                let remaining = expectedOutputFrames - deliveredFrames
                if frames > remaining {
                    out.removeLast((frames - remaining) * outputChannels)
                    frames = remaining
                } else if frames < remaining {
                    out.append(contentsOf: [Float](repeating: 0, count: (remaining - frames) * outputChannels))
                    frames = remaining
                }
            }
            if frames == 0 { continue }
            deliveredFrames += frames
            return deinterleave(out, channels: outputChannels)
        }
        return nil
    }

    private func deinterleave(_ x: [Float], channels: Int) -> [[Float]] {
        if channels == 1 { return [x] }
        let frames = x.count / channels
        return (0..<channels).map { c in
            [Float](unsafeUninitializedCapacity: frames) { out, n in
                for f in 0..<frames { out[f] = x[f * channels + c] }
                n = frames
            }
        }
    }
}
