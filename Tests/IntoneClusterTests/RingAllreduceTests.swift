import Foundation
import Testing
@testable import IntoneCluster

/// The ring allreduce between real ZeroMQ sockets on loopback, its ranks on threads: every rank ends
/// with the same bytes, the sum of every rank's values, for rings of 1 to 4, buffers shorter than
/// the ring, buffers of many pieces, float and double; a session ignores an earlier one's messages;
/// a silent rank is named after the timeout.
@Suite(.serialized)
struct RingAllreduceTests {
    /// Runs `body(rank, ring)` on `n` threads, one ring session each; returns their results.
    static func onRing<T: Sendable>(_ n: Int, links: [RingLink]? = nil, tag: String = "t", timeout: Double = 10, chunkBytes: Int = 4096,
                                    _ body: @escaping @Sendable (Int, inout RingAllreduce) throws -> T) throws -> [Result<T, Error>] {
        let links = try links ?? (0..<n).map { _ in try RingLink(bind: "tcp://127.0.0.1:*", advertiseHost: nil, coordinator: "tcp://127.0.0.1:1", keys: nil) }
        let members = links.map(\.advertised)
        let results = Box<Result<T, Error>>(count: n)
        let group = DispatchGroup()
        for r in 0..<n {
            group.enter()
            Thread.detachNewThread {
                defer { group.leave() }
                results.set(r, Result {
                    try links[r].withSession(members: members) {
                        var ring = RingAllreduce(link: links[r], members: members, rank: r, tag: tag, timeout: timeout, chunkBytes: chunkBytes)
                        try ring.handshake()
                        return try body(r, &ring)
                    }
                })
            }
        }
        group.wait()
        return (0..<n).map { results.get($0)! }
    }

    static func values(rank: Int, count: Int) -> [Float] { (0..<count).map { Float(sin(Double($0 * 7 + rank * 13))) * Float(rank + 1) } }

    @Test(arguments: [1, 2, 3, 4])
    func everyRankEndsWithTheSameSum(ranks: Int) throws {
        // Shorter than the ring (empty segments), a few values, and many 1,024-value pieces.
        for count in [1, 3, 1000, 20_001] {
            let results = try Self.onRing(ranks) { r, ring -> [Float] in
                var v = Self.values(rank: r, count: count)
                try ring.sum(&v)
                return v
            }
            let sums = try results.map { try $0.get() }
            for s in sums.dropFirst() { #expect(s == sums[0], "\(ranks) ranks, \(count) values: ranks differ") }
            let inputs = (0..<ranks).map { Self.values(rank: $0, count: count) }
            let expected = (0..<count).map { i in inputs.reduce(0.0) { $0 + Double($1[i]) } }
            let worst = zip(sums[0], expected).map { abs(Double($0) - $1) }.max()!
            #expect(worst < 1e-5, "\(ranks) ranks, \(count) values: \(worst)")
        }
    }

    @Test func doublesSumInDoublePrecision() throws {
        let results = try Self.onRing(3) { r, ring -> [Double] in
            var v = [1.0 / 3.0 + Double(r) * 1e-12, 1e15 + Double(r), Double(r)]
            try ring.sum(&v)
            return v
        }
        for r in results {
            let v = try r.get()
            #expect(abs(v[0] - (1.0 + 3e-12)) < 1e-15)
            #expect(v[1] == 3e15 + 3)
            #expect(v[2] == 3)
        }
    }

    @Test func aLaterSessionIgnoresAnEarlierSessionsMessages() throws {
        let links = try (0..<2).map { _ in try RingLink(bind: "tcp://127.0.0.1:*", advertiseHost: nil, coordinator: "tcp://127.0.0.1:1", keys: nil) }
        // Session "old": rank 1 sends the first piece of a sum and gives up; rank 0 never reads it.
        _ = try Self.onRing(2, links: links, tag: "old", timeout: 0.3) { r, ring -> Bool in
            guard r == 1 else { return true }
            var v = Self.values(rank: r, count: 5000)
            _ = try? ring.sum(&v)   // times out: rank 0 is not summing
            return true
        }
        let results = try Self.onRing(2, links: links, tag: "new") { r, ring -> [Float] in
            var v = Self.values(rank: r, count: 5000)
            try ring.sum(&v)
            return v
        }
        let a = try results[0].get(), b = try results[1].get()
        #expect(a == b)
        #expect(abs(a[10] - (Self.values(rank: 0, count: 5000)[10] + Self.values(rank: 1, count: 5000)[10])) < 1e-6)
    }

    @Test func aSilentPredecessorIsNamedAfterTheTimeout() throws {
        let links = try (0..<2).map { _ in try RingLink(bind: "tcp://127.0.0.1:*", advertiseHost: nil, coordinator: "tcp://127.0.0.1:1", keys: nil) }
        let members = links.map(\.advertised)
        var ring = RingAllreduce(link: links[0], members: members, rank: 0, tag: "alone", timeout: 0.3)
        let error = #expect(throws: ClusterError.self) { try links[0].withSession(members: members) { try ring.handshake() } }
        #expect(error?.reason == "ring unreachable: no data from rank 2 (\(members[1])) for 0.3 s")
    }

    @Test func fingerprintsThatDifferAreReportedTheSameWayByEveryRank() throws {
        let results = try Self.onRing(3) { r, ring -> Bool in
            try ring.agree(on: r == 2 ? 7 : 5, what: "after step 4")
            return true
        }
        let messages = results.map { if case .failure(let e as ClusterError) = $0 { return e.reason } else { return "no error" } }
        #expect(Set(messages).count == 1)
        #expect(messages[0] == "replicas disagree after step 4: rank 1 and rank 3 hold different parameters (fingerprints 5 and 7); stopping rather than training diverged copies")
    }

    final class Box<T: Sendable>: @unchecked Sendable {
        // @unchecked Sendable: guarded by `lock`.
        private var values: [T?]
        private let lock = NSLock()
        init(count: Int) { values = Array(repeating: nil, count: count) }
        func set(_ i: Int, _ v: T) { lock.withLock { values[i] = v } }
        func get(_ i: Int) -> T? { lock.withLock { values[i] } }
    }
}
