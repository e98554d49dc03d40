import Foundation
import IntoneCorpus
import IntoneFormats
import IntoneLearning
import IntoneModels
import IntoneTraining

extension SweepRun {
    /// Aggregates the last round's trials, refits each estimator's best on all development rows,
    /// scores it on the test speakers, saves the winner and writes best.json, plots and the report.
    func finish(results: [Trial: TrialResult], candidates: [Candidate], deep: (phase: DeepSweepPhase, outcome: DeepSweepPhase.Outcome)?,
                runner: TrialRunner, data: SweepData, store: FeatureStore, storeHash: String) throws(SweepError) -> BestArtifact {
        let resource: Int? = nil
        // Per candidate: fold scores of the final round.
        struct Scored { let candidate: Candidate; let cv: BestArtifact.CVScore; let train: Double; let validation: Double; var deep: DeepCandidate? = nil }
        func cvScore(_ scores: [Double]) -> BestArtifact.CVScore {
            let mean = scores.reduce(0, +) / Double(scores.count)
            let std = (scores.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(scores.count)).squareRoot()
            return .init(mean: mean, std: std, folds: scores)
        }
        var scored: [Scored] = []
        for c in candidates {
            let rs = (0..<spec.folds).compactMap { results[Trial(estimator: c.estimator, parameters: c.parameters, fold: $0, resource: resource)] }
            guard rs.count == spec.folds else { continue }
            let scores = rs.map(\.score)
            let mean = scores.reduce(0, +) / Double(scores.count)
            let std = (scores.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(scores.count)).squareRoot()
            scored.append(Scored(candidate: c, cv: .init(mean: mean, std: std, folds: scores),
                                 train: rs.map(\.trainAccuracy).reduce(0, +) / Double(rs.count),
                                 validation: rs.map(\.accuracy).reduce(0, +) / Double(rs.count)))
        }
        // Deep candidates: their fold scores at the last rung they reached (pruned or trained to the end).
        if let deep {
            for (i, c) in deep.phase.candidates.enumerated() {
                let rs = deep.outcome.finalResults[i]
                guard rs.count == spec.folds else { continue }
                scored.append(Scored(candidate: Candidate(estimator: c.network, parameters: c.parameters, order: c.order), cv: cvScore(rs.map(\.score)),
                                     train: rs.map(\.trainAccuracy).reduce(0, +) / Double(rs.count),
                                     validation: rs.map(\.accuracy).reduce(0, +) / Double(rs.count), deep: c))
            }
        }
        guard !scored.isEmpty else { throw SweepError("no configuration finished every fold") }
        var estimators: [String: BestArtifact.EstimatorResult] = [:]
        var winner: Scored?
        var winnerTest: ClassificationReport?
        var winnerDeep: (test: BestArtifact.TestScore?, confusion: [[Int]]?, folder: String)?
        var classicFinal: FinalModel?
        for grid in spec.estimators {
            let mine = scored.filter { $0.candidate.estimator == grid.name }
            guard let best = mine.max(by: { $0.cv.mean != $1.cv.mean ? $0.cv.mean < $1.cv.mean : $0.candidate.order > $1.candidate.order }) else { continue }
            let count = grid.isDeep ? mine.count : candidates.filter { $0.estimator == grid.name }.count
            if let d = best.deep {
                // The network's best: trained as `intone train` trains it (the store's train split, its
                // validation split for the kept epoch) and scored on the test speakers.
                let refit = try refitDeep(d, store: store)
                var result = BestArtifact.EstimatorResult(estimator: d.network, params: d.parameters, cv: best.cv, trainAccuracy: best.train,
                                                          validationAccuracy: best.validation, candidates: count,
                                                          test: refit.metrics.test.map(BestArtifact.TestScore.init))
                result.epochs = refit.metrics.epochs
                estimators[grid.name] = result
                if winner == nil || best.cv.mean > winner!.cv.mean {
                    winner = best
                    winnerDeep = (result.test, refit.metrics.testConfusion, refit.folder)
                    classicFinal = nil
                }
                continue
            }
            let refit: FinalModel
            do { refit = try runner.refit(estimator: grid.name, parameters: best.candidate.parameters) } catch {
                throw SweepError("refitting \(grid.name): \(error.reason)")
            }
            let className = (try? EstimatorCatalog.make(grid.name, parameters: best.candidate.parameters).name) ?? grid.name
            estimators[grid.name] = .init(estimator: className, params: best.candidate.parameters, cv: best.cv, trainAccuracy: best.train,
                                          validationAccuracy: best.validation, candidates: count,
                                          test: refit.test.map(BestArtifact.TestScore.init))
            if winner == nil || best.cv.mean > winner!.cv.mean {
                winner = best
                classicFinal = refit
                winnerTest = refit.test
                winnerDeep = nil
            }
        }
        guard let winner else { throw SweepError("no estimator finished") }
        let classes = Emotion.allCases.map(\.rawValue)
        let modelFolder = runDirectory + "/model"
        if let final = classicFinal {
            do {
                try ModelArchive.save(final.model, scaler: final.scaler, estimator: winner.candidate.estimator,
                                      parameters: winner.candidate.parameters, classes: classes,
                                      features: .init(store: store.parameters, summary: spec.features.rawValue),
                                      to: modelFolder)
            } catch {
                throw SweepError("saving the model: \(error)")
            }
        } else if let d = winnerDeep {
            do {
                let fm = FileManager.default
                try? fm.removeItem(atPath: modelFolder + ".new")
                try fm.copyItem(atPath: d.folder + "/model", toPath: modelFolder + ".new")
                try? fm.removeItem(atPath: modelFolder)
                try fm.moveItem(atPath: modelFolder + ".new", toPath: modelFolder)
            } catch {
                throw SweepError("saving the model: cannot copy \(d.folder)/model to \(modelFolder) (\(error.localizedDescription))")
            }
        }
        let winnerTestScore = winnerDeep.map { $0.test } ?? winnerTest.map(BestArtifact.TestScore.init)
        let winnerConfusion = winnerDeep.map { $0.confusion } ?? winnerTest?.confusion
        let artifact = BestArtifact(
            seed: spec.seed, cv: spec.folds, scoring: spec.scoring.rawValue, search: searchName, features: spec.features.rawValue,
            specSHA256: SHA256.hex(of: Array(spec.text.utf8)),
            store: .init(sha256: storeHash, parameters: store.parameters),
            data: .init(development: data.development.count, augmented: data.augmented.filter { $0 }.count, test: data.test.count,
                        developmentSpeakers: Set(data.development.groups).count, testSpeakers: Set(data.test.groups).count),
            estimators: estimators,
            winner: .init(estimator: winner.candidate.estimator, params: winner.candidate.parameters, cv: winner.cv,
                          test: winnerTestScore, confusion: winnerConfusion, classes: classes, model: "model"),
            deep: deep.map { deepSummary($0.phase, $0.outcome) })
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        do {
            try AtomicFile.write(encoder.encode(artifact) + Data("\n".utf8), to: runDirectory + "/best.json")
        } catch {
            throw SweepError("cannot write best.json in \(runDirectory)")
        }
        SweepReport.write(artifact, to: runDirectory, deep: deep.map { DeepReport(phase: $0.phase, outcome: $0.outcome) })
        return artifact
    }

