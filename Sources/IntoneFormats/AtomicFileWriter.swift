import Foundation

/// A file written piece by piece that appears under its name only when complete: the bytes go to
/// `<path>.partial` (see `AtomicFile`), and `commit()` renames it over `path`. For outputs too large
/// to build in memory first (a scoring run's windows.csv over thousands of calls).
///
/// Not thread-safe: one writer, one thread.
public final class AtomicFileWriter {
    /// The final path.
    public let path: String
    private var fd: Int32
    private var buffer: [UInt8] = []
    private let bufferLimit = 1 << 20

    /// Creates `<path>.partial` with `mode` less the umask (0644; 0600 for a secret, which is then
    /// never readable by others, not even for a moment).
    public init(path: String, mode: mode_t = 0o644) throws {
        self.path = path
        // POSIX open, not FileManager.createFile: Foundation's createFile itself writes through a
        // temporary file with an unpredictable name, which a kill at the wrong moment leaves behind.
        // A leftover partial file keeps its old mode through O_TRUNC: remove it first.
        unlink(path + AtomicFile.partialSuffix)
        fd = open(path + AtomicFile.partialSuffix, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode)
        guard fd >= 0 else { throw Self.failure(path + AtomicFile.partialSuffix, errno) }
        buffer.reserveCapacity(bufferLimit)
    }

    deinit { if fd >= 0 { abandon() } }

    /// Appends bytes.
    public func append(_ bytes: UnsafeRawBufferPointer) throws {
        buffer.append(contentsOf: bytes)
        if buffer.count >= bufferLimit { try flush() }
    }

    /// Appends the UTF-8 bytes of `text`.
    public func append(_ text: String) throws {
        buffer.append(contentsOf: text.utf8)
        if buffer.count >= bufferLimit { try flush() }
    }

    /// Appends bytes.
    public func append(_ bytes: [UInt8]) throws {
        buffer.append(contentsOf: bytes)
        if buffer.count >= bufferLimit { try flush() }
    }

    /// Writes what is buffered, flushes it to disk if `sync`, and renames the file into place.
    public func commit(sync: Bool = false) throws {
        try flush()
        if sync && fsync(fd) != 0 { let code = errno; abandon(); throw Self.failure(path, code) }
        close(fd)
        fd = -1
        if rename(path + AtomicFile.partialSuffix, path) != 0 {
            let code = errno
            unlink(path + AtomicFile.partialSuffix)
            throw Self.failure(path, code)
        }
        // Synced files are acknowledged results: their new name must survive a power cut too.
        if sync { AtomicFile.syncDirectory(containing: path) }
    }

    /// Stops writing and deletes the partial file.
    public func abandon() {
        guard fd >= 0 else { return }
        close(fd)
        fd = -1
        unlink(path + AtomicFile.partialSuffix)
    }

    private func flush() throws {
        guard fd >= 0 else { throw Self.failure(path, EBADF) }
        let failure: Int32? = buffer.withUnsafeBytes { raw -> Int32? in
            var done = 0
            while done < raw.count {
                let n = Foundation.write(fd, raw.baseAddress! + done, raw.count - done)
                if n < 0 { if errno == EINTR { continue }; return errno }
                done += n
            }
            return nil
        }
        buffer.removeAll(keepingCapacity: true)
        if let failure { abandon(); throw Self.failure(path, failure) }
    }

    private static func failure(_ path: String, _ code: Int32) -> CocoaError {
        CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: path, NSUnderlyingErrorKey: POSIXError(POSIXErrorCode(rawValue: code) ?? .EIO)])
    }
}
