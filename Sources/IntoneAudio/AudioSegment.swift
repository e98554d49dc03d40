/// Which channel of a recording to read.
public enum ChannelSelection: Hashable, Sendable {
    /// The mean of all channels (librosa's mono mix).
    case mix
    /// One channel, counted from 0.
    case channel(Int)
}

/// Reads a stretch of a file: frames `[start, start + count)` (fewer at the end), as one channel.
public enum AudioSegment {
    public static func read(_ reader: SoundFileReader, start: Int, count: Int, channel: ChannelSelection) throws(AudioError) -> [Float] {
        let channels = reader.info.channels
        guard count > 0, start < reader.info.frames else { return [] }
        if case .channel(let c) = channel, !(0..<channels).contains(c) {
            throw AudioError(file: reader.path, reason: .invalidParameter("channel \(c + 1) asked of a \(channels)-channel file"))
        }
        try reader.seek(toFrame: start)
        let wanted = min(count, reader.info.frames - start)
        var interleaved = [Float](repeating: 0, count: wanted * channels)
        let got = try interleaved.withUnsafeMutableBufferPointer { buf throws(AudioError) in
            try reader.read(into: buf.baseAddress!, frames: wanted)
        }
        switch channel {
        case .mix:
            return interleaved.withUnsafeBufferPointer { mixToMono(UnsafeBufferPointer(rebasing: $0[0..<(got * channels)]), channels: channels) }
        case .channel(let c):
            return (0..<got).map { interleaved[$0 * channels + c] }
        }
    }
}
