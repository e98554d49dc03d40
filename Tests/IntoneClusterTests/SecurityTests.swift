import Foundation
import Testing
import IntoneTestSupport
import IntoneCluster
import IntoneFormats

/// Key files and allow-lists.
struct SecurityTests {
    @Test func keysRoundTripThroughFilesAndAllowListsAcceptHashInKeys() throws {
        let dir = try TemporaryDirectory()
        defer { dir.cleanup() }
        // Generate until a key contains '#', which Z85 allows (about a third of keys do).
        var pair = try CurveKeyPair.generate()
        for _ in 0..<200 where !pair.publicKey.contains("#") { pair = try CurveKeyPair.generate() }
        #expect(pair.publicKey.contains("#"))
        try pair.write(to: dir.path, name: "w")
        #expect(try CurveKeyPair.read(path: dir.file("w.key")) == pair)
        #expect(try CurveKeyPair.readPublicKey(path: dir.file("w.pub")) == pair.publicKey)
        let other = try CurveKeyPair.generate()
        try "# workers allowed to join\n\(pair.publicKey)   # host a\n\n\(other.publicKey)\n".write(toFile: dir.file("allow"), atomically: true, encoding: .utf8)
        let allow = try AllowList.read(path: dir.file("allow"))
        #expect(allow.keys == [pair.publicKey, other.publicKey])
        try "\(pair.publicKey) worker # host a\n\(other.publicKey) job,admin\n".write(toFile: dir.file("roles"), atomically: true, encoding: .utf8)
        let withRoles = try AllowList.read(path: dir.file("roles"))
        #expect(withRoles.roles(of: pair.publicKey) == [.worker] && withRoles.roles(of: other.publicKey) == [.job, .admin])
        #expect(allow.roles(of: pair.publicKey) == Set(PeerRole.allCases))   // listed without roles: all of them
        try "\(pair.publicKey) wrker\n".write(toFile: dir.file("typo"), atomically: true, encoding: .utf8)
        #expect(throws: ClusterError("\(dir.file("typo")):1: unknown role wrker (roles: worker, job, admin; start a comment with #)")) {
            try AllowList.read(path: dir.file("typo"))
        }
        try "not-a-key\n".write(toFile: dir.file("bad"), atomically: true, encoding: .utf8)
        #expect(throws: ClusterError("\(dir.file("bad")):1: not a public key (40 Z85 characters)")) { try AllowList.read(path: dir.file("bad")) }
    }

    /// A secret key's file is 0600 from its first byte (it was created 0644 and chmod-ed after).
    @Test func secretKeysAreNeverReadableByOthers() throws {
        let dir = try TemporaryDirectory()
        defer { dir.cleanup() }
        let writer = try AtomicFileWriter(path: dir.file("s.key"), mode: 0o600)
        try writer.append("secret")
        var st = stat()
        #expect(stat(dir.file("s.key.partial"), &st) == 0 && st.st_mode & 0o077 == 0, "the partial file is readable by others")
        writer.abandon()
        try CurveKeyPair.generate().write(to: dir.path, name: "w")
        #expect(stat(dir.file("w.key"), &st) == 0 && st.st_mode & 0o777 == 0o600)

    }

    @Test func onlyLoopbackAndIPCAreLocal() {
        #expect(CoordinatorSecurity.isLocalOnly("tcp://127.0.0.1:5555"))
        #expect(CoordinatorSecurity.isLocalOnly("ipc:///tmp/x.sock"))
        #expect(CoordinatorSecurity.isLocalOnly("tcp://localhost:5555"))
        #expect(!CoordinatorSecurity.isLocalOnly("tcp://*:5555"))
        #expect(!CoordinatorSecurity.isLocalOnly("tcp://0.0.0.0:5555"))
        #expect(!CoordinatorSecurity.isLocalOnly("tcp://10.0.0.1:5555"))
        #expect(CoordinatorSecurity.isLocalOnly("tcp://127.0.0.1:*") && CoordinatorSecurity.isLocalOnly("tcp://[::1]:5555"))
        // Endpoints that merely start like loopback (the prefix test passed them as local).
        for endpoint in ["tcp://127.0.0.1:0;0.0.0.0:25999", "tcp://127.0.0.1;eth0:5555", "tcp://127.evil.example.com:5555",
                         "tcp://127.0.0.1.nip.io:5555", "tcp://localhost.example.com:5555", "tcp://127.0.0.1:5555x", "tcp://127.0.0.256:1",
                         "tcp://127.0.0.1:", "ipc:///tmp/a;tcp://0.0.0.0:1"] {
            #expect(!CoordinatorSecurity.isLocalOnly(endpoint), "\(endpoint)")
        }
    }
}
