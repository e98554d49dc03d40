/// Loads audio the way `librosa.load` does, so features computed from it match a user's Python results.
public enum AudioLoader {
    /// Decodes `path`, mixes to mono and resamples: `librosa.load(path, sr=sampleRate, offset=offset, duration=duration)`.
    ///
    /// - Parameters:
    ///   - path: any file libsndfile reads (WAV of any encoding, FLAC, Ogg Vorbis/Opus, MP3, AIFF...).
    ///   - sampleRate: target rate in Hz; `nil` keeps the file's own rate (librosa's `sr=None`).
    ///     Default 22,050 Hz, librosa's default.
    ///   - offset: seconds to skip; the first frame read is `Int(offset * nativeRate)` (truncation), as librosa.
    ///   - duration: seconds to read, `Int(duration * nativeRate)` frames at most; `nil` reads to the end.
    ///     A file shorter than `offset + duration` gives a shorter signal (not padded), as librosa.
    /// - Throws: `AudioError` naming the file: unreadable or non-audio input, a file with no samples,
    ///   or an offset at or past the end of the audio (librosa is inconsistent there; Intone always refuses).
    public static func load(
        path: String, sampleRate: Int? = 22_050, offset: Double = 0, duration: Double? = nil
    ) throws(AudioError) -> AudioSignal {
        guard offset >= 0, offset.isFinite else {
            throw AudioError(file: path, reason: .invalidParameter("offset must be a non-negative number of seconds (got \(offset))"))
        }
        if let duration, !(duration > 0 && duration.isFinite) {
            throw AudioError(file: path, reason: .invalidParameter("duration must be a positive number of seconds (got \(duration))"))
        }
        if let sampleRate, sampleRate <= 0 {
            throw AudioError(file: path, reason: .invalidParameter("sample rate must be positive (got \(sampleRate))"))
        }
        let reader = try SoundFileReader(path: path)
        let info = reader.info
        if info.frames == 0 { throw AudioError(file: path, reason: .noSamples) }
        // In floating point first: offset × rate can exceed every Int (an offset of 1e15 s).
        let startFrame = (offset * Double(info.sampleRate)).rounded(.towardZero)
        if startFrame >= Double(info.frames) {
            throw AudioError(file: path, reason: .offsetBeyondEnd(offset: offset, duration: info.duration))
        }
        let start = Int(startFrame)
        if start > 0 { try reader.seek(toFrame: start) }
        let available = info.frames - start
        let wanted = duration.map { Int(min(($0 * Double(info.sampleRate)).rounded(.towardZero), Double(available))) } ?? available
        if wanted == 0 { throw AudioError(file: path, reason: .noSamples) }

        var interleaved = [Float](repeating: 0, count: wanted * info.channels)
        let got = try interleaved.withUnsafeMutableBufferPointer { buf throws(AudioError) in
            try reader.read(into: buf.baseAddress!, frames: wanted)
        }
        if got == 0 { throw AudioError(file: path, reason: .noSamples) }
        let mono = interleaved.withUnsafeBufferPointer { mixToMono(UnsafeBufferPointer(rebasing: $0[0..<(got * info.channels)]), channels: info.channels) }

        guard let target = sampleRate, target != info.sampleRate else {
            return AudioSignal(samples: mono, sampleRate: info.sampleRate)
        }
        let resampled = try Resampler.resample(mono, from: Double(info.sampleRate), to: Double(target), label: path)
        return AudioSignal(samples: resampled, sampleRate: target)
    }

    /// Reads the header of `path` without decoding it.
    public static func info(path: String) throws(AudioError) -> AudioInfo {
        try SoundFileReader(path: path).info
    }
}