    /// Trains a deep network's best configuration as `intone train` would (in RUN/refit/NETWORK,
    /// resumable) on the same placement, with the same workers per trial.
    func refitDeep(_ c: DeepCandidate, store: FeatureStore) throws(SweepError) -> (metrics: TrainingRun.Metrics, folder: String) {
        let folder = runDirectory + "/refit/" + c.network
        var run = TrainingRun(config: c.config, configText: c.configText, storePath: storePath, runDirectory: folder)
        run.augmented = c.augmented
        run.shards = spec.workersPerTrial
        if !placement.traits.inProcess {
            run.computer = PlacedGradientComputer(placement: placement)
            let ring = RingEpochRunner(placement: placement, waitForWorkers: waitForWorkers, stepTimeout: stepTimeout, log: { [log] in log("refit \(c.network): \($0)") })
            ring.expectedWorkers = spec.workersPerTrial
            run.replicas = ring
        }
        do throws(TrainingError) { return (try run.run(), folder) } catch { throw SweepError("refitting \(c.network): \(error.reason)") }
    }

    func deepSummary(_ phase: DeepSweepPhase, _ outcome: DeepSweepPhase.Outcome) -> BestArtifact.DeepSummary {
        var stopped = 0, finished = 0
        for s in outcome.standings {
            if case .stopped = s { stopped += 1 }
            if case .finished = s { finished += 1 }
        }
        return .init(workersPerTrial: spec.workersPerTrial, pruning: spec.pruning.summary, candidates: phase.candidates.count,
                     trainedToTheEnd: finished, pruned: stopped, epochsTrained: outcome.epochsTrained,
                     epochsWithoutPruning: outcome.epochsWithoutPruning)
    }

    var searchName: String {
        switch spec.search {
        case .grid: return "grid"
        case .random(let n): return "random(n_samples=\(n))"
        case .halving(let f): return "halving(factor=\(f))"
        }
    }
}
