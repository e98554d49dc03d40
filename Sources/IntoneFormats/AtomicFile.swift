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
    public static func write(_ data: Data, to path: String, sync: Bool = false, mode: mode_t = 0o644) throws {
        let writer = try AtomicFileWriter(path: path, mode: mode)
        do {
            try data.withUnsafeBytes { try writer.append(UnsafeRawBufferPointer($0)) }
            try writer.commit(sync: sync)
        } catch {
            writer.abandon()
            throw error
        }
    }

    /// Flushes the directory entry of `path` to disk (after a rename, so the new name survives a
    /// power cut). Errors are ignored: some file systems cannot sync a directory.
    public static func syncDirectory(containing path: String) {
        let fd = open((path as NSString).deletingLastPathComponent.isEmpty ? "." : (path as NSString).deletingLastPathComponent, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard fd >= 0 else { return }
        _ = fsync(fd)
        close(fd)
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
