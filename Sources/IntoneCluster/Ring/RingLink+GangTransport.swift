import IntoneEngine

/// A worker's ring endpoint as the engine's gang transport: a task that needs a gang (a training
/// replica) gets it through `TaskContext.gang` and runs its exchange as one ring session.
extension RingLink: GangTransport {
    public func session<T>(members: [String], rank: Int, tag: String, timeout: Double, _ body: (any GangChannel) throws -> T) throws -> T {
        try withSession(members: members) {
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
