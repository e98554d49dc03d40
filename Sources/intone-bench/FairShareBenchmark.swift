import Foundation
import IntoneCluster

/// `intone-bench fair-share`: how one coordinator shares its slots among concurrent jobs. Simulated
/// one-slot workers (one thread, a DEALER socket each, the real protocol) hold each task for
/// `--task-ms`; two real `ClusterClient` jobs of equal priority start together, and a third of
/// priority `--late-priority` joins after `--late-after` seconds. The coordinator's job table is
/// sampled every 5 ms. Prints each job's share of the running slots while the two run alone and
/// after the third joined (the weighted fair share predicts 50/50, then 1:1:P), and how long the
/// late job waited from its submission to its first task reaching a worker.
enum FairShareBenchmark {
    static func run(workers: Int, taskMilliseconds: Int, tasksPerJob: Int, lateAfter: Double, latePriority: Double) throws {
        let shell = try CoordinatorShell(bind: "tcp://127.0.0.1:*")
        let endpoint = shell.endpoint
        let firstLate = FirstArrival(prefix: "late-")
        let simulation = SimulatedWorkers(count: workers, endpoint: endpoint, taskSeconds: Double(taskMilliseconds) / 1000,
                                          onTask: { firstLate.saw($0) })
        Thread.detachNewThread { simulation.serve() }
        let joinBy = Date().addingTimeInterval(60)
        while shell.workerCount < workers && Date() < joinBy { Thread.sleep(forTimeInterval: 0.05) }
        guard shell.workerCount == workers else { fail("only \(shell.workerCount) of \(workers) simulated workers joined") }

        let group = DispatchGroup()
        func job(_ name: String, priority: Double, tasks: Int) {
            group.enter()
            Thread.detachNewThread {
                defer { group.leave() }
                let client = ClusterClient(connect: endpoint, name: name, share: JobShare(priority: priority))
                let batch = (0..<tasks).map { CoordinatorCore.Task(id: "\(name)-\($0)", body: "{}") }
                do { try client.run(tasks: batch, blobs: [:], waitForWorkers: 60, completed: { _, _, _ in }, abandoned: { _, _ in }) }
                catch { FileHandle.standardError.write(Data("\(name): \(error)\n".utf8)) }
            }
        }
        let begun = Date()
        job("equal-a", priority: 1, tasks: tasksPerJob)
        job("equal-b", priority: 1, tasks: tasksPerJob)
        var samples: [(seconds: Double, running: [String: Int], pending: [String: Int])] = []
        var lateSubmitted: Double?
        var lateQueued: Double?
        while true {
            let t = Date().timeIntervalSince(begun)
            if lateSubmitted == nil && t >= lateAfter {
                lateSubmitted = firstLate.clock()
                job("late-c", priority: latePriority, tasks: tasksPerJob)
            }
            let rows = shell.jobTable(includingExternal: false).jobs
            if lateQueued == nil, rows.contains(where: { $0.name == "late-c" && $0.pending + $0.running + $0.done > 0 }) { lateQueued = firstLate.clock() }
            samples.append((t, Dictionary(rows.map { ($0.name, $0.running) }, uniquingKeysWith: +),
                            Dictionary(rows.map { ($0.name, $0.pending) }, uniquingKeysWith: +)))
            if lateSubmitted != nil && group.wait(timeout: .now()) == .success { break }
            if t > 600 { fail("the jobs did not finish within 600 s") }
            Thread.sleep(forTimeInterval: 0.005)
        }
        group.wait()
        simulation.stop()

        // Shares of the running slots, averaged over the samples where every job named has work queued
        // (so each could use more slots than it has).
        func shares(_ names: [String], from: Double, to: Double) -> (values: [Double], samples: Int, firstRange: ClosedRange<Double>) {
            var sums = [Double](repeating: 0, count: names.count)
            var n = 0
            var low = 1.0, high = 0.0
            for s in samples where s.seconds >= from && s.seconds < to && names.allSatisfy({ (s.pending[$0] ?? 0) > 0 }) {
                let total = names.reduce(0) { $0 + (s.running[$1] ?? 0) }
                guard total > 0 else { continue }
                for (i, name) in names.enumerated() { sums[i] += Double(s.running[name] ?? 0) / Double(total) }
                let first = Double(s.running[names[0]] ?? 0) / Double(total)
                low = min(low, first)
                high = max(high, first)
                n += 1
            }
            return (sums.map { n > 0 ? $0 / Double(n) : .nan }, n, min(low, high)...high)
        }
        let alone = shares(["equal-a", "equal-b"], from: 0.2, to: lateAfter)
        let wait = firstLate.first.map { ($0 - lateSubmitted!) * 1000 }
        let joinedFrom = lateAfter + (wait ?? 0) / 1000 + Double(taskMilliseconds) / 1000
        let three = shares(["equal-a", "equal-b", "late-c"], from: joinedFrom, to: .infinity)
        let weights = [1.0, 1.0, latePriority]
        let predicted = weights.map { $0 / weights.reduce(0, +) }
        print(String(format: "fair-share: %d simulated one-slot workers, tasks of %d ms, %d tasks per job", workers, taskMilliseconds, tasksPerJob))
        print(String(format: "two equal jobs (%d samples while both had work queued): %.1f %% and %.1f %% of the running slots (predicted 50 %% each); the first job's share in any one sample %.1f-%.1f %%",
                     alone.samples, alone.values[0] * 100, alone.values[1] * 100, alone.firstRange.lowerBound * 100, alone.firstRange.upperBound * 100))
        print(String(format: "late job of priority %g: first task on a worker %.1f ms after its submission (task duration %d ms); its tasks were in the coordinator's queue %.1f ms after the submission (the client's connection and the upload of its task list; sampled every 5 ms)",
                     latePriority, wait ?? .nan, taskMilliseconds, lateQueued.map { ($0 - lateSubmitted!) * 1000 } ?? .nan))
        print(String(format: "three jobs (%d samples while all had work queued): %.1f %% / %.1f %% / %.1f %% (predicted %.1f / %.1f / %.1f)",
                     three.samples, three.values[0] * 100, three.values[1] * 100, three.values[2] * 100,
                     predicted[0] * 100, predicted[1] * 100, predicted[2] * 100))
    }
}

/// The clock time a task whose id starts with `prefix` first reached a worker.
final class FirstArrival: @unchecked Sendable {
    // @unchecked Sendable: guarded by `lock`.
    private let lock = NSLock()
    private let prefix: String
    private var seen: Double?

    init(prefix: String) { self.prefix = prefix }

    func clock() -> Double { Double(DispatchTime.now().uptimeNanoseconds) / 1e9 }

    func saw(_ id: String) {
        guard id.hasPrefix(prefix) else { return }
        let now = clock()
        lock.withLock { if seen == nil { seen = now } }
    }

    var first: Double? { lock.withLock { seen } }
}
