import CZMQ
import Foundation

/// One rank's side of a ring allreduce session (Baidu's ring, as Horovod and NCCL use it): `N` ranks
/// in a ring, each pushing to its successor and hearing only from its predecessor. A sum of `L`
/// floats is a reduce-scatter (N − 1 steps: each rank ends up holding the full sum of one of N
/// segments) then an all-gather (N − 1 steps: every rank gets every summed segment), so each rank
/// sends and receives 2(N − 1)/N · L floats, whatever N: the bandwidth-optimal exchange.
///
/// Segments travel in chunks and a chunk is passed on as soon as it is added, so the steps
/// pipeline: while one chunk is being summed here the next is on the wire. Every rank's result is
/// the same bytes, because each segment is summed on one rank and copied to the others.
///
/// Every message carries the session's tag and a sequence number: messages of an earlier, failed
/// session are dropped, and a rank waits at most `timeout` seconds for its predecessor before the
/// session fails with an error naming the silent rank (the job then re-forms the ring). A rank that
/// fails tells its successor (an `abort` message), so a broken ring fails everywhere at once.
public struct RingAllreduce {
    let link: RingLink
    /// Every rank's advertised address, in ring order.
    public let members: [String]
    public let rank: Int
    let tag: [UInt8]
    let timeout: Double
    /// Floats per message.
    let chunk: Int
    private var sent: UInt64 = 0
    private var received: UInt64 = 0
    /// Seconds spent in `sum` and `agree`, and bytes sent by them.
    public private(set) var communicationSeconds = 0.0
    public private(set) var bytesSent = 0

    public var size: Int { members.count }
    var successor: String { members[(rank + 1) % size] }
    var predecessor: Int { (rank + size - 1) % size }

    /// A session over `link` for rank `rank` of `members`; `tag` names the session (16 bytes or more
    /// make collisions negligible).
    public init(link: RingLink, members: [String], rank: Int, tag: String, timeout: Double, chunkBytes: Int = 256 << 10) {
        self.link = link
        self.members = members
        self.rank = rank
        self.tag = Array(tag.utf8)
        self.timeout = timeout
        chunk = max(1024, chunkBytes / 4)
    }

    enum MessageKind: UInt8 { case data = 0, abort = 1 }

    /// Seconds a rank waiting for its predecessor polls without sleeping.
    static let spinSeconds = 0.05

    // MARK: - Collective operations

    /// Checks that the ring is closed: every rank hears from its predecessor. Fails with
    /// "unreachable" in its message if this rank's predecessor cannot reach it.
    public mutating func handshake() throws(ClusterError) {
        guard size > 1 else { return }
        try send([], kind: .data)
        do { try receive(bytes: 0) { _ in } } catch {
            throw ClusterError("ring unreachable: \(error.reason)")
        }
    }

    /// Replaces `values` with the element-wise sum of every rank's `values` (same count on every rank).
    public mutating func sum(_ values: inout [Float]) throws(ClusterError) { try reduce(&values) }

    /// The same for double-precision values (batch statistics).
    public mutating func sum(_ values: inout [Double]) throws(ClusterError) { try reduce(&values) }

