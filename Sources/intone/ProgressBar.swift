import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A one-line progress bar on stderr, redrawn at most ten times a second; silent when disabled.
///
/// Thread-safe: workers call `advance()` from any thread.
final class ProgressBar: @unchecked Sendable {
    // @unchecked Sendable: all mutable state is guarded by `lock`.
    private var total: Int
    private var text: String
    private let enabled: Bool
    private let lock = NSLock()
    private var done = 0
    private var failed = 0
    private var lastDraw = Date.distantPast
    private let start = Date()

    init(total: Int, label: String, enabled: Bool) {
        self.total = total
        self.text = label
        self.enabled = enabled
    }

    /// The words before the bar (may change as the job goes).
    var label: String {
        get { lock.withLock { text } }
        set { lock.withLock { text = newValue } }
    }

    /// Counts one finished item (`failed` if it did not succeed).
    func advance(failed didFail: Bool = false) {
        lock.lock(); defer { lock.unlock() }
        done += 1
        if didFail { failed += 1 }
        guard enabled else { return }
        let now = Date()
        if done == total || now.timeIntervalSince(lastDraw) > 0.1 {
            lastDraw = now
            draw(now: now)
        }
    }

    /// Sets the absolute state (for jobs that report their own counts).
    func update(done: Int, total: Int, failed: Int) {
        lock.lock(); defer { lock.unlock() }
        self.done = done
        self.total = total
        self.failed = failed
        guard enabled else { return }
        let now = Date()
        if done == total || now.timeIntervalSince(lastDraw) > 0.1 {
            lastDraw = now
            draw(now: now)
        }
    }

    /// Clears the bar's line (call before printing the summary).
    func finish() {
        lock.lock(); defer { lock.unlock() }
        if enabled { FileHandle.standardError.write(Data("\r\u{1B}[K".utf8)) }
    }

    private func draw(now: Date) {
        let width = 30
        let fraction = total > 0 ? Double(done) / Double(total) : 1
        let filled = Int(fraction * Double(width))
        let elapsed = now.timeIntervalSince(start)
        let rate = elapsed > 0 ? Double(done) / elapsed : 0
        let eta = rate > 0 ? Double(total - done) / rate : 0
        let bar = String(repeating: "█", count: filled) + String(repeating: "·", count: width - filled)
        let failures = failed > 0 ? ", \(failed) failed" : ""
        let line = String(format: "\r%@ [%@] %d/%d%@  %.0f/s  ETA %@\u{1B}[K", text, bar, done, total, failures, rate, Self.duration(eta))
        FileHandle.standardError.write(Data(line.utf8))
    }

    /// A duration for people: "12s", "2m 50s", "1h 02m".
    static func duration(_ seconds: Double) -> String {
        guard seconds.isFinite, seconds >= 0 else { return "?" }
        let s = Int(seconds.rounded())
        if s < 60 { return "\(s)s" }
        if s < 3600 { return "\(s / 60)m \(String(format: "%02d", s % 60))s" }
        return "\(s / 3600)h \(String(format: "%02d", (s % 3600) / 60))m"
    }
}
