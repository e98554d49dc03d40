import Foundation
import IntoneCorpus
import IntoneEngine
import IntoneFeatures
import IntoneFormats
import IntoneLearning
import IntoneRandom

/// `intone sweep`: expands a spec into trials, runs the missing ones on local threads, journals
/// each as it finishes, and writes the run directory (best.json, trials.csv, the winner's model,
/// plots and a report).
public struct SweepRun: Sendable {
    public let spec: SweepSpec
    public let storePath: String
    public let runDirectory: String
    public let jobs: Int
    /// Where trials run: `jobs` threads of this process (the default) or cluster workers. Results
    /// do not depend on it: a trial is a value with a deterministic result, and results are merged
    /// in trial order, not arrival order.
    public let placement: any Placement
    /// Deep trials on cluster workers: seconds to wait for `workers_per_trial` gang workers at the
    /// start, and a ring's step timeout.
    public var waitForWorkers = 60.0
    public var stepTimeout = 30.0
    /// Receives a line per notable event of the deep trials (rings formed, rolled back).
    public var log: @Sendable (String) -> Void = { _ in }

    public init(spec: SweepSpec, storePath: String, runDirectory: String, jobs: Int, placement: (any Placement)? = nil) {
        self.spec = spec
        self.storePath = storePath
        self.runDirectory = runDirectory
        self.jobs = jobs
        self.placement = placement ?? ThreadPlacement(threads: jobs, registry: TaskRegistry().registering(TrialKind()))
    }

    /// Progress: trials done (including reused), total, and reused.
    public typealias Progress = @Sendable (_ done: Int, _ total: Int, _ reused: Int) -> Void

    /// Runs the sweep and returns best.json's content (also written to the run directory).
    public func run(progress: Progress? = nil) throws(SweepError) -> BestArtifact {
        let store: FeatureStore
        do { store = try FeatureStore(path: storePath) } catch { throw SweepError(error.description) }
        let storeHash = hashStore()
        try prepareRunDirectory(storeHash: storeHash)
        let data: SweepData
        do { data = try SweepData(store: store, summary: spec.features, normalization: spec.normalization) } catch { throw SweepError(error.description) }
        let folds = data.folds(k: spec.folds, seed: spec.seed)
        // The folds, for anyone who wants to reproduce the cross-validation elsewhere (scikit-learn's
        // PredefinedSplit takes this column as `test_fold`).
        let foldRows = zip(data.developmentRows, folds).map { [$0.path, $0.augmentation, String($1)] }
        do { try AtomicFile.write(Data(CSV.table(header: ["path", "augmentation", "fold"], rows: foldRows).utf8), to: runDirectory + "/folds.csv") } catch {
            throw SweepError("cannot write folds.csv in \(runDirectory)")
        }
        let runner = TrialRunner(data: data, folds: folds, scoring: spec.scoring, seed: spec.seed)
        let journal = try TrialJournal(path: runDirectory + "/trials.csv")

        let all = candidateConfigurations()
        var candidates = all.filter { !DeepCandidate.networks.contains($0.estimator) }
        let deep: [DeepCandidate]
        do { deep = try all.filter { DeepCandidate.networks.contains($0.estimator) }.map { c throws(ParameterError) in
            try DeepCandidate(network: c.estimator, parameters: c.parameters, order: c.order)
        } } catch { throw SweepError(error.description) }
        if !deep.isEmpty && !FeatureKind.framed.contains(store.parameters.kind) {
            throw SweepError("\(storePath): deep networks take frames of \(FeatureKind.framed.map(\.rawValue).joined(separator: ", ")); this store holds \(store.parameters.kind.rawValue) (one vector per clip: classic estimators only)")
        }
        // Every feature_set a classic candidate names must be in this store, before any work.
        for c in candidates {
            if let featureSet = FeatureSetSelection.split(c.parameters).featureSet {
                do { _ = try FeatureSetSelection.rows(featureSet, store: store.parameters) } catch {
                    throw SweepError("\(storePath): \(c.estimator): \(error.reason)")
                }
            }
        }

        // Classic estimators: which configurations, and with how much data (successive halving
        // narrows them in rounds).
        var finalResults: [Trial: TrialResult] = [:]
        let deepPhase = makeDeepPhase(deep, store: store, data: data, folds: folds, journal: journal)
        let deepUnits = deepPhase?.maximumUnits ?? 0
        if !candidates.isEmpty {
            var resource: Int? = nil
            var plan = HalvingPlan(candidates: candidates.count, samples: data.development.count, folds: spec.folds, search: spec.search)
            repeat {
                resource = plan.resourceForCurrentRound
                let trials = candidates.flatMap { c in (0..<spec.folds).map { Trial(estimator: c.estimator, parameters: c.parameters, fold: $0, resource: resource) } }
                let results = try execute(trials, runner: runner, journal: journal, extraTotal: deepUnits, progress: progress)
                finalResults = results
                if plan.isLastRound { break }
                candidates = plan.survivors(of: candidates, results: results, folds: spec.folds)
                plan.advance()
            } while true
        }
        var deepOutcome: DeepSweepPhase.Outcome?
        if let deepPhase {
            let before = journal.count
            let classicTotal = finalResults.count
            deepOutcome = try deepPhase.run { done in
                progress?(classicTotal + done - before, classicTotal + deepUnits, 0)
            }
        }

        return try finish(results: finalResults, candidates: candidates, deep: deepPhase.map { ($0, deepOutcome!) }, runner: runner, data: data,
                          store: store, storeHash: storeHash)
    }

