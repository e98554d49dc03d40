/// A coordinator's counters at one moment: what `intone coordinator` prints and serves as metrics.
public struct ClusterStatus: Equatable, Sendable, Codable {
    /// Workers connected now.
    public var workers: Int
    /// Their job slots (tasks they run at once).
    public var slots: Int
    /// Clients (`--cluster` jobs) connected now.
    public var clients: Int
    /// Tasks waiting for a worker.
    public var pending: Int
    /// Tasks on workers.
    public var running: Int
    /// Tasks finished since the coordinator started.
    public var completedTotal: Int
    /// Tasks given up after their last attempt failed.
    public var abandonedTotal: Int
    /// Failed attempts reported by workers.
    public var failuresTotal: Int
    /// Workers declared dead or gone.
    public var workersLostTotal: Int
    /// Results dropped because another copy of the task had finished first.
    public var duplicateResults: Int
    /// Malformed, unknown or out-of-order messages dropped.
    public var droppedMessages: Int
    /// Peers refused by the allow-list.
    public var refusedPeers: Int
    /// Seconds since the coordinator started.
    public var uptimeSeconds: Double
}
