import IntoneEngine
import IntoneLearning

/// Where a sweep's trials run. Results must not depend on the placement: a trial is a value with a
/// deterministic result, and results are merged in trial order, not arrival order.
public protocol TrialExecutor: Sendable {
    /// Runs `trials` with `runner`'s data and returns one outcome per trial, in the same order.
    /// `finished` is called once per successful trial as soon as its result is known (the sweep
    /// journals it there, before anything else depends on it).
    func run(_ trials: [Trial], runner: TrialRunner,
             finished: @escaping @Sendable (Trial, TrialResult) -> Void) throws(SweepError) -> [Result<TrialResult, LearningError>]
}

/// Runs trials on local threads.
public struct LocalTrialExecutor: TrialExecutor {
    public let jobs: Int

    public init(jobs: Int) { self.jobs = jobs }

    public func run(_ trials: [Trial], runner: TrialRunner,
                    finished: @escaping @Sendable (Trial, TrialResult) -> Void) throws(SweepError) -> [Result<TrialResult, LearningError>] {
        LocalRunner.map(count: trials.count, jobs: jobs) { i in
            let outcome = Result { () throws(LearningError) in try runner.run(trials[i]) }
            if case .success(let r) = outcome { finished(trials[i], r) }
            return outcome
        }
    }
}
