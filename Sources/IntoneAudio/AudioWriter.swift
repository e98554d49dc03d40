import CSndfile

/// Writes an audio file block by block with libsndfile: the thin owning wrapper around a
/// `SNDFILE*` opened for writing (closed, and the header finalised, by `close()` or `deinit`).
///
/// Memory stays bounded by the block size, so a two-hour test call can be generated without
/// holding it. `@unchecked Sendable`: one owner writes at a time.
public final class AudioFileWriter: @unchecked Sendable {
    /// The path being written.
    public let path: String
    /// Channels per frame.
    public let channels: Int
    private var handle: OpaquePointer?
    private var interleaved: [Float] = []

    /// Creates (or truncates) `path` for `channels` channels at `sampleRate` Hz in `type`.
    ///
    /// - Throws: `AudioError.Reason.writeFailed` naming the file (format that cannot hold this
    ///   rate or channel count, unwritable folder...).
    public init(path: String, sampleRate: Int, channels: Int, type: AudioFileType) throws(AudioError) {
        self.path = path
        self.channels = channels
        var info = SF_INFO()
        info.samplerate = Int32(sampleRate)
        info.channels = Int32(channels)
        info.format = type.formatCode
        guard channels > 0, sf_format_check(&info) != 0 else {
            throw AudioError(file: path, reason: .writeFailed("libsndfile cannot write \(type.rawValue) with \(channels) channel(s) at \(sampleRate) Hz"))
        }
        let h: OpaquePointer
        switch SoundFileOpening.open(path, mode: Int32(SFM_WRITE), info: &info) {
        case .success(let handle): h = handle
        case .failure(let failure): throw AudioError(file: path, reason: .writeFailed(failure.message))
        }
        // Clip out-of-range floats for integer encodings instead of wrapping.
        sf_command(h, Int32(SFC_SET_CLIPPING), nil, Int32(SF_TRUE))
        handle = h
    }

    deinit { if let handle { sf_close(handle) } }

    /// Appends one block: an array per channel, all the same length, samples in [-1, 1].
    public func write(_ block: [[Float]]) throws(AudioError) {
        guard let handle else { throw AudioError(file: path, reason: .writeFailed("file already closed")) }
        guard block.count == channels, let frames = block.first?.count, block.allSatisfy({ $0.count == frames }) else {
            throw AudioError(file: path, reason: .writeFailed("expected \(channels) channel(s) of equal length"))
        }
        if channels == 1 {
            if sf_writef_float(handle, block[0], sf_count_t(frames)) != frames {
                throw AudioError(file: path, reason: .writeFailed(String(cString: sf_strerror(handle))))
            }
            return
        }
        if interleaved.count < frames * channels { interleaved = [Float](repeating: 0, count: frames * channels) }
        for (c, channel) in block.enumerated() {
            for f in 0..<frames { interleaved[f * channels + c] = channel[f] }
        }
        if sf_writef_float(handle, interleaved, sf_count_t(frames)) != frames {
            throw AudioError(file: path, reason: .writeFailed(String(cString: sf_strerror(handle))))
        }
    }

    /// Finalises the header and closes the file.
    public func close() throws(AudioError) {
        guard let h = handle else { return }
        handle = nil
        if sf_close(h) != 0 { throw AudioError(file: path, reason: .writeFailed("closing failed")) }
    }
}

/// Writes whole signals (fixtures, synthetic corpora, test inputs).
public enum AudioWriter {
    /// Writes `channels` (one array per channel, equal lengths) at `sampleRate` Hz to `path` as `type`.
    public static func write(channels: [[Float]], sampleRate: Int, to path: String, as type: AudioFileType) throws(AudioError) {
        let writer = try AudioFileWriter(path: path, sampleRate: sampleRate, channels: channels.count, type: type)
        try writer.write(channels)
        try writer.close()
    }

    /// Writes one mono signal.
    public static func write(_ signal: AudioSignal, to path: String, as type: AudioFileType) throws(AudioError) {
        try write(channels: [signal.samples], sampleRate: signal.sampleRate, to: path, as: type)
    }
}
