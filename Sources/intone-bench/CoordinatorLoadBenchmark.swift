import Foundation
import IntoneCluster
import IntoneFormats

/// `intone-bench coordinator-load`: one coordinator (in this process, on loopback TCP) under many
/// workers and concurrent jobs. The workers are simulated on one thread, a DEALER socket each,
/// speaking the real protocol (hello, heartbeats every 0.5 s, a result for each task at once);
/// the jobs are real `ClusterClient`s, each on its own thread, submitting no-op tasks. Prints the
/// tasks per second over the whole run, the dispatch latency (from a worker's result to its next
/// task, while every job still has work), the process's peak memory and CPU use, and the workers
/// the coordinator declared lost (all false positives: none of them stops).
enum CoordinatorLoadBenchmark {
    static func run(workers: Int, jobs: Int, tasks: Int) throws {
        let shell = try CoordinatorShell(bind: "tcp://127.0.0.1:*")
        let endpoint = shell.endpoint
        let simulation = SimulatedWorkers(count: workers, endpoint: endpoint)
        Thread.detachNewThread { simulation.serve() }
        let joinBy = Date().addingTimeInterval(60)
        while shell.workerCount < workers && Date() < joinBy { Thread.sleep(forTimeInterval: 0.05) }
        guard shell.workerCount == workers else { fail("only \(shell.workerCount) of \(workers) simulated workers joined") }
        let cpuBefore = cpuSeconds()
        let perJob = tasks / jobs
        let done = Counter()
        let group = DispatchGroup()
        let begun = Date()
        simulation.recording = true
        for j in 0..<jobs {
            group.enter()
            Thread.detachNewThread {
                defer { group.leave() }
                let client = ClusterClient(connect: endpoint, name: "load-job-\(j)")
                let batch = (0..<perJob).map { CoordinatorCore.Task(id: "j\(j)-\($0)", body: "{}") }
                do {
                    try client.run(tasks: batch, blobs: [:], waitForWorkers: 60, completed: { _, _, _ in done.add() }, abandoned: { _, _ in })
                } catch { FileHandle.standardError.write(Data("job \(j): \(error)\n".utf8)) }
                simulation.recording = false   // the first job to finish ends the latency window
            }
        }
        group.wait()
        let seconds = Date().timeIntervalSince(begun)
        let cpu = cpuSeconds() - cpuBefore
        let status = shell.status
        simulation.stop()
        let latencies = simulation.latencies.sorted()
        func percentile(_ p: Double) -> Double { latencies.isEmpty ? .nan : latencies[min(latencies.count - 1, Int(p * Double(latencies.count)))] * 1000 }
        print(String(format: "coordinator-load: %d simulated workers, %d jobs, %d tasks: %.0f tasks/s (%d done in %.2f s)",
                     workers, jobs, perJob * jobs, Double(done.value) / seconds, done.value, seconds))
        print(String(format: "dispatch latency (result to the next task, %d samples): p50 %.2f ms, p99 %.2f ms",
                     latencies.count, percentile(0.5), percentile(0.99)))
        print(String(format: "process (coordinator, %d simulated workers and %d clients): peak RSS %.0f MB, CPU %.2f cores", workers, jobs,
                     peakResidentMB(), cpu / seconds))
        print("workers declared lost (false positives): \(status.workersLostTotal); duplicates \(status.duplicateResults), dropped \(status.droppedMessages)")
    }

    static func cpuSeconds() -> Double {
        var usage = rusage()
        getrusage(__rusage_who_t(RUSAGE_SELF.rawValue), &usage)
        return Double(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) + Double(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6
    }

    /// VmHWM of /proc/self/status in MB.
    static func peakResidentMB() -> Double {
        guard let text = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
              let line = text.split(separator: "\n").first(where: { $0.hasPrefix("VmHWM:") }),
              let kb = line.split(separator: " ").compactMap({ Double($0) }).first else { return .nan }
        return kb / 1024
    }
}

/// Many protocol-speaking workers on one thread.
final class SimulatedWorkers: @unchecked Sendable {
    // @unchecked Sendable: the sockets are touched only by `serve`'s thread; the flags and the
    // latency list are guarded by `lock`.
    private let count: Int
    private let endpoint: String
    private let lock = NSLock()
    private var running = true
    private var record = false
    private var samples: [Double] = []

    /// How long each task takes (results are held that long); 0: answered at once.
    private let taskSeconds: Double
    /// Called on the serving thread with each task id as it arrives.
    private let onTask: (@Sendable (String) -> Void)?

    init(count: Int, endpoint: String, taskSeconds: Double = 0, onTask: (@Sendable (String) -> Void)? = nil) {
        self.count = count
        self.endpoint = endpoint
        self.taskSeconds = taskSeconds
        self.onTask = onTask
    }

    var recording: Bool {
        get { lock.withLock { record } }
        set { lock.withLock { record = newValue } }
    }
    var latencies: [Double] { lock.withLock { samples } }
    func stop() { lock.withLock { running = false } }

    func serve() {
        let context = ZMQContext()
        var sockets: [ZMQSocket] = []
        for i in 0..<count {
            guard let s = try? ZMQSocket(context: context, kind: .dealer) else { continue }
            try? s.setRoutingID(Array("sim-\(i)".utf8))
            try? s.connect(endpoint)
            try? s.send(WireMessage(Envelope(type: .hello, worker: "sim-\(i)", jobs: 1)).frames())
            sockets.append(s)
        }
        var lastHeartbeat = [Double](repeating: 0, count: sockets.count)
        var lastResult = [Double?](repeating: nil, count: sockets.count)
        let clock = { Double(DispatchTime.now().uptimeNanoseconds) / 1e9 }
        var local: [Double] = []
        // Tasks being "run": (when it is done, socket, id, attempt), oldest first.
        var held: [(due: Double, socket: Int, id: String, attempt: Int?)] = []
        while lock.withLock({ running }) {
            let ready = (try? ZMQSocket.poll(sockets, timeout: taskSeconds > 0 ? 1 : 5)) ?? []
            let now = clock()
            let recordingNow = recording
            for (i, s) in sockets.enumerated() where i < ready.count && ready[i] {
                while let frames = try? s.receiveNow(), let message = WireMessage.parse(frames) {
                    let e = message.envelope
                    guard e.type == .task, let id = e.task else { continue }
                    onTask?(id)
                    if taskSeconds > 0 {
                        held.append((clock() + taskSeconds, i, id, e.attempt))
                        continue
                    }
                    if recordingNow, let last = lastResult[i] { local.append(clock() - last) }
                    try? s.send(WireMessage(Envelope(type: .result, task: id, attempt: e.attempt, body: "{}", seconds: 0.00001)).frames())
                    lastResult[i] = clock()
                }
            }
            let finishedAt = clock()
            while let first = held.first, first.due <= finishedAt {
                held.removeFirst()
                try? sockets[first.socket].send(WireMessage(Envelope(type: .result, task: first.id, attempt: first.attempt, body: "{}",
                                                                     seconds: taskSeconds)).frames())
            }
            if !recordingNow { for i in lastResult.indices { lastResult[i] = nil } }
            for i in sockets.indices where now - lastHeartbeat[i] >= 0.5 {
                try? sockets[i].send(WireMessage(Envelope(type: .heartbeat)).frames())
                lastHeartbeat[i] = now
            }
            if local.count >= 1024 {
                let batch = local
                lock.withLock { samples += batch }
                local.removeAll(keepingCapacity: true)
            }
        }
        let rest = local
        lock.withLock { samples += rest }
    }
}
