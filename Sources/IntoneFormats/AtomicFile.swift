import Foundation

/// Writes files so that a reader (or a later run) sees either the whole new file or none of it.
///
/// The bytes go to `<path>.partial` next to the target, which is then renamed over it (rename is
/// atomic on POSIX file systems). A process killed mid-write leaves only a `.partial` file, which
/// `removePartials(under:)` cleans up; it never leaves a truncated file under the real name.
/// (Foundation's `.atomic` option leaves temporary files with unpredictable names behind.)
public enum AtomicFile {
    /// Suffix of files being written.
    public static let partialSuffix = ".partial"

    /// Writes `data` to `path` atomically; `sync` also flushes it to disk before the rename
    /// (for journals and artifacts that must survive a power loss).
    public static func write(_ data: Data, to path: String, sync: Bool = false) throws {
        let partial = path + partialSuffix
        // POSIX open, not FileManager.createFile: Foundation's createFile itself writes through a
        // temporary file with an unpredictable name, which a kill at the wrong moment leaves behind.
        let fd = open(partial, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else {
            let code = errno
            throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: partial, NSUnderlyingErrorKey: POSIXError(POSIXErrorCode(rawValue: code) ?? .EIO)])
        }
        let failure: Int32? = data.withUnsafeBytes { raw -> Int32? in
            var done = 0
            while done < raw.count {
                let n = Foundation.write(fd, raw.baseAddress! + done, raw.count - done)
                if n < 0 { if errno == EINTR { continue }; return errno }
                done += n
            }
            if sync && fsync(fd) != 0 { return errno }
            return nil
        }
        close(fd)
        if let failure {
            unlink(partial)
            throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: partial, NSUnderlyingErrorKey: POSIXError(POSIXErrorCode(rawValue: failure) ?? .EIO)])
        }
        if rename(partial, path) != 0 {
            let code = errno
            try? FileManager.default.removeItem(atPath: partial)
            throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: path, NSUnderlyingErrorKey: POSIXError(POSIXErrorCode(rawValue: code) ?? .EIO)])
        }
    }

    /// Deletes every `*.partial` file under `folder` (left by a run that was killed). Returns how many.
    @discardableResult
    public static func removePartials(under folder: String) -> Int {
        var removed = 0
        guard let walker = FileManager.default.enumerator(atPath: folder) else { return 0 }
        while let relative = walker.nextObject() as? String {
            if relative.hasSuffix(partialSuffix), (try? FileManager.default.removeItem(atPath: folder + "/" + relative)) != nil { removed += 1 }
        }
        return removed
    }
}
