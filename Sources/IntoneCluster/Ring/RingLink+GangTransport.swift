import IntoneEngine

/// A worker's ring endpoint as the engine's gang transport: a task that needs a gang (a training
/// replica) gets it through `TaskContext.gang` and runs its exchange as one ring session.
extension RingLink: GangTransport {
    public func session<T>(members: [String], rank: Int, tag: String, timeout: Double, _ body: (any GangChannel) throws -> T) throws -> T {
        // A gang's shape comes from a task body: check it before anything divides by it or waits on it.
        guard !members.isEmpty, members.count <= 4096, Set(members).count == members.count else {
            throw ClusterError("a gang task names \(members.count) member(s), some twice or none: it cannot form a ring")
        }
        guard members.indices.contains(rank) else { throw ClusterError("a gang task gives rank \(rank) of \(members.count) member(s)") }
        guard timeout.isFinite, timeout > 0, timeout <= 86_400 else {
            throw ClusterError("a gang task's step timeout \(timeout) s is not a positive number of seconds up to a day")
        }
        return try withSession(members: members) {
            let channel = RingChannel(RingAllreduce(link: self, members: members, rank: rank, tag: tag, timeout: timeout))
            do {
                try channel.ring.handshake()
                return try body(channel)
            } catch {
                channel.ring.abort("\(error)")
                // Whatever is still queued for the successor belongs to this failed session.
                closeOutbox(to: channel.ring.successor)
                throw error
            }
        }
    }
}

/// One ring session as a gang channel.
final class RingChannel: GangChannel {
    var ring: RingAllreduce

    init(_ ring: RingAllreduce) { self.ring = ring }

    var rank: Int { ring.rank }
    var size: Int { ring.size }
    func sum(_ values: inout [Float]) throws { try ring.sum(&values) }
    func sum(_ values: inout [Double]) throws { try ring.sum(&values) }
    func agree(on fingerprint: UInt64, what: String) throws { try ring.agree(on: fingerprint, what: what) }
    var communicationSeconds: Double { ring.communicationSeconds }
}
