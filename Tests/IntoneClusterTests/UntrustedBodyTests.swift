import Foundation
import Testing
import IntoneFormats
@testable import IntoneCluster

/// Sizes and shapes read from task bodies and blobs: a bad one is an error naming it, never a trap.
struct UntrustedBodyTests {
    @Test func matrixByteCountsRefuseNegativeAndOverflowingSizes() {
        #expect(ByteCoding.float32ByteCount(rows: 3, columns: 5) == 60)
        #expect(ByteCoding.float32ByteCount(rows: 0, columns: 5) == 0)
        #expect(ByteCoding.float32ByteCount(rows: -1, columns: 5) == nil)
        #expect(ByteCoding.float32ByteCount(rows: 1 << 62, columns: 8) == nil)
        #expect(ByteCoding.float32ByteCount(rows: 1 << 31, columns: 1 << 31) == nil)
    }

    /// A gang task with no members, a rank outside them, a repeated member, or a timeout that is
    /// not a positive number of seconds up to a day is refused before the ring is touched.
    @Test func aGangOfNoMembersOrAnEndlessTimeoutIsRefused() throws {
        let link = try RingLink(bind: "tcp://127.0.0.1:*", advertiseHost: nil, coordinator: "tcp://127.0.0.1:1", keys: nil)
        func reason(_ members: [String], rank: Int, timeout: Double) -> String {
            do {
                _ = try link.session(members: members, rank: rank, tag: "t", timeout: timeout) { _ in 0 }
                return ""
            } catch { return "\(error)" }
        }
        #expect(reason([], rank: 0, timeout: 30).contains("names 0 member(s)"))
        #expect(reason(["a", "a"], rank: 0, timeout: 30).contains("some twice"))
        #expect(reason(["a", "b"], rank: 2, timeout: 30).contains("rank 2 of 2"))
        #expect(reason(["a", "b"], rank: -1, timeout: 30).contains("rank -1 of 2"))
        for t in [Double.infinity, .nan, -1, 0, 1e9] {
            #expect(reason(["a", "b"], rank: 0, timeout: t).contains("step timeout"), "\(t)")
        }
    }
}
