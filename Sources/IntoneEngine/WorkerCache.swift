import Foundation

/// Values a task kind builds once per key on its worker (decoded sweep data, a feature extractor, an unpacked model)
/// and shares between its task threads. Two threads missing the same key at once may both build
/// it; the first stored wins.
public final class WorkerCache<Key: Hashable & Sendable, Value>: @unchecked Sendable {
    // @unchecked Sendable: guarded by `lock`; values are only read after they are stored.
    private var values: [Key: Value] = [:]
    private let lock = NSLock()

    public init() {}

    /// The value for `key`, built by `build` on a miss.
    public func value(for key: Key, build: () throws -> Value) throws -> Value {
        if let hit = lock.withLock({ values[key] }) { return hit }
        let built = try build()
        return lock.withLock {
            if let first = values[key] { return first }
            values[key] = built
            return built
        }
    }
}