    /// The deep trials' phase, if the spec names deep networks.
    func makeDeepPhase(_ deep: [DeepCandidate], store: FeatureStore, data: SweepData, folds: [Int], journal: TrialJournal) -> DeepSweepPhase? {
        guard !deep.isEmpty else { return nil }
        let distributed = !placement.traits.inProcess
        let trainer = DeepTrialTrainer(store: store, data: data, folds: folds, scoring: spec.scoring, workersPerTrial: spec.workersPerTrial,
                                       runDirectory: runDirectory, placement: distributed ? placement : nil, stepTimeout: stepTimeout, log: log)
        var groups: WorkerGroups?
        if distributed {
            let g = WorkerGroups(placement: placement)
            g.waitFor(spec.workersPerTrial, seconds: min(15, waitForWorkers))
            groups = g
        }
        return DeepSweepPhase(candidates: deep, folds: spec.folds, schedule: spec.pruning, workersPerTrial: spec.workersPerTrial,
                              trainer: trainer, journal: journal, slots: jobs, groups: groups, log: log)
    }

    // MARK: - Trials

    struct Candidate: Hashable, Sendable {
        let estimator: String
        let parameters: [String: ParameterValue]
        /// Position in the spec (estimator order, then grid order): the tie-breaker.
        let order: Int
    }

    func candidateConfigurations() -> [Candidate] {
        if spec.hasDistributions, case .random(let samples) = spec.search {
            // Drawn with replacement: the same configuration drawn twice is one candidate.
            var seen: Set<String> = []
            var out: [Candidate] = []
            for (g, p) in spec.sampledConfigurations(samples) {
                let c = Candidate(estimator: spec.estimators[g].name, parameters: p, order: out.count)
                if seen.insert("\(c.estimator) \(Trial.canonicalJSON(p))").inserted { out.append(c) }
            }
            return out
        }
        var all: [Candidate] = []
        for grid in spec.estimators {
            for config in grid.configurations() { all.append(Candidate(estimator: grid.name, parameters: config, order: all.count)) }
        }
        if case .random(let samples) = spec.search, samples < all.count {
            var r = SeededRandom(seed: spec.seed, stream: "sweep/random-search")
            return Array(r.shuffled(all).prefix(samples)).sorted { $0.order < $1.order }
        }
        return all
    }

