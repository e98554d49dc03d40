/// The best epoch so far by a monitored value, as Keras's `ModelCheckpoint(save_best_only=True)`
/// decides it: a new best when strictly better than the best so far (`>` in max mode, `<` in min
/// mode; ties keep the earlier epoch). Default monitor `val_accuracy`, maximised.
public struct BestCheckpoint: Sendable, Equatable, Codable {
    public let monitor: String
    public let mode: MonitorMode
    /// Best value so far (±∞ before the first).
    public private(set) var best: Double
    /// Epoch (0-based) of the best value, nil before the first.
    public private(set) var bestEpoch: Int?

    /// Tracks `monitor` (default `val_accuracy`; `.auto` maximises names containing "acc").
    public init(monitor: String = "val_accuracy", mode: MonitorMode = .auto) {
        self.monitor = monitor
        self.mode = mode.resolved(for: monitor)
        best = self.mode == .max ? -.infinity : .infinity
    }

    /// Ends epoch `epoch` with `value`; true when it is the new best (save the weights now).
    public mutating func epochEnded(_ epoch: Int, value: Double?) -> Bool {
        guard let current = value else { return false }
        let better = mode == .max ? current > best : current < best
        if better {
            best = current
            bestEpoch = epoch
        }
        return better
    }
}
