import Crypto
import Foundation

/// SHA-256 (FIPS 180-4) of bytes or of a file, as lowercase hex: the content hash Intone uses to
/// name cached features and shipped inputs. Streaming: a file is hashed in 1 MiB blocks. The
/// compression function is swift-crypto's (BoringSSL, using the CPU's SHA extensions when it has them).
public struct SHA256: @unchecked Sendable {
    // @unchecked Sendable: a value (swift-crypto's hasher is a value type that copies its state); it is
    // not marked Sendable in swift-crypto 3, so the compiler cannot see it.
    private var hasher = Crypto.SHA256()

    public init() {}

    /// Adds `bytes` to the message.
    public mutating func update<Bytes: Sequence>(_ bytes: Bytes) where Bytes.Element == UInt8 {
        // Contiguous input is hashed in place.
        let done: Bool? = bytes.withContiguousStorageIfAvailable { p in hasher.update(bufferPointer: UnsafeRawBufferPointer(p)); return true }
        if done == nil { Array(bytes).withUnsafeBytes { hasher.update(bufferPointer: $0) } }
    }

    /// The digest as 64 lowercase hex characters. The hasher can no longer be used afterwards.
    public mutating func finalize() -> String {
        let hexDigits = Array("0123456789abcdef".utf8)
        var out: [UInt8] = []
        out.reserveCapacity(64)
        for byte in hasher.finalize() {
            out.append(hexDigits[Int(byte >> 4)])
            out.append(hexDigits[Int(byte & 15)])
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// The hex digest of `bytes`.
    public static func hex<Bytes: Sequence>(of bytes: Bytes) -> String where Bytes.Element == UInt8 {
        var h = SHA256()
        h.update(bytes)
        return h.finalize()
    }

    /// The hex digest of the file at `path`, read in 1 MiB blocks.
    /// - Throws: `FileReadError` naming the reason: no such file, a symbolic link loop, not a
    ///   regular file (a FIFO would block the read forever), or the system's error.
    public static func hex(ofFile path: String) throws -> String {
        var st = stat()
        guard stat(path, &st) == 0 else { throw FileReadError(path: path, reason: String(cString: strerror(errno))) }
        guard (st.st_mode & S_IFMT) == S_IFREG else {
            throw FileReadError(path: path, reason: "not a regular file (a directory, FIFO, socket or device)")
        }
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw FileReadError(path: path, reason: String(cString: strerror(errno)))
        }
        defer { try? handle.close() }
        var h = SHA256()
        while let chunk = try handle.read(upToCount: 1 << 20), !chunk.isEmpty { h.update(chunk) }
        return h.finalize()
    }
}

/// A file that could not be read, and why, in the system's words.
public struct FileReadError: Error, Equatable, Sendable, CustomStringConvertible, LocalizedError {
    public let path: String
    public let reason: String
    public init(path: String, reason: String) { self.path = path; self.reason = reason }
    public var description: String { "\(path): \(reason)" }
    public var errorDescription: String? { reason }
}
