import Foundation
import Testing
import IntoneTestSupport
import IntoneCluster

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
        try "not-a-key\n".write(toFile: dir.file("bad"), atomically: true, encoding: .utf8)
        #expect(throws: ClusterError("\(dir.file("bad")):1: not a public key (40 Z85 characters)")) { try AllowList.read(path: dir.file("bad")) }
    }

    @Test func onlyLoopbackAndIPCAreLocal() {
        #expect(CoordinatorSecurity.isLocalOnly("tcp://127.0.0.1:5555"))
        #expect(CoordinatorSecurity.isLocalOnly("ipc:///tmp/x.sock"))
        #expect(CoordinatorSecurity.isLocalOnly("tcp://localhost:5555"))
        #expect(!CoordinatorSecurity.isLocalOnly("tcp://*:5555"))
        #expect(!CoordinatorSecurity.isLocalOnly("tcp://0.0.0.0:5555"))
        #expect(!CoordinatorSecurity.isLocalOnly("tcp://10.0.0.1:5555"))
    }
}
