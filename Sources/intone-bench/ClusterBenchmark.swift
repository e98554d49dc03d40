import Foundation
import IntoneCluster

/// Coordinator throughput and scheduling efficiency through real sockets: the coordinator runs in
/// this process, the workers are separate `intone-bench cluster-worker` processes on loopback TCP.
struct ClusterBenchmark {
    /// What a benchmark worker does with a task.
    enum Work: String { case noop, sleep }

    /// Runs a worker process (the other half of the benchmark).
    static func worker(connect: String, jobs: Int, name: String) -> Never {
        let shell = WorkerShell(connect: connect, name: name, jobs: jobs) { body, _ in
            // Body: {"sleep": milliseconds} or {}.
            if let range = body.range(of: "\"sleep\":"), let ms = Int(body[range.upperBound...].prefix { $0.isNumber }) {
                Thread.sleep(forTimeInterval: Double(ms) / 1000)
            }
            return WorkerShell.TaskOutput(body: "{}")
        }
        do { _ = try shell.run() } catch { FileHandle.standardError.write(Data("worker: \(error)\n".utf8)); exit(1) }
        exit(0)
    }

    /// Starts `count` worker processes with `jobs` slots each.
    static func startWorkers(_ count: Int, jobs: Int, endpoint: String) throws -> [Process] {
        let me = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
        return try (0..<count).map { i in
            let p = Process()
            p.executableURL = me
            p.arguments = ["cluster-worker", "--connect", endpoint, "--jobs", String(jobs), "--name", String(format: "w%02d", i)]
            try p.run()
            return p
        }
    }

    static func waitForWorkers(_ shell: CoordinatorShell, _ n: Int) {
        let deadline = Date().addingTimeInterval(30)
        while shell.workerCount < n && Date() < deadline { Thread.sleep(forTimeInterval: 0.01) }
    }

    static func stop(_ shell: CoordinatorShell, _ workers: [Process]) {
        shell.shutdownWorkers(linger: 0.3)
        for p in workers { p.waitUntilExit() }
        shell.stop()
    }

    /// No-op tasks per second with `workers` worker processes.
    static func throughput(tasks: Int, workers: Int, rounds: Int) throws {
        let shell = try CoordinatorShell(bind: "tcp://127.0.0.1:*")
        let procs = try startWorkers(workers, jobs: 1, endpoint: shell.endpoint)
        waitForWorkers(shell, workers)
        var rates: [Double] = []
        for round in 0..<rounds {
            let batch = (0..<tasks).map { CoordinatorCore.Task(id: "r\(round)-\($0)", body: "{}") }
            let counter = Counter()
            let begun = Date()
            try shell.run(tasks: batch, blobs: [:], waitForWorkers: 30, completed: { _, _, _ in counter.add() }, abandoned: { _, _ in })
            let seconds = Date().timeIntervalSince(begun)
            precondition(counter.value == tasks, "lost tasks: \(counter.value) of \(tasks)")
            rates.append(Double(tasks) / seconds)
        }
        let status = shell.status
        stop(shell, procs)
        print(String(format: "throughput: %d no-op tasks × %d rounds, %d worker process(es): best %.0f tasks/s, median %.0f tasks/s (duplicates %d, dropped %d)",
                     tasks, rounds, workers, rates.max()!, rates.sorted()[rates.count / 2], status.duplicateResults, status.droppedMessages))
    }

    /// Wall time of `tasks` tasks sleeping `milliseconds` each on `workers` one-slot workers,
    /// against the ideal tasks × duration / workers.
    static func efficiency(tasks: Int, milliseconds: Int, workers: Int) throws {
        let shell = try CoordinatorShell(bind: "tcp://127.0.0.1:*")
        let procs = try startWorkers(workers, jobs: 1, endpoint: shell.endpoint)
        waitForWorkers(shell, workers)
        let batch = (0..<tasks).map { CoordinatorCore.Task(id: "s\($0)", body: "{\"sleep\":\(milliseconds)}") }
        let counter = Counter()
        let begun = Date()
        try shell.run(tasks: batch, blobs: [:], waitForWorkers: 30, completed: { _, _, _ in counter.add() }, abandoned: { _, _ in })
        let seconds = Date().timeIntervalSince(begun)
        precondition(counter.value == tasks, "lost tasks")
        let status = shell.status
        stop(shell, procs)
        let ideal = Double(tasks) * Double(milliseconds) / 1000 / Double(workers)
        print(String(format: "scheduling: %d tasks × %d ms on %d workers: %.3f s against the ideal %.3f s: efficiency %.1f%% (speculative duplicates %d)",
                     tasks, milliseconds, workers, seconds, ideal, 100 * ideal / seconds, status.duplicateResults))
    }
}

final class Counter: @unchecked Sendable {
    private var n = 0
    private let lock = NSLock()
    func add() { lock.withLock { n += 1 } }
    var value: Int { lock.withLock { n } }
}