    /// The allreduce, specialised for each element type by the two `sum`s above.
    @_specialize(where T == Float)
    @_specialize(where T == Double)
    mutating func reduce<T: BinaryFloatingPoint>(_ values: inout [T]) throws(ClusterError) {
        guard size > 1, !values.isEmpty else { return }
        let width = MemoryLayout<T>.stride
        let begun = DispatchTime.now().uptimeNanoseconds
        defer { communicationSeconds += Double(DispatchTime.now().uptimeNanoseconds - begun) / 1e9 }
        let n = size, r = rank, count = values.count
        let longest = (count + n - 1) / n
        let perPiece = max(256, chunk * 4 / width)
        let pieces = max(1, (longest + perPiece - 1) / perPiece)
        func range(_ segment: Int, _ piece: Int) -> Range<Int> {
            let s = (segment % n + n) % n
            let lo = s * count / n, hi = (s + 1) * count / n
            return (lo + piece * (hi - lo) / pieces)..<(lo + (piece + 1) * (hi - lo) / pieces)
        }
        // Reduce-scatter: step s sends segment r − s and adds segment r − s − 1.
        for p in 0..<pieces { try sendFloats(values, range(r, p)) }
        for s in 0..<(n - 1) {
            for p in 0..<pieces {
                let target = range(r - s - 1, p)
                try receive(bytes: target.count * width) { raw in
                    guard !target.isEmpty else { return }
                    values.withUnsafeMutableBufferPointer { v in
                        let out = v.baseAddress! + target.lowerBound
                        if Int(bitPattern: raw.baseAddress) % MemoryLayout<T>.alignment == 0 {
                            let incoming = raw.baseAddress!.assumingMemoryBound(to: T.self)
                            for k in 0..<target.count { out[k] += incoming[k] }
                        } else {
                            for k in 0..<target.count { out[k] += raw.loadUnaligned(fromByteOffset: width * k, as: T.self) }
                        }
                    }
                }
                // Passed on at once: to the next reduce step, or, summed in full, the first all-gather step.
                try sendFloats(values, target)
            }
        }
        // All-gather: step s receives segment r − s, complete, and passes it on (but the last).
        for s in 0..<(n - 1) {
            for p in 0..<pieces {
                let target = range(r - s, p)
                try receive(bytes: target.count * width) { raw in
                    guard !target.isEmpty else { return }
                    values.withUnsafeMutableBufferPointer { v in
                        UnsafeMutableRawPointer(v.baseAddress! + target.lowerBound).copyMemory(from: raw.baseAddress!, byteCount: raw.count)
                    }
                }
                if s < n - 2 { try sendFloats(values, target) }
            }
        }
    }

    /// Checks that every rank holds the same `fingerprint` (a hash of its parameters): each rank's
    /// value goes round the ring. Throws naming the ranks that differ.
    public mutating func agree(on fingerprint: UInt64, what: String) throws(ClusterError) {
        guard size > 1 else { return }
        let begun = DispatchTime.now().uptimeNanoseconds
        defer { communicationSeconds += Double(DispatchTime.now().uptimeNanoseconds - begun) / 1e9 }
        var all = [UInt64](repeating: 0, count: size)
        all[rank] = fingerprint
        for s in 0..<(size - 1) {
            let from = (rank - s + size) % size
            try send(withUnsafeBytes(of: all[from].littleEndian) { Array($0) }, kind: .data)
            var value: UInt64 = 0
            try receive(bytes: 8) { value = UInt64(littleEndian: $0.loadUnaligned(as: UInt64.self)) }
            all[(from - 1 + size) % size] = value
        }
        // Every rank sees the same list, so every rank words the same message: the first rank that
        // differs from rank 1.
        if let other = all.indices.first(where: { all[$0] != all[0] }) {
            throw ClusterError("replicas disagree \(what): rank 1 and rank \(other + 1) hold different parameters "
                               + "(fingerprints \(String(all[0], radix: 16)) and \(String(all[other], radix: 16))); stopping rather than training diverged copies")
        }
    }

    /// Tells the successor this session failed (best effort, never blocks long).
    public mutating func abort(_ reason: String) {
        guard size > 1 else { return }
        try? send(Array(reason.utf8.prefix(1000)), kind: .abort, timeout: 200)
    }

    // MARK: - Messages

    /// Sends `values[range]` as one data message, straight from the array.
    private mutating func sendFloats<T: BinaryFloatingPoint>(_ values: [T], _ range: Range<Int>) throws(ClusterError) {
        let width = MemoryLayout<T>.stride
        let failure = values.withUnsafeBytes { raw in
            transmit(.data, UnsafeRawBufferPointer(rebasing: raw[(range.lowerBound * width)..<(range.upperBound * width)]), timeout: nil)
        }
        if let failure { throw failure }
        sent += 1
        bytesSent += range.count * width
    }

    /// Sends `payload` as one message of `kind`.
    private mutating func send(_ payload: [UInt8], kind: MessageKind, timeout: Int32? = nil) throws(ClusterError) {
        if let failure = payload.withUnsafeBytes({ transmit(kind, $0, timeout: timeout) }) { throw failure }
        sent += 1
        bytesSent += payload.count
    }

