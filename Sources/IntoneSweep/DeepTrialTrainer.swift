import Foundation
import IntoneCorpus
import IntoneEngine
import IntoneFormats
import IntoneLearning
import IntoneNeural
import IntoneTraining

/// Trains the deep trials of a sweep: one candidate on one cross-validation fold, a rung at a time.
///
/// A fold trains on the development rows of the other folds (with their augmented copies unless
/// the candidate says `augmentation: none`) and is validated, scored and checkpointed as
/// `intone train` is (the kept model is the best validation accuracy so far), on the original clips
/// of the held-out fold: the same speaker-grouped folds the classic estimators are scored on. Each
/// (candidate, fold) keeps a checkpoint in `RUN/deep/ID/`, so a rung continues from the last
/// finished epoch, in this process or after a restart, with the bytes of an uninterrupted run.
///
/// With `workers_per_trial` k, every batch is cut into k shards: in this process they are computed
/// one after the other; on a placement with gang workers the trial trains on a ring of its k
/// reserved workers (`RingEpochRunner`, rolled back to the epoch's start on the workers left if
/// one is lost). Both give the same bytes for k ≤ 2 (two shards sum the same either way).
final class DeepTrialTrainer: @unchecked Sendable {
    // @unchecked Sendable: the caches are guarded by `lock`; the rest is immutable.
    let store: FeatureStore
    let data: SweepData
    let folds: [Int]
    let scoring: Scoring
    let workersPerTrial: Int
    let runDirectory: String
    /// Where the trials' epochs run, when not in this process.
    let placement: (any Placement)?
    let stepTimeout: Double
    let log: @Sendable (String) -> Void
    private let lock = NSLock()
    private var sequences: [String: SequenceData] = [:]

    init(store: FeatureStore, data: SweepData, folds: [Int], scoring: Scoring, workersPerTrial: Int, runDirectory: String,
         placement: (any Placement)?, stepTimeout: Double = 30, log: @escaping @Sendable (String) -> Void) {
        self.store = store
        self.data = data
        self.folds = folds
        self.scoring = scoring
        self.workersPerTrial = workersPerTrial
        self.runDirectory = runDirectory
        self.placement = placement
        self.stepTimeout = stepTimeout
        self.log = log
    }

    /// The trial's folder: network, a hash of its identity, and the fold.
    func folder(_ c: DeepCandidate, fold: Int) -> String {
        let id = SHA256.hex(of: Array("\(c.configurationKey) workers=\(workersPerTrial)".utf8)).prefix(12)
        return "\(runDirectory)/deep/\(c.network)-\(id)-fold\(fold)"
    }

    /// The fold's examples for `c`'s input layout (cached: candidates share them).
    func sequences(_ c: DeepCandidate, fold: Int) throws(SweepError) -> SequenceData {
        let key = "\(fold) \(c.config.input.rawValue) \(c.config.frames) \(c.augmented)"
        if let cached = lock.withLock({ sequences[key] }) { return cached }
        var train: [SequenceData.Example] = [], validation: [SequenceData.Example] = []
        for (i, row) in data.developmentRows.enumerated() {
            if folds[i] == fold {
                if !data.augmented[i] { validation.append(SequenceData.Example(row: row)) }
            } else if c.augmented || !data.augmented[i] {
                train.append(SequenceData.Example(row: row))
            }
        }
        let made: SequenceData
        do { made = try SequenceData(store: store, train: train, validation: validation, layout: c.config.input, frames: c.config.frames) } catch {
            throw SweepError("fold \(fold): \(error.description)")
        }
        lock.withLock { sequences[key] = made }
        return made
    }

    /// Trains `c` on `fold` to `epochs` epochs in all (on `group` when given) and scores the model
    /// kept so far on the held-out fold.
    func train(_ c: DeepCandidate, fold: Int, rung: Int, epochs: Int, group: [GangWorker]?) throws(SweepError) -> TrialResult {
        let sequences = try sequences(c, fold: fold)
        let folder = folder(c, fold: fold)
        do { try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true) } catch {
            throw SweepError("cannot create \(folder) (\(error.localizedDescription))")
        }
        var trainer = Trainer(config: c.config, configText: c.configText, data: sequences, checkpointFolder: folder + "/checkpoint")
        trainer.shards = workersPerTrial
        trainer.stopAfter = epochs
        if let placement, let group {
            // A ring for this rung only (its input pages are this fold's; workers keep them in their
            // blob caches between rungs, and train other trials in between).
            let groupPlacement = GroupPlacement(base: placement)
            groupPlacement.assign(group)
            let name = (folder as NSString).lastPathComponent
            let ring = RingEpochRunner(placement: groupPlacement, waitForWorkers: 60, stepTimeout: stepTimeout, log: { [log] in log("\(name): \($0)") })
            ring.expectedWorkers = group.count
            trainer.replicas = ring
            trainer.computer = PlacedGradientComputer(placement: placement)
        } else if let placement {
            // No gang workers: the shards of every step through the coordinator.
            trainer.computer = PlacedGradientComputer(placement: placement)
        }
        let began = DispatchTime.now().uptimeNanoseconds
        let outcome: TrainingOutcome
        let predicted: [Int]
        var trained: [Int] = []
        do {
            outcome = try trainer.train(epochEnded: { trained.append($0.epoch) })
            predicted = try trainer.predict(outcome.network, sequences.validation)
        } catch {
            throw SweepError("\(c.network) \(Trial.canonicalJSON(c.parameters)) fold \(fold): \(error.reason)")
        }
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - began) / 1e9
        if outcome.history.count > epochs {
            // Only a change of the rungs (the pruning settings) leaves a checkpoint past a rung.
            throw SweepError("\(folder) holds \(outcome.history.count) epochs, past this rung's \(epochs): the spec's pruning rungs changed "
                             + "since it trained; use another --out")
        }
        if let first = trained.first, let last = trained.last {
            log("\((folder as NSString).lastPathComponent): trained epochs \(first)-\(last) of \(c.config.epochs) (rung \(rung + 1), \(workersPerTrial) worker(s))")
        }
        try? AtomicFile.write(Data(EpochRecord.csv(outcome.history).utf8), to: folder + "/history.csv")
        let report = ClassificationReport(truth: sequences.labels(sequences.validation), predicted: predicted, classCount: SequenceData.classes.count)
        let kept = outcome.history[max(0, min(outcome.history.count, outcome.bestEpoch) - 1)]
        var result = TrialResult(score: scoring.value(report), accuracy: report.accuracy, uar: report.uar, macroF1: report.macroF1,
                                 trainAccuracy: kept.accuracy, fitSeconds: seconds)
        result.epochs = outcome.history.count
        result.stoppedEarly = outcome.stoppedEarly
        result.workers = workersPerTrial
        result.rung = rung
        return result
    }

    /// Per-epoch history of a trial (as far as it trained), for the report's learning curves.
    func history(_ c: DeepCandidate, fold: Int) -> [[String]] {
        guard let text = try? String(contentsOfFile: folder(c, fold: fold) + "/history.csv", encoding: .utf8),
              let rows = try? CSV.parse(text) else { return [] }
        return Array(rows.dropFirst())
    }
}
