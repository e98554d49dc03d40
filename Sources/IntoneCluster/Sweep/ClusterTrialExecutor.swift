import Foundation
import IntoneEngine
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
        var position: [String: Int] = [:]
        for (i, t) in trials.enumerated() { position[taskID(t)] = i }
        let outcomes = ResultSlots<Result<TrialResult, LearningError>>(count: trials.count)
        let lookup = position
        do {
            try scheduler.run(tasks: tasks, blobs: [hash: blob], waitForWorkers: waitForWorkers, completed: { id, body, _ in
                guard let i = lookup[id] else { return }
                if let r = try? JSONDecoder().decode(TrialResult.self, from: Data(body.utf8)) {
                    outcomes.set(i, .success(r))
                    finished(trials[i], r)
                } else {
                    outcomes.set(i, .failure(LearningError("a worker sent an unreadable result")))
                }
            }, abandoned: { id, reason in
                if let i = lookup[id] { outcomes.set(i, .failure(LearningError(reason))) }
            })
        } catch {
            throw SweepError(error.description)
        }
        return trials.indices.map { outcomes.get($0) ?? .failure(LearningError("no result")) }
    }

    /// The handler a worker runs for sweep tasks: rebuilds the data once per blob, then runs trials.
    public static func workerHandler() -> WorkerShell.Handler {
        let cache = WorkerCache<String, TrialRunner>()
        return { body, blobs in
            guard let blob = blobs.first else { throw ClusterError("a trial arrived without its data") }
            let runner = try cache.value(for: blob.hash) { try SweepTaskData.decode(blob.bytes) }
            let t = try JSONDecoder().decode(SweepTaskData.TrialBody.self, from: Data(body.utf8))
            let result = try runner.run(Trial(estimator: t.estimator, parameters: t.parameters, fold: t.fold, resource: t.resource))
            return WorkerShell.TaskOutput(body: String(decoding: try JSONEncoder().encode(result), as: UTF8.self))
        }
    }
}
