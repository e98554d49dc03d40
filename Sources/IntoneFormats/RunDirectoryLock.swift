import Foundation

/// An exclusive claim on a run directory (or a feature store) for as long as the process holds
/// it: `flock` on `<folder>/.intone.lock`, released by the kernel when the process ends, however it
/// ends. Two `intone` processes writing one folder would interleave their journals and overwrite
/// each other's files; the second is refused with the first one's process id.
public final class RunDirectoryLock: @unchecked Sendable {
    // @unchecked Sendable: the descriptor is only closed in deinit.
    private let fd: Int32
    public let folder: String

    /// The lock file's name inside the folder.
    public static let fileName = ".intone.lock"

    /// Creates `folder` if needed and locks it.
    /// - Throws: `FileReadError` naming the folder: it cannot be created, or another process holds it.
    public init(folder: String) throws(FileReadError) {
        self.folder = folder
        do { try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true) } catch {
            throw FileReadError(path: folder, reason: "cannot create the folder (\(error.localizedDescription))")
        }
        let path = folder + "/" + Self.fileName
        let fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw FileReadError(path: path, reason: String(cString: strerror(errno))) }
        // The file stays empty (no process id in it): run directories of the same job stay byte-identical.
        if flock(fd, LOCK_EX | LOCK_NB) != 0 {
            let code = errno
            // File systems without locks (Lustre without -o flock, NFS with nolock): no claim can
            // be made there; go on unlocked rather than refuse every run.
            if code == ENOSYS || code == ENOLCK || code == EOPNOTSUPP {
                self.fd = fd
                isLocked = false
                return
            }
            close(fd)
            if code == EWOULDBLOCK {
                throw FileReadError(path: folder, reason: "another intone process is using this folder; wait for it to end, or use another folder")
            }
            throw FileReadError(path: path, reason: "cannot lock (\(String(cString: strerror(code))))")
        }
        self.fd = fd
        isLocked = true
    }

    /// False on a file system that cannot lock (the folder is then not protected).
    public let isLocked: Bool

    deinit { close(fd) }
}
