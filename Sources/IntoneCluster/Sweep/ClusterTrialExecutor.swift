import Foundation
import IntoneFormats
import IntoneLearning
import IntoneSweep

/// Runs a sweep's trials on cluster workers through a `TaskScheduler` (the coordinator in this
/// process, or one reached with `--cluster`): the trials become tasks,
/// the development data becomes one blob shipped to each worker once, and results come back as JSON.
/// The sweep journals each result as it arrives, so a coordinator killed mid-sweep resumes without
/// redoing a finished trial.
public final class ClusterTrialExecutor: TrialExecutor, @unchecked Sendable {
    // @unchecked Sendable: the scheduler is used only from the thread that runs the sweep.
    let scheduler: any TaskScheduler
    let waitForWorkers: Double

    public init(scheduler: any TaskScheduler, waitForWorkers: Double = 60) {
        self.scheduler = scheduler
        self.waitForWorkers = waitForWorkers
    }

    public func run(_ trials: [Trial], runner: TrialRunner,
                    finished: @escaping @Sendable (Trial, TrialResult) -> Void) throws(SweepError) -> [Result<TrialResult, LearningError>] {
        if trials.isEmpty { return [] }
        let blob = SweepTaskData.encode(runner)
        let hash = SHA256.hex(of: blob)
        // Task ids name the data too: two sweeps on different stores never share a result.
        func taskID(_ t: Trial) -> String { t.key + "@" + hash.prefix(16) }
        let tasks = trials.map { CoordinatorCore.Task(id: taskID($0), body: SweepTaskData.body($0), dataHash: hash) }
        var byKey: [String: Trial] = [:]
        for t in trials { byKey[taskID(t)] = t }
        let outcomes = Outcomes()
        let lookup = byKey
        do {
            try scheduler.run(tasks: tasks, blobs: [hash: blob], waitForWorkers: waitForWorkers, completed: { id, body, _ in
                guard let trial = lookup[id] else { return }
                if let r = try? JSONDecoder().decode(TrialResult.self, from: Data(body.utf8)) {
                    outcomes.set(id, .success(r))
                    finished(trial, r)
                } else {
                    outcomes.set(id, .failure(LearningError("a worker sent an unreadable result")))
                }
            }, abandoned: { id, reason in
                outcomes.set(id, .failure(LearningError(reason)))
            })
        } catch {
            throw SweepError(error.description)
        }
        return trials.map { outcomes.get(taskID($0)) ?? .failure(LearningError("no result")) }
    }

    /// The handler a worker runs for sweep tasks: rebuilds the data once per blob, then runs trials.
    public static func workerHandler() -> WorkerShell.Handler {
        let cache = RunnerCache()
        return { body, blob in
            guard let blob else { throw ClusterError("a trial arrived without its data") }
            let runner = try cache.runner(hash: blob.hash, bytes: blob.bytes)
            let t = try JSONDecoder().decode(SweepTaskData.TrialBody.self, from: Data(body.utf8))
            let result = try runner.run(Trial(estimator: t.estimator, parameters: t.parameters, fold: t.fold, resource: t.resource))
            return WorkerShell.TaskOutput(body: String(decoding: try JSONEncoder().encode(result), as: UTF8.self))
        }
    }
}

/// Trial outcomes filled by the coordinator's service thread.
final class Outcomes: @unchecked Sendable {
    // @unchecked Sendable: guarded by `lock`.
    private var values: [String: Result<TrialResult, LearningError>] = [:]
    private let lock = NSLock()
    func set(_ id: String, _ r: Result<TrialResult, LearningError>) { lock.withLock { values[id] = r } }
    func get(_ id: String) -> Result<TrialResult, LearningError>? { lock.withLock { values[id] } }
}

/// Decoded sweep data by content hash (a worker decodes each blob once).
final class RunnerCache: @unchecked Sendable {
    // @unchecked Sendable: guarded by `lock`.
    private var runners: [String: TrialRunner] = [:]
    private let lock = NSLock()

    func runner(hash: String, bytes: [UInt8]) throws(ClusterError) -> TrialRunner {
        lock.lock()
        if let hit = runners[hash] { lock.unlock(); return hit }
        lock.unlock()
        let runner = try SweepTaskData.decode(bytes)
        lock.lock()
        runners[hash] = runner
        lock.unlock()
        return runner
    }
}
