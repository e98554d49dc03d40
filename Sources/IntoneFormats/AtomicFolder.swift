import CMalloc
import Foundation

/// Folders replaced as a whole: a model folder or checkpoint written into `staging` is swapped
/// with the old one in one step (renameat2 RENAME_EXCHANGE), so at every moment `path` holds
/// either the whole old folder or the whole new one, and its parent directory is synced.
public enum AtomicFolder {
    /// Moves `staging` to `path`, replacing any folder there atomically, then deletes the old one.
    public static func replace(_ path: String, with staging: String) throws {
        let fm = FileManager.default
        if fm.fileExists(atPath: path) {
            if intone_exchange_paths(staging, path) != 0 {
                let code = errno
                // File systems without RENAME_EXCHANGE (NFS, CIFS, sshfs): the old folder is moved
                // aside first, so a crash in between leaves it under `path.old`.
                guard code == EINVAL || code == ENOSYS || code == EOPNOTSUPP else {
                    throw FileReadError(path: path, reason: "cannot swap in \(staging): \(String(cString: strerror(code)))")
                }
                let aside = path + ".old"
                try? fm.removeItem(atPath: aside)
                guard rename(path, aside) == 0, rename(staging, path) == 0 else {
                    throw FileReadError(path: path, reason: "cannot replace it with \(staging): \(String(cString: strerror(errno)))")
                }
                try? fm.removeItem(atPath: aside)
                AtomicFile.syncDirectory(containing: path)
                return
            }
            try? fm.removeItem(atPath: staging)   // now the old folder
        } else if rename(staging, path) != 0 {
            throw FileReadError(path: path, reason: "cannot move \(staging) here: \(String(cString: strerror(errno)))")
        }
        AtomicFile.syncDirectory(containing: path)
    }
}