    /// Runs the trials not in the journal; returns every trial's result.
    func execute(_ trials: [Trial], runner: TrialRunner, journal: TrialJournal, extraTotal: Int = 0, progress: Progress?) throws(SweepError) -> [Trial: TrialResult] {
        var results: [Trial: TrialResult] = [:]
        var missing: [Trial] = []
        for t in trials {
            if let r = journal.result(for: t) { results[t] = r } else { missing.append(t) }
        }
        let reused = results.count
        progress?(reused, trials.count + extraTotal, reused)
        if missing.isEmpty { return results }
        // The development data travels as one blob; task ids name it too, so that no two sweeps'
        // trials could be taken for each other.
        let blob = SweepTaskData.encode(runner)
        let hash = SHA256.hex(of: blob)
        func taskID(_ t: Trial) -> String { t.key + "@" + hash.prefix(16) }
        var position: [String: Int] = [:]
        for (i, t) in missing.enumerated() { position[taskID(t)] = i }
        let tasks = missing.map { TrialKind.task(id: taskID($0), TrialKind.Parameters($0), blobs: [hash]) }
        let outcomes = ResultSlots<Result<TrialResult, TaskError>>(count: missing.count)
        let counter = Counter()
        let total = trials.count + extraTotal, lookup = position, pending = missing
        let journalFailure = ResultSlots<SweepError>(count: 1)
        do {
            try placement.run(TrialKind.self, tasks, blobs: [hash: blob]) { id, outcome in
                guard let i = lookup[id] else { return }
                outcomes.set(i, outcome)
                if case .success(let r) = outcome {
                    do throws(SweepError) { try journal.record(pending[i], r) } catch {
                        journalFailure.set(0, error)
                        placement.withdrawTasks()
                        return
                    }
                    progress?(reused + counter.increment(), total, reused)
                }
            }
        } catch {
            throw SweepError(error.description)
        }
        // A result that could not be journaled stops the sweep: what is journaled is kept.
        if let failure = journalFailure.get(0) { throw failure }
        for (i, t) in missing.enumerated() {
            switch outcomes.get(i) ?? .failure(TaskError("no result")) {
            case .success(let r): results[t] = r
            case .failure(let e): throw SweepError("trial \(t.estimator) \(t.parametersJSON) fold \(t.fold) failed: \(e.reason)")
            }
        }
        return results
    }

    // MARK: - Run directory

    /// The settings a run directory's trials depend on; re-running with other settings is refused.
    struct Settings: Codable, Equatable {
        var seed: UInt64
        var cv: Int
        var features: String
        var store: String
        /// Absent for `none` (run directories from before it existed).
        var normalization: String?
        /// Absent for the default (uar): a trial's score is this metric, so a sweep with another
        /// scoring cannot reuse its trials (it used to, and ranked by the old metric).
        var scoring: String?
    }

    func prepareRunDirectory(storeHash: String) throws(SweepError) {
        do { try FileManager.default.createDirectory(atPath: runDirectory, withIntermediateDirectories: true) } catch {
            throw SweepError("cannot create \(runDirectory) (\(error.localizedDescription))")
        }
        let settings = Settings(seed: spec.seed, cv: spec.folds, features: spec.features.rawValue, store: storeHash,
                                normalization: spec.normalization == .none ? nil : spec.normalization.rawValue,
                                scoring: spec.scoring == Scoring.uar ? nil : spec.scoring.rawValue)
        let path = runDirectory + "/sweep.json"
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        if let data = FileManager.default.contents(atPath: path), let existing = try? JSONDecoder().decode(Settings.self, from: data) {
            if existing != settings {
                var diff: [String] = []
                if existing.seed != settings.seed { diff.append("seed \(settings.seed) ≠ \(existing.seed)") }
                if existing.cv != settings.cv { diff.append("cv \(settings.cv) ≠ \(existing.cv)") }
                if existing.features != settings.features { diff.append("features \(settings.features) ≠ \(existing.features)") }
                if existing.store != settings.store { diff.append("the feature store changed") }
                if existing.normalization != settings.normalization {
                    diff.append("normalization \(settings.normalization ?? "none") ≠ \(existing.normalization ?? "none")")
                }
                if existing.scoring != settings.scoring {
                    diff.append("scoring \(settings.scoring ?? Scoring.uar.rawValue) ≠ \(existing.scoring ?? Scoring.uar.rawValue)")
                }
                throw SweepError("\(runDirectory) holds a sweep with other settings (\(diff.joined(separator: ", "))); use another --out")
            }
        } else {
            do { try AtomicFile.write(encoder.encode(settings) + Data("\n".utf8), to: path) } catch {
                throw SweepError("cannot write \(path)")
            }
        }
        do { try AtomicFile.write(Data(spec.text.utf8), to: runDirectory + "/spec.yaml") } catch {
            throw SweepError("cannot write spec.yaml in \(runDirectory)")
        }
    }

    func hashStore() -> String {
        var h = SHA256()
        for name in ["params.json", "manifest.csv"] {
            h.update(Array(name.utf8))
            h.update([UInt8](FileManager.default.contents(atPath: storePath + "/" + name) ?? Data()))
        }
        return h.finalize()
    }
}

/// A thread-safe counter.
final class Counter: @unchecked Sendable {
    // @unchecked Sendable: guarded by `lock`.
    private var value = 0
    private let lock = NSLock()
    func increment() -> Int { lock.lock(); defer { lock.unlock() }; value += 1; return value }
}
