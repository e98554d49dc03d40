/// How the members of a gang exchange while their tasks run: the ring allreduce between workers
/// (the cluster module's `RingLink`), offered to tasks through `TaskContext.gang`. A task kind that
/// needs a gang (a data-parallel training replica) is written against this, so it knows nothing of
/// sockets.
public protocol GangTransport: Sendable {
    /// Runs `body` as member `rank` of the gang whose members are reached at `members` (advertised
    /// endpoints, in rank order), in a session named `tag` (messages of other sessions are
    /// ignored). The members first check that they reach each other; a member silent for `timeout`
    /// seconds fails the exchange everywhere. If `body` throws, the other members are told (they
    /// fail at once with the same reason instead of timing out) and the error is rethrown.
    func session<T>(members: [String], rank: Int, tag: String, timeout: Double, _ body: (any GangChannel) throws -> T) throws -> T
}

/// The exchange within one gang session.
public protocol GangChannel: AnyObject {
    /// This member's rank and the gang's size.
    var rank: Int { get }
    var size: Int { get }
    /// Replaces `values` with their element-wise sum over the members (the same bytes on every member).
    func sum(_ values: inout [Float]) throws
    /// The same in double precision.
    func sum(_ values: inout [Double]) throws
    /// Throws, on every member, if any member's `fingerprint` differs; `what` names the moment
    /// ("after step 50") in the message.
    func agree(on fingerprint: UInt64, what: String) throws
    /// Seconds spent exchanging (waiting for the others included) in this session so far.
    var communicationSeconds: Double { get }
}
