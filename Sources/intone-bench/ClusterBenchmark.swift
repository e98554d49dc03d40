import Foundation
import IntoneCluster
import IntoneFormats

/// Coordinator throughput and scheduling efficiency through real sockets: the coordinator runs in
/// this process, the workers are separate `intone-bench cluster-worker` processes on loopback TCP.
struct ClusterBenchmark {
    /// What a benchmark worker does with a task.
    enum Work: String { case noop, sleep }

    /// Runs a worker process (the other half of the benchmark).
    static func worker(connect: String, jobs: Int, name: String) -> Never {
        let shell = WorkerShell(connect: connect, name: name, jobs: jobs) { body, blobs in
            // Body: {"sleep": milliseconds}, {"echo": 1} (send the task's blob back, as a gradient of
            // the parameters' size), or {}.
            if let range = body.range(of: "\"sleep\":"), let ms = Int(body[range.upperBound...].prefix { $0.isNumber }) {
                Thread.sleep(forTimeInterval: Double(ms) / 1000)
            }
            if body.contains("\"echo\""), let blob = blobs.first { return WorkerShell.TaskOutput(body: "{}", blobs: [blob.bytes]) }
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

    /// The gradient exchange of data-parallel training as Intone does it today (coordinator-centred):
    /// per step, `size` bytes of parameters go to each of `workers` worker processes as one blob
    /// (named by its SHA-256, new every step) and each sends `size` bytes of gradients back, which
    /// this process sums in double precision (as `ShardedGradients.combine`). Prints seconds per
    /// exchange, algorithm bandwidth (size / time) and bus bandwidth (2(N−1)/N · size / time, the
    /// figure a ring allreduce is judged by), beside this machine's in-process copy bandwidth.
    static func exchange(sizesMB: [Int], workers: Int, rounds: Int) throws {
        let shell = try CoordinatorShell(bind: "tcp://127.0.0.1:*")
        let procs = try startWorkers(workers, jobs: 1, endpoint: shell.endpoint)
        waitForWorkers(shell, workers)
        for mb in sizesMB {
            let count = mb << 18   // floats
            var parameters = (0..<count).map { Float($0 % 977) * 1e-3 }
            var best = Double.infinity
            for round in 0..<rounds {
                parameters[0] = Float(round)   // a new step, a new blob
                let begun = Date()
                let bytes = parameters.withUnsafeBytes { Array($0) }
                let hash = IntoneFormats.SHA256.hex(of: bytes)
                let tasks = (0..<workers).map { CoordinatorCore.Task(id: "x\(mb)-\(round)-\($0)", body: "{\"echo\":1,\"i\":\($0)}", dataHash: hash) }
                let sum = Accumulator(count: count)
                try shell.run(tasks: tasks, blobs: [hash: bytes], waitForWorkers: 30, completed: { _, _, frames in
                    if let g = frames.first { sum.add(g) }
                }, abandoned: { _, _ in })
                best = min(best, Date().timeIntervalSince(begun))
            }
            let size = Double(mb) * 1_048_576
            let bus = workers > 1 ? 2 * Double(workers - 1) / Double(workers) * size / best : size / best
            print(String(format: "exchange %d worker(s), %3d MB: %7.1f ms per step, algbw %6.0f MB/s, busbw %6.0f MB/s",
                         workers, mb, best * 1000, size / best / 1_048_576, bus / 1_048_576))
        }
        // The reference: copying the same bytes once inside this process.
        let big = [UInt8](repeating: 1, count: 64 << 20)
        var copy = [UInt8](repeating: 0, count: big.count)   // pages touched before timing
        let begun = Date()
        copy.withUnsafeMutableBytes { dst in big.withUnsafeBytes { src in dst.copyMemory(from: src) } }
        let seconds = Date().timeIntervalSince(begun)
        print(String(format: "in-process copy bandwidth: %.0f MB/s (checksum %d)", 64 / seconds, Int(copy[copy.count - 1])))
        stop(shell, procs)
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

/// Sums float32 gradient frames in double precision, from the service thread.
final class Accumulator: @unchecked Sendable {
    // @unchecked Sendable: guarded by `lock`.
    private var total: [Double]
    private let lock = NSLock()
    init(count: Int) { total = [Double](repeating: 0, count: count) }
    func add(_ bytes: [UInt8]) {
        lock.withLock {
            bytes.withUnsafeBytes { raw in
                let g = raw.bindMemory(to: Float.self)
                for i in 0..<min(g.count, total.count) { total[i] += Double(g[i]) }
            }
        }
    }
}
