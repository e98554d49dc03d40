import Foundation
import Testing
import IntoneTestSupport
import IntoneFormats

/// Run-directory locks and whole-folder replacement.
struct DurabilityTests {
    /// Two writers of one folder: the second is refused while the first holds it, and may take it after.
    @Test func aRunDirectoryIsHeldByOneWriterAtATime() throws {
        let dir = try TemporaryDirectory()
        defer { dir.cleanup() }
        var first: RunDirectoryLock? = try RunDirectoryLock(folder: dir.file("run"))
        #expect(throws: FileReadError(path: dir.file("run"), reason: "another intone process is using this folder; wait for it to end, or use another folder")) {
            try RunDirectoryLock(folder: dir.file("run"))
        }
        _ = first
        first = nil
        _ = try RunDirectoryLock(folder: dir.file("run"))
        #expect(try Data(contentsOf: URL(fileURLWithPath: dir.file("run/.intone.lock"))).isEmpty)
    }

    /// A folder replaced by another is the whole old one or the whole new one, never missing.
    @Test func aFolderIsSwappedInWhole() throws {
        let dir = try TemporaryDirectory()
        defer { dir.cleanup() }
        let fm = FileManager.default
        try fm.createDirectory(atPath: dir.file("model"), withIntermediateDirectories: true)
        try Data("old".utf8).write(to: URL(fileURLWithPath: dir.file("model/a")))
        try fm.createDirectory(atPath: dir.file("model.partial"), withIntermediateDirectories: true)
        try Data("new".utf8).write(to: URL(fileURLWithPath: dir.file("model.partial/b")))
        try AtomicFolder.replace(dir.file("model"), with: dir.file("model.partial"))
        #expect(try fm.contentsOfDirectory(atPath: dir.file("model")) == ["b"])
        #expect(!fm.fileExists(atPath: dir.file("model.partial")))
        try fm.createDirectory(atPath: dir.file("fresh.partial"), withIntermediateDirectories: true)
        try AtomicFolder.replace(dir.file("fresh"), with: dir.file("fresh.partial"))
        #expect(fm.fileExists(atPath: dir.file("fresh")) && !fm.fileExists(atPath: dir.file("fresh.partial")))
    }
}
