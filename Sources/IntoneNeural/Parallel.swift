import Dispatch
import Synchronization

/// Spreads a layer's element-wise or per-channel loops over the cores. Work is split into
/// contiguous index ranges and every index is computed exactly as the serial loop would compute it
/// (no sum is split), so results do not depend on the number of threads.
public enum Parallelism {
    private static let count = Atomic<Int>(1)

    /// Threads the loops may use (default 1; `intone train` sets its `--threads`).
    public static var threads: Int {
        get { count.load(ordering: .relaxed) }
        set { count.store(max(1, newValue), ordering: .relaxed) }
    }

    /// Calls `body` on disjoint ranges covering `0..<n`, on up to `threads` threads when `n` is at
    /// least `minimum` (small loops stay on the calling thread).
    static func forRanges(_ n: Int, minimum: Int = 1 << 15, _ body: (Range<Int>) -> Void) {
        let k = threads
        guard k > 1, n >= minimum else {
            if n > 0 { body(0..<n) }
            return
        }
        let parts = min(k, n)
        withoutActuallyEscaping(body) { escaping in
            // The ranges are disjoint and the call returns only when all are done: the body's
            // pointers are shared safely.
            let work = UncheckedBody(run: escaping)
            DispatchQueue.concurrentPerform(iterations: parts) { p in
                work.run((p * n / parts)..<((p + 1) * n / parts))
            }
        }
    }
}

private struct UncheckedBody: @unchecked Sendable {
    let run: (Range<Int>) -> Void
}
