import Foundation

/// Runs independent work items on local threads and returns their results in item order, whatever
/// order they finish in: the local placement of Intone's task engine (the cluster places the same
/// items on workers).
///
/// Blocking work (decoding, FFTs, BLAS) runs on dedicated threads, not on Swift's cooperative pool,
/// which has only as many threads as cores.
public enum LocalRunner {
    /// Calls `body(i)` for every `i` in `0..<count` on `jobs` threads; results in index order.
    public static func map<T: Sendable>(count: Int, jobs: Int, _ body: @escaping @Sendable (Int) -> T) -> [T] {
        let results = ResultSlots<T>(count: count)
        let next = IndexCounter()
        let group = DispatchGroup()
        for _ in 0..<max(1, min(jobs, count)) {
            group.enter()
            Thread.detachNewThread {
                while let i = next.take(below: count) {
                    results.set(i, body(i))
                }
                group.leave()
            }
        }
        group.wait()
        return results.values()
    }
}

/// Fixed result slots filled concurrently (by local threads or a scheduler's service thread).
public final class ResultSlots<T: Sendable>: @unchecked Sendable {
    // @unchecked Sendable: every access goes through `lock`.
    private var slots: [T?]
    private let lock = NSLock()
    public init(count: Int) { slots = [T?](repeating: nil, count: count) }
    public func set(_ i: Int, _ value: T) { lock.lock(); slots[i] = value; lock.unlock() }
    /// The value in slot `i`, if it was set.
    public func get(_ i: Int) -> T? { lock.lock(); defer { lock.unlock() }; return slots[i] }
    /// Every value; each slot must have been set.
    public func values() -> [T] { lock.lock(); defer { lock.unlock() }; return slots.map { $0! } }
}

/// A shared "next index" counter.
final class IndexCounter: @unchecked Sendable {
    // @unchecked Sendable: guarded by `lock`.
    private var value = 0
    private let lock = NSLock()
    func take(below limit: Int) -> Int? {
        lock.lock(); defer { lock.unlock() }
        guard value < limit else { return nil }
        value += 1
        return value - 1
    }
}
