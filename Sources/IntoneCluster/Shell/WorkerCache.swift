import Foundation

/// Values a worker builds once per key (decoded sweep data, a feature extractor, an unpacked model)
/// and shares between its task threads. Two threads missing the same key at once may both build
/// it; the first stored wins.
final class WorkerCache<Key: Hashable & Sendable, Value>: @unchecked Sendable {
    // @unchecked Sendable: guarded by `lock`; values are only read after they are stored.
    private var values: [Key: Value] = [:]
    private let lock = NSLock()

    func value(for key: Key, build: () throws -> Value) throws -> Value {
        if let hit = lock.withLock({ values[key] }) { return hit }
        let built = try build()
        return lock.withLock {
            if let first = values[key] { return first }
            values[key] = built
            return built
        }
    }
}
