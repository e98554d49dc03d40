import CSndfile
#if canImport(Glibc)
import Glibc
#endif

/// What a file holds, read from its header without decoding it.
public struct AudioInfo: Equatable, Sendable {
    /// Frames (samples per channel) in the file.
    public let frames: Int
    /// Sampling rate in Hz.
    public let sampleRate: Int
    /// Number of interleaved channels.
    public let channels: Int
    /// Container and encoding.
    public let format: AudioFormat

    /// Duration in seconds (`frames / sampleRate`).
    public var duration: Double { sampleRate > 0 ? Double(frames) / Double(sampleRate) : 0 }
}

/// An open libsndfile handle for reading: the thin owning wrapper around `SNDFILE*`.
///
/// `@unchecked Sendable` because the handle is only ever used by one caller at a
/// time (the reader that owns it); libsndfile handles are not shared across threads.
/// The handle is closed in `deinit`.
public final class SoundFileReader: @unchecked Sendable {
    /// The path as given by the caller (used in error messages).
    public let path: String
    /// Header information.
    public let info: AudioInfo
    private let handle: OpaquePointer
    /// The frame the next read starts at (tracked here: some encodings, GSM 06.10 in WAV for one,
    /// cannot seek at all, and a seek to where the reader already is must not fail for them).
    public private(set) var position = 0

    /// Opens `path` for reading.
    ///
    /// - Throws: `AudioError` naming the file: `.notFound`, `.isDirectory`, `.emptyFile`,
    ///   `.unreadable`, or `.notAudio` with libsndfile's own reason.
    public init(path: String) throws(AudioError) {
        self.path = path
        var st = stat()
        if stat(path, &st) != 0 {
            let code = errno
            if code == ENOENT || code == ENOTDIR { throw AudioError(file: path, reason: .notFound) }
            throw AudioError(file: path, reason: .unreadable(String(cString: strerror(code))))
        }
        if (st.st_mode & S_IFMT) == S_IFDIR { throw AudioError(file: path, reason: .isDirectory) }
        // Opening a FIFO with no writer blocks forever; devices and sockets are no recordings either.
        if (st.st_mode & S_IFMT) != S_IFREG { throw AudioError(file: path, reason: .unreadable("not a regular file (a FIFO, socket or device)")) }
        if st.st_size == 0 { throw AudioError(file: path, reason: .emptyFile) }
        if access(path, R_OK) != 0 {
            throw AudioError(file: path, reason: .unreadable(String(cString: strerror(errno))))
        }
        var sfInfo = SF_INFO()
        let h: OpaquePointer
        switch SoundFileOpening.open(path, mode: Int32(SFM_READ), info: &sfInfo) {
        case .success(let handle): h = handle
        case .failure(let failure): throw AudioError(file: path, reason: .notAudio(failure.message))
        }
        // Below 1 kHz nothing is speech, and resampling a few bytes claiming 1 Hz to 22 kHz makes
        // hundreds of megabytes; more than 1,024 channels is no recording either.
        guard (1...1024).contains(sfInfo.channels), (Self.minimumSampleRate...Self.maximumSampleRate).contains(Int(sfInfo.samplerate)) else {
            sf_close(h)
            throw AudioError(file: path, reason: .notAudio("header declares \(sfInfo.channels) channels at \(sfInfo.samplerate) Hz "
                                                           + "(Intone reads 1-1024 channels at \(Self.minimumSampleRate)-\(Self.maximumSampleRate) Hz)"))
        }
        // Make float reads of integer files scale to [-1, 1) exactly as soundfile (and librosa) do.
        sf_command(h, Int32(SFC_SET_NORM_FLOAT), nil, Int32(SF_TRUE))
        handle = h
        info = AudioInfo(
            frames: sfInfo.frames < 0 ? 0 : Int(sfInfo.frames),
            sampleRate: Int(sfInfo.samplerate),
            channels: Int(sfInfo.channels),
            format: AudioFormat(code: sfInfo.format)
        )
    }

    deinit { sf_close(handle) }

    /// The sample rates a recording may declare.
    public static let minimumSampleRate = 1_000
    public static let maximumSampleRate = 1_536_000

    /// Moves the read position to `frame` (from the start).
    public func seek(toFrame frame: Int) throws(AudioError) {
        if frame == position { return }
        if sf_seek(handle, sf_count_t(frame), SEEK_SET) >= 0 {
            position = frame
            return
        }
        // Some encodings cannot seek (GSM 06.10 in WAV): decode forward from here and drop the frames.
        guard frame > position else {
            throw AudioError(file: path, reason: .decodeFailed("cannot seek back to frame \(frame): \(lastError)"))
        }
        let block = 8192
        var scratch = [Float](repeating: 0, count: block * info.channels)
        while position < frame {
            let got = try scratch.withUnsafeMutableBufferPointer { buffer throws(AudioError) in
                try read(into: buffer.baseAddress!, frames: min(block, frame - position))
            }
            if got == 0 { throw AudioError(file: path, reason: .decodeFailed("cannot reach frame \(frame): the audio ends at frame \(position)")) }
        }
    }

    /// Reads up to `frames` interleaved frames into `buffer` (which must hold `frames * channels` floats).
    ///
    /// - Returns: the number of frames read; fewer than asked only at the end of the file.
    public func read(into buffer: UnsafeMutablePointer<Float>, frames: Int) throws(AudioError) -> Int {
        let got = sf_readf_float(handle, buffer, sf_count_t(frames))
        if got < 0 || (got < frames && sf_error(handle) != SF_ERR_NO_ERROR) {
            throw AudioError(file: path, reason: .decodeFailed(lastError))
        }
        position += Int(got)
        return Int(got)
    }

    private var lastError: String { String(cString: sf_strerror(handle)) }
}
