import Foundation
import IntoneEngine
import IntoneLearning

/// The deep part of a sweep: every deep candidate on every fold, a rung at a time, side by side, with
/// the pruning rule deciding after each rung which candidates go on (`RungLedger`).
///
/// A unit of work is (candidate, fold, rung). Units run on `slots` threads of this process, or, on a
/// placement with gang workers, one per group of `workers_per_trial` free workers, as many groups as
/// there are; promotions are taken before new candidates (ASHA's order), and no unit waits for a
/// rung to fill. Each finished unit is journaled in trials.csv before the next decision, so a
/// killed sweep resumes with the same promotions and no finished epoch trained again.
struct DeepSweepPhase {
    let candidates: [DeepCandidate]
    let folds: Int
    let schedule: PruningSchedule
    let workersPerTrial: Int
    let trainer: DeepTrialTrainer
    let journal: TrialJournal
    /// Threads training at once in this process (when `groups` is nil).
    let slots: Int
    /// Gang workers to train on, if the placement has them.
    let groups: WorkerGroups?
    let log: @Sendable (String) -> Void

    /// What the phase found, per candidate.
    struct Outcome {
        /// The final standing of each candidate.
        var standings: [RungLedger.Standing]
        /// Each candidate's fold results at its last rung.
        var finalResults: [[TrialResult]]
        /// Each candidate's last rung.
        var lastRung: [Int]
        /// Epochs trained in all (over folds), and what training every candidate to its end would take.
        var epochsTrained: Int
        var epochsWithoutPruning: Int
        /// Mean score over folds at each rung reached, per candidate.
        var rungScores: [[Double]]
    }

    func rungs(_ c: DeepCandidate) -> [Int] { schedule.rungs(epochs: c.config.epochs) }

    func trial(_ c: DeepCandidate, fold: Int, rung: Int) -> Trial {
        Trial(estimator: c.network, parameters: c.parameters, fold: fold, resource: rungs(c)[rung], workers: workersPerTrial)
    }

    /// The units a run could take at most (every candidate, fold and rung): for progress.
    var maximumUnits: Int { candidates.reduce(0) { $0 + rungs($1).count * folds } }

    func ledger() -> RungLedger {
        var scores: [[Double?]] = [], ends: [[Bool]] = []
        for c in candidates {
            let r = rungs(c)
            var s: [Double?] = [], e: [Bool] = []
            for m in r.indices {
                let results = (0..<folds).compactMap { journal.result(for: trial(c, fold: $0, rung: m)) }
                guard results.count == folds else { s.append(nil); e.append(m == r.count - 1); continue }
                s.append(results.map(\.score).reduce(0, +) / Double(folds))
                e.append(m == r.count - 1 || results.allSatisfy { $0.stoppedEarly == true })
            }
            scores.append(s)
            ends.append(e)
        }
        return RungLedger(scores: scores, ends: ends, schedule: schedule)
    }

    struct Unit: Hashable {
        let candidate: Int
        let fold: Int
        let rung: Int
    }

