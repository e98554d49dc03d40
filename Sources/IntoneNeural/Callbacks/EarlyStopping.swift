/// Keras 3 `EarlyStopping` as a pure state machine returning directives; the training loop keeps or
/// restores the weights and stops.
///
/// Keras's rule (`early_stopping.py`): nothing happens for a missing value or before
/// `start_from_epoch`. With `restore_best_weights`, the first monitored epoch's weights are kept as
/// best. Then `wait += 1`; improvement is `current − min_delta > best` (max mode) or
/// `current + min_delta < best` (min mode), `min_delta` taken as its absolute value; on improvement
/// `best = current`, the weights are kept, and `wait = 0` if there is no `baseline` or current also
/// improves on it. Without improvement, training stops once `wait ≥ patience` and `epoch > 0`.
public struct EarlyStopping: Sendable, Equatable, Codable {
    /// What the training loop should do after an epoch.
    public enum Directive: Sendable, Equatable {
        /// Keep a copy of the current parameters and state as the best weights.
        case snapshotWeights
        /// Stop training (then restore the snapshot if `restoreBestWeights`).
        case stopTraining
    }

    public let monitor: String
    public let minDelta: Double
    public let patience: Int
    public let mode: MonitorMode
    public let baseline: Double?
    public let restoreBestWeights: Bool
    public let startFromEpoch: Int
    /// Best value so far.
    public private(set) var best: Double
    /// Epochs counted since the last improvement.
    public private(set) var wait = 0
    /// Epoch (0-based) of the best value, or of the snapshot Keras would restore.
    public private(set) var bestEpoch = 0
    /// Epoch at which training was stopped, if it was.
    public private(set) var stoppedEpoch: Int?
    /// Whether a snapshot has been requested.
    public private(set) var hasSnapshot = false

    /// Keras defaults: `monitor="val_loss"`, `min_delta=0`, `patience=0`, `mode="auto"`, no baseline,
    /// `restore_best_weights=False`, `start_from_epoch=0`.
    public init(monitor: String = "val_loss", minDelta: Double = 0, patience: Int = 0, mode: MonitorMode = .auto,
                baseline: Double? = nil, restoreBestWeights: Bool = false, startFromEpoch: Int = 0) {
        self.monitor = monitor
        self.minDelta = abs(minDelta)
        self.patience = patience
        self.mode = mode.resolved(for: monitor)
        self.baseline = baseline
        self.restoreBestWeights = restoreBestWeights
        self.startFromEpoch = startFromEpoch
        best = self.mode == .max ? -.infinity : .infinity
    }

    /// Whether the loop should put the snapshot back when training ends (Keras restores it at the end
    /// of training whether or not it stopped early).
    public var shouldRestoreBestWeights: Bool { restoreBestWeights && hasSnapshot }

    /// Ends epoch `epoch` (0-based) with monitored `value`; returns what to do, in order.
    public mutating func epochEnded(_ epoch: Int, value: Double?) -> [Directive] {
        guard let current = value, epoch >= startFromEpoch else { return [] }
        var directives: [Directive] = []
        if restoreBestWeights && !hasSnapshot {
            hasSnapshot = true
            bestEpoch = epoch
            directives.append(.snapshotWeights)
        }
        wait += 1
        if isImprovement(current, over: best) {
            best = current
            bestEpoch = epoch
            if restoreBestWeights && directives.isEmpty { directives.append(.snapshotWeights) }
            if baseline.map({ isImprovement(current, over: $0) }) ?? true { wait = 0 }
            return directives
        }
        if wait >= patience && epoch > 0 {
            stoppedEpoch = epoch
            directives.append(.stopTraining)
        }
        return directives
    }

    private func isImprovement(_ value: Double, over reference: Double) -> Bool {
        mode == .max ? value - minDelta > reference : value + minDelta < reference
    }
}
