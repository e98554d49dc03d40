/// Whether a monitored quantity should go down (a loss) or up (an accuracy), Keras's `mode`.
public enum MonitorMode: String, Sendable, Codable, CaseIterable {
    /// From the monitor's name: anything containing "acc" is maximised, everything else minimised.
    case auto
    /// Lower is better.
    case min
    /// Higher is better.
    case max

    /// `.min` or `.max` for `monitor` (resolving `.auto` by name).
    public func resolved(for monitor: String) -> MonitorMode {
        switch self {
        case .min, .max: self
        case .auto: monitor.contains("acc") ? .max : .min
        }
    }
}
