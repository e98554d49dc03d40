/// Keras 3 `ReduceLROnPlateau` as a pure state machine: feed it each epoch's monitored value and the
/// optimizer's learning rate; it answers with the new rate when it reduces it.
///
/// Keras's rule (`reduce_lr_on_plateau.py`): improvement is `current < best − min_delta` in min mode,
/// `current > best + min_delta` in max mode (an absolute threshold; best starts at ±∞; NaN never
/// improves). At each epoch end, first if cooling down: `cooldown_counter −= 1`, `wait = 0`. Then on
/// improvement `best = current`, `wait = 0`; otherwise, when not cooling down, `wait += 1` and once
/// `wait ≥ patience`, if `lr > float32(min_lr)`: `lr = max(lr · factor, min_lr)`,
/// `cooldown_counter = cooldown`, `wait = 0`. A missing value (nil) changes nothing.
public struct ReduceLROnPlateau: Sendable, Equatable, Codable {
    /// Name of the monitored quantity (decides `.auto` mode).
    public let monitor: String
    public let factor: Double
    public let patience: Int
    public let mode: MonitorMode
    public let minDelta: Double
    public let cooldown: Int
    public let minLearningRate: Double
    /// Best value so far.
    public private(set) var best: Double
    /// Epochs since the last improvement (or reduction).
    public private(set) var wait = 0
    /// Epochs of cooldown left.
    public private(set) var cooldownCounter = 0

    /// Keras defaults: `monitor="val_loss"`, `factor=0.1`, `patience=10`, `mode="auto"`,
    /// `min_delta=1e-4`, `cooldown=0`, `min_lr=0`.
    ///
    /// - Throws: `NeuralError.invalidSetting` when `factor ≥ 1` (as Keras refuses it).
    public init(monitor: String = "val_loss", factor: Double = 0.1, patience: Int = 10, mode: MonitorMode = .auto,
                minDelta: Double = 1e-4, cooldown: Int = 0, minLearningRate: Double = 0) throws(NeuralError) {
        guard factor < 1 else { throw NeuralError.invalidSetting("ReduceLROnPlateau does not support a factor >= 1.0, got \(factor)") }
        self.monitor = monitor
        self.factor = factor
        self.patience = patience
        self.mode = mode.resolved(for: monitor)
        self.minDelta = minDelta
        self.cooldown = cooldown
        self.minLearningRate = minLearningRate
        best = self.mode == .max ? -.infinity : .infinity
    }

    /// Whether a cooldown is running.
    public var inCooldown: Bool { cooldownCounter > 0 }

    /// Ends an epoch whose monitored value is `value` (nil if it was not logged) with the optimizer at
    /// `learningRate`; returns the reduced rate, or nil to keep the current one.
    public mutating func epochEnded(value: Double?, learningRate: Float) -> Float? {
        guard let current = value else { return nil }
        if inCooldown {
            cooldownCounter -= 1
            wait = 0
        }
        let improved = mode == .max ? current > best + minDelta : current < best - minDelta
        if improved {
            best = current
            wait = 0
            return nil
        }
        guard !inCooldown else { return nil }
        wait += 1
        guard wait >= patience else { return nil }
        let old = Double(learningRate)
        guard old > Double(Float(minLearningRate)) else { return nil }
        cooldownCounter = cooldown
        wait = 0
        return Float(max(old * factor, minLearningRate))
    }
}
