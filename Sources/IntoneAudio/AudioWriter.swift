import CSndfile

/// Writes audio files with libsndfile (fixtures, synthetic corpora, test inputs).
public enum AudioWriter {
    /// Writes `channels` (one array per channel, equal lengths) at `sampleRate` Hz to `path` as `type`.
    ///
    /// Samples are floats in [-1, 1]; integer encodings are scaled and clipped by libsndfile.
    /// - Throws: `AudioError.Reason.writeFailed` naming the file (unsupported rate for the format,
    ///   unwritable folder...).
    public static func write(channels: [[Float]], sampleRate: Int, to path: String, as type: AudioFileType) throws(AudioError) {
        guard let frames = channels.first?.count, channels.allSatisfy({ $0.count == frames }) else {
            throw AudioError(file: path, reason: .writeFailed("channels must be non-empty and of equal length"))
        }
        var info = SF_INFO()
        info.samplerate = Int32(sampleRate)
        info.channels = Int32(channels.count)
        info.format = type.formatCode
        guard sf_format_check(&info) != 0 else {
            throw AudioError(file: path, reason: .writeFailed("libsndfile cannot write \(type.rawValue) with \(channels.count) channel(s) at \(sampleRate) Hz"))
        }
        guard let handle = sf_open(path, Int32(SFM_WRITE), &info) else {
            throw AudioError(file: path, reason: .writeFailed(String(cString: sf_strerror(nil))))
        }
        defer { sf_close(handle) }
        // Let libsndfile clip out-of-range floats for integer encodings instead of wrapping.
        sf_command(handle, Int32(SFC_SET_CLIPPING), nil, Int32(SF_TRUE))
        let n = channels.count
        var interleaved = [Float](repeating: 0, count: frames * n)
        for (c, channel) in channels.enumerated() {
            for f in 0..<frames { interleaved[f * n + c] = channel[f] }
        }
        let written = sf_writef_float(handle, interleaved, sf_count_t(frames))
        if written != frames {
            throw AudioError(file: path, reason: .writeFailed(String(cString: sf_strerror(handle))))
        }
    }

    /// Writes one mono signal.
    public static func write(_ signal: AudioSignal, to path: String, as type: AudioFileType) throws(AudioError) {
        try write(channels: [signal.samples], sampleRate: signal.sampleRate, to: path, as: type)
    }
}
