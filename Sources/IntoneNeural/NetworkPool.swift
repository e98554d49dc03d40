import Foundation

/// Copies of a network, with the scratch memory they have grown, lent to one thread at a time: a
/// caller takes one (or makes a fresh one), runs it, and gives it back, so repeated calls reuse
/// their buffers instead of allocating them again. Copies are kept under a key (a model, a training
/// config); giving one under a new key lets the others go, since a process serves one model at a
/// time, and at most 8 are kept.
public final class NetworkPool: @unchecked Sendable {
    // @unchecked Sendable: `shelf` is only touched under `lock`.
    private var shelf: [String: [Network]] = [:]
    private let lock = NSLock()

    public init() {}

    /// A kept copy for `key`, if any.
    public func take(_ key: String = "") -> Network? { lock.withLock { shelf[key]?.popLast() } }

    /// Keeps `network` for the next `take(key)`.
    public func give(_ network: Network, _ key: String = "") {
        lock.withLock {
            if shelf[key] == nil { shelf = [:] }
            if shelf[key, default: []].count < 8 { shelf[key, default: []].append(network) }
        }
    }
}
