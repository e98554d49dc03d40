import CZMQ
import Foundation
import IntoneFormats

/// A CurveZMQ key pair in Z85 text (40 characters each), as `intone keygen` writes them.
public struct CurveKeyPair: Equatable, Sendable {
    public let publicKey: String
    public let secretKey: String

    public init(publicKey: String, secretKey: String) {
        self.publicKey = publicKey
        self.secretKey = secretKey
    }

    /// A fresh random key pair (libzmq's `zmq_curve_keypair`, backed by libsodium).
    public static func generate() throws(ClusterError) -> CurveKeyPair {
        var pub = [CChar](repeating: 0, count: 41), sec = [CChar](repeating: 0, count: 41)
        guard zmq_curve_keypair(&pub, &sec) == 0 else { throw ClusterError("this libzmq cannot make CURVE keys (built without CURVE?)") }
        func text(_ c: [CChar]) -> String { String(decoding: c.prefix(40).map { UInt8(bitPattern: $0) }, as: UTF8.self) }
        return CurveKeyPair(publicKey: text(pub), secretKey: text(sec))
    }

    /// Writes `<dir>/<name>.key` (both keys; mode 0600) and `<dir>/<name>.pub` (public key only).
    public func write(to dir: String, name: String) throws {
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        let secretPath = dir + "/" + name + ".key"
        let text = "# Intone CURVE key pair: keep this file secret\npublic \(publicKey)\nsecret \(secretKey)\n"
        // Created 0600: a secret key is never readable by others, not even before a chmod.
        try AtomicFile.write(Data(text.utf8), to: secretPath, mode: 0o600)
        try AtomicFile.write(Data("\(publicKey)\n".utf8), to: dir + "/" + name + ".pub")
    }

    /// Reads a `.key` file written by `write`.
    public static func read(path: String) throws(ClusterError) -> CurveKeyPair {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { throw ClusterError("\(path): cannot read the key file") }
        var pub: String?, sec: String?
        for line in text.split(separator: "\n") {
            let parts = line.split(separator: " ", maxSplits: 1).map(String.init)
            guard parts.count == 2 else { continue }
            if parts[0] == "public" { pub = parts[1] } else if parts[0] == "secret" { sec = parts[1] }
        }
        guard let pub, let sec, isZ85Key(pub), isZ85Key(sec) else {
            throw ClusterError("\(path): not an Intone key file (expected `public <40 Z85 chars>` and `secret <40 Z85 chars>` lines; make one with `intone keygen`)")
        }
        return CurveKeyPair(publicKey: pub, secretKey: sec)
    }

    /// Reads one public key (a `.pub` file, or the `public` line of a `.key` file).
    public static func readPublicKey(path: String) throws(ClusterError) -> String {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { throw ClusterError("\(path): cannot read the public key") }
        for line in text.split(separator: "\n") {
            let t = line.trimmingCharacters(in: .whitespaces)
            let key = t.hasPrefix("public ") ? String(t.dropFirst(7)) : t
            if isZ85Key(key) { return key }
        }
        throw ClusterError("\(path): no public key (40 Z85 characters) found")
    }

    /// Whether `s` is a 40-character Z85 encoding of a 32-byte key.
    public static func isZ85Key(_ s: String) -> Bool {
        guard s.utf8.count == 40 else { return false }
        var out = [UInt8](repeating: 0, count: 32)
        return s.withCString { zmq_z85_decode(&out, $0) } != nil
    }
}

/// The public keys allowed to connect as workers: one Z85 key per line (anything after the key and a
/// space is ignored); lines starting with `#` that are not keys are comments.
/// What an admitted key may do: join as a worker (and receive task bodies and blobs), submit and
/// control its own jobs, or control every job.
public enum PeerRole: String, CaseIterable, Codable, Sendable {
    case worker, job, admin
}

public struct AllowList: Equatable, Sendable {
    public let keys: Set<String>
    /// Keys given roles in the file (`KEY worker`, `KEY job,admin`); a key listed without roles has
    /// them all (allow-lists from before roles).
    public let roles: [String: Set<PeerRole>]

    public init(keys: Set<String>, roles: [String: Set<PeerRole>] = [:]) {
        self.keys = keys
        self.roles = roles
    }

    /// The roles of `key` (all of them for a key listed without roles).
    public func roles(of key: String) -> Set<PeerRole> { roles[key] ?? Set(PeerRole.allCases) }

    public static func read(path: String) throws(ClusterError) -> AllowList {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { throw ClusterError("\(path): cannot read the allow-list") }
        var keys = Set<String>()
        var roles: [String: Set<PeerRole>] = [:]
        for (n, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            // Z85 keys may contain '#': a line is a key when its first word is one; otherwise a line
            // starting with '#' is a comment. After the key: its roles (comma-separated), then an
            // optional comment.
            let words = raw.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\r" }).map(String.init)
            let first = words.first ?? ""
            if first.isEmpty { continue }
            if CurveKeyPair.isZ85Key(first) {
                keys.insert(first)
                for word in words.dropFirst() {
                    if word.hasPrefix("#") { break }
                    for name in word.split(separator: ",") {
                        guard let role = PeerRole(rawValue: String(name)) else {
                            throw ClusterError("\(path):\(n + 1): unknown role \(name) (roles: worker, job, admin; start a comment with #)")
                        }
                        roles[first, default: []].insert(role)
                    }
                }
                continue
            }
            if first.hasPrefix("#") { continue }
            throw ClusterError("\(path):\(n + 1): not a public key (40 Z85 characters)")
        }
        return AllowList(keys: keys, roles: roles)
    }

    /// Whether the 32-byte binary key (as ZAP delivers it) is allowed.
    public func allows(binaryKey: [UInt8]) -> Bool {
        guard let text = Self.z85(binaryKey: binaryKey) else { return false }
        return keys.contains(text)
    }

    /// The 40-character Z85 text of a 32-byte binary key, as `.pub` files and allow-lists hold it.
    public static func z85(binaryKey: [UInt8]) -> String? {
        guard binaryKey.count == 32 else { return nil }
        var text = [CChar](repeating: 0, count: 41)
        guard binaryKey.withUnsafeBufferPointer({ zmq_z85_encode(&text, $0.baseAddress, 32) }) != nil else { return nil }
        return String(decoding: text.prefix(40).map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