    /// Sends one message (header, then `payload` from memory) to the successor, giving up after
    /// `timeout` milliseconds (default: the session's); nil, or why it could not.
    private func transmit(_ kind: MessageKind, _ payload: UnsafeRawBufferPointer, timeout: Int32?) -> ClusterError? {
        let ms = timeout ?? Int32(min(Double(Int32.max), self.timeout * 1000))
        do {
            try link.outbox(to: successor, sendTimeout: ms).send(header: header(kind, sent), payload: payload)
            return nil
        } catch let error as ClusterError {
            return error
        } catch {
            let reason = (error as? ZMQError)?.reason ?? "\(error)"
            return ClusterError("ring: cannot send to rank \((rank + 1) % size + 1) at \(RingLink.address(of: successor)): \(reason)")
        }
    }

    private func header(_ kind: MessageKind, _ sequence: UInt64) -> [UInt8] {
        var h = tag
        withUnsafeBytes(of: sequence.littleEndian) { h.append(contentsOf: $0) }
        h.append(kind.rawValue)
        return h
    }

    /// The next data message of this session from the predecessor, dropping other sessions' and
    /// waiting at most `timeout` seconds; its payload, which must be `bytes` long, is handed to `use`
    /// in place.
    private mutating func receive(bytes: Int, _ use: (UnsafeRawBufferPointer) -> Void) throws(ClusterError) {
        let begun = DispatchTime.now().uptimeNanoseconds
        let deadline = begun + UInt64(timeout * 1e9)
        let spinUntil = begun + UInt64(Self.spinSeconds * 1e9)
        let from = "rank \(predecessor + 1) (\(RingLink.address(of: members[predecessor])))"
        let expected = received
        while true {
            let now = DispatchTime.now().uptimeNanoseconds
            guard now < deadline else { throw ClusterError("no data from \(from) for \(timeout) s") }
            // Spin (yielding the core to ZeroMQ's I/O thread) before sleeping in poll: a core that
            // goes idle, on a virtual machine above all, can take milliseconds to wake when the
            // predecessor's piece lands, every step.
            let spinning = now < spinUntil
            if spinning { sched_yield() }
            let wait = spinning ? 0 : Int((deadline - now) / 1_000_000) + 1
            // nil: stale or nothing; otherwise the outcome for this session's next message.
            let outcome: Result<Void, ClusterError>?
            do {
                outcome = try link.inbox.receive(timeout: wait) { frames -> Result<Void, ClusterError>? in
                    guard let check = Self.check(frames, tag: tag, expected: expected, from: from) else { return nil }
                    if case .failure = check { return check }
                    guard frames[1].count == bytes else {
                        return .failure(ClusterError("ring: \(from) sent \(frames[1].count) bytes where \(bytes) were due"))
                    }
                    use(frames[1])
                    return .success(())
                } ?? nil
            } catch {
                throw ClusterError("ring: \(error.reason)")
            }
            switch outcome {
            case nil: continue
            case .failure(let e)?: throw e
            case .success?:
                received += 1
                return
            }
        }
    }

    /// Whether `frames` is this session's message number `expected` (success), another session's
    /// (nil: dropped), or an abort or a message out of order (failure).
    static func check(_ frames: [UnsafeRawBufferPointer], tag: [UInt8], expected: UInt64, from: String) -> Result<Void, ClusterError>? {
        guard frames.count == 2, frames[0].count == tag.count + 9, frames[0].starts(with: tag) else { return nil }
        let h = frames[0]
        if h[tag.count + 8] == MessageKind.abort.rawValue {
            return .failure(ClusterError("\(from) gave up: \(String(decoding: frames[1], as: UTF8.self))"))
        }
        let sequence = UInt64(littleEndian: h.loadUnaligned(fromByteOffset: tag.count, as: UInt64.self))
        guard sequence == expected else { return .failure(ClusterError("ring: message \(sequence) from \(from) where \(expected) was due")) }
        return .success(())
    }
}