    /// Runs every unit the rule lets run; returns the outcome, or throws the first failure once the
    /// units already running have finished (and been journaled).
    func run(progress: @escaping @Sendable (_ done: Int) -> Void) throws(SweepError) -> Outcome {
        let state = PhaseState()
        let wake = DispatchSemaphore(value: 0)
        var done = 0
        let began = Date()
        func account() {
            // Busy seconds: each unit's training time times the workers (or threads) it held.
            let wall = Date().timeIntervalSince(began)
            let capacity = Double(groups.map { max(1, $0.known.count) } ?? slots) * wall
            let busy = state.busySeconds
            if state.unitsRun > 0 {
                log(String(format: "deep trials: %d rung(s) of %d candidate(s) trained in %.1f s; busy %.1f of %.1f core-seconds (%.0f %%)",
                           state.unitsRun, candidates.count, wall, busy, capacity, capacity > 0 ? 100 * busy / capacity : 0))
            }
        }
        while true {
            let ledger = ledger()
            let standings = ledger.standings()
            var runnable: [Unit] = []
            for (i, s) in standings.enumerated() {
                guard case .training(let m) = s else { continue }
                for f in 0..<folds where journal.result(for: trial(candidates[i], fold: f, rung: m)) == nil {
                    let u = Unit(candidate: i, fold: f, rung: m)
                    if !state.isRunning(u) { runnable.append(u) }
                }
            }
            if state.failure == nil && runnable.isEmpty && state.runningCount == 0 {
                account()
                return outcome(ledger, standings)
            }
            if state.failure != nil && state.runningCount == 0 { throw state.failure! }
            // Promotions first (the highest rung), then candidates in spec order.
            runnable.sort { ($0.rung, -$0.candidate, -$0.fold) > ($1.rung, -$1.candidate, -$1.fold) }
            for u in runnable where state.failure == nil {
                var group: [GangWorker]?
                if let groups {
                    if groups.known.isEmpty {
                        if state.runningCount >= 1 { break }   // no ring: one trial at a time through the coordinator
                    } else {
                        guard let g = groups.reserve(workersPerTrial) else { break }
                        group = g
                    }
                } else if state.runningCount >= slots {
                    break
                }
                state.start(u)
                let c = candidates[u.candidate]
                let t = trial(c, fold: u.fold, rung: u.rung)
                let epochs = rungs(c)[u.rung]
                let reserved = group
                Thread.detachNewThread { [trainer, journal, groups] in
                    defer {
                        if let reserved { groups?.release(reserved) }
                        state.finish(u)
                        wake.signal()
                    }
                    do {
                        let r = try trainer.train(c, fold: u.fold, rung: u.rung, epochs: epochs, group: reserved)
                        try journal.record(t, r)
                        state.ran(seconds: r.fitSeconds * Double(reserved?.count ?? 1))
                    } catch let error as SweepError {
                        state.fail(error)
                    } catch {
                        state.fail(SweepError("\(error)"))
                    }
                }
            }
            // Wait for a unit to finish (or, with gang workers, for one to join).
            _ = wake.wait(timeout: .now() + (groups == nil ? 3600 : 1))
            let finishedNow = journal.count
            if finishedNow != done {
                done = finishedNow
                progress(done)
            }
        }
    }

    func outcome(_ ledger: RungLedger, _ standings: [RungLedger.Standing]) -> Outcome {
        var finals: [[TrialResult]] = [], last: [Int] = [], rungScores: [[Double]] = []
        var trained = 0, full = 0
        for (i, c) in candidates.enumerated() {
            let m: Int
            switch standings[i] {
            case .finished(let r), .stopped(let r): m = r
            case .training(let r), .waiting(let r): m = r   // not reached when the phase ends
            }
            last.append(m)
            let final = (0..<folds).compactMap { journal.result(for: trial(c, fold: $0, rung: m)) }
            finals.append(final)
            rungScores.append(ledger.scores[i][0...m].compactMap { $0 })
            trained += final.reduce(0) { $0 + ($1.epochs ?? 0) }
            full += c.config.epochs * folds
        }
        return Outcome(standings: standings, finalResults: finals, lastRung: last, epochsTrained: trained,
                       epochsWithoutPruning: full, rungScores: rungScores)
    }
}

/// The phase's running units and first failure, shared with the training threads.
final class PhaseState: @unchecked Sendable {
    // @unchecked Sendable: guarded by `lock`.
    private let lock = NSLock()
    private var running: Set<DeepSweepPhase.Unit> = []
    private var firstFailure: SweepError?
    private var busy = 0.0
    private var units = 0

    func isRunning(_ u: DeepSweepPhase.Unit) -> Bool { lock.withLock { running.contains(u) } }
    var runningCount: Int { lock.withLock { running.count } }
    var failure: SweepError? { lock.withLock { firstFailure } }
    func start(_ u: DeepSweepPhase.Unit) { lock.withLock { _ = running.insert(u) } }
    func finish(_ u: DeepSweepPhase.Unit) { lock.withLock { _ = running.remove(u) } }
    func ran(seconds: Double) { lock.withLock { busy += seconds; units += 1 } }
    var busySeconds: Double { lock.withLock { busy } }
    var unitsRun: Int { lock.withLock { units } }
    func fail(_ e: SweepError) { lock.withLock { if firstFailure == nil { firstFailure = e } } }
}
