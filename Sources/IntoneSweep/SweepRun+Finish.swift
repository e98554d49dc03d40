import Foundation
import IntoneCorpus
import IntoneEngine
import IntoneFormats
import IntoneLearning
import IntoneModels
import IntoneTraining

extension SweepRun {
    /// Aggregates the last round's trials, refits each estimator's best on all development rows,
    /// scores it on the test speakers, saves the winner and writes best.json, plots and the report.
    func finish(results: [Trial: TrialResult], candidates: [Candidate], deep: (phase: DeepSweepPhase, outcome: DeepSweepPhase.Outcome)?,
                runner: TrialRunner, data: SweepData, store: FeatureStore, storeHash: String) throws(SweepError) -> BestArtifact {
        // Per candidate: fold scores of the final round (classic) or of the last rung reached (deep).
        struct Scored { let candidate: Candidate; let cv: BestArtifact.CVScore; let train: Double; let validation: Double; var deep: DeepCandidate? = nil }
        func scored(_ c: Candidate, _ rs: [TrialResult], deep: DeepCandidate? = nil) -> Scored? {
            guard rs.count == spec.folds else { return nil }
            let scores = rs.map(\.score)
            let mean = scores.reduce(0, +) / Double(scores.count)
            let std = (scores.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(scores.count)).squareRoot()
            return Scored(candidate: c, cv: .init(mean: mean, std: std, folds: scores), train: rs.map(\.trainAccuracy).reduce(0, +) / Double(rs.count),
                          validation: rs.map(\.accuracy).reduce(0, +) / Double(rs.count), deep: deep)
        }
        var all = candidates.compactMap { c in
            scored(c, (0..<spec.folds).compactMap { results[Trial(estimator: c.estimator, parameters: c.parameters, fold: $0)] })
        }
        if let deep {
            for (i, c) in deep.phase.candidates.enumerated() {
                if let s = scored(Candidate(estimator: c.network, parameters: c.parameters, order: c.order), deep.outcome.finalResults[i], deep: c) {
                    all.append(s)
                }
            }
        }
        guard !all.isEmpty else { throw SweepError("no configuration finished every fold") }
        // The best of each estimator (ties: spec order), and how many of its candidates finished.
        let bests: [(grid: SweepSpec.EstimatorGrid, best: Scored, count: Int)] = spec.estimators.compactMap { grid in
            let mine = all.filter { $0.candidate.estimator == grid.name }
            guard let best = mine.max(by: { $0.cv.mean != $1.cv.mean ? $0.cv.mean < $1.cv.mean : $0.candidate.order > $1.candidate.order }) else { return nil }
            return (grid, best, grid.isDeep ? mine.count : candidates.filter { $0.estimator == grid.name }.count)
        }
        // Each network's best, retrained side by side before the ranking below uses them.
        let deepRefits = try refitDeep(bests.compactMap(\.best.deep))

        /// The model the winner is saved from, and its test scores.
        enum WinnerModel {
            case classic(FinalModel)
            case deep(test: BestArtifact.TestScore?, confusion: [[Int]]?, folder: String)
        }
        var estimators: [String: BestArtifact.EstimatorResult] = [:]
        var leader: (scored: Scored, model: WinnerModel)?
        for (grid, best, count) in bests {
            let result: BestArtifact.EstimatorResult
            let model: WinnerModel
            if let d = best.deep {
                // The network's best: trained as `intone train` trains it (the store's train split, its
                // validation split for the kept epoch) and scored on the test speakers.
                guard let refit = deepRefits[d.network] else { throw SweepError("refitting \(d.network): no result") }
                var r = BestArtifact.EstimatorResult(estimator: d.network, params: d.parameters, cv: best.cv, trainAccuracy: best.train,
                                                     validationAccuracy: best.validation, candidates: count,
                                                     test: refit.metrics.test.map(BestArtifact.TestScore.init))
                r.epochs = refit.metrics.epochs
                result = r
                model = .deep(test: r.test, confusion: refit.metrics.testConfusion, folder: refit.folder)
            } else {
                let refit: FinalModel
                do { refit = try runner.refit(estimator: grid.name, parameters: best.candidate.parameters) } catch {
                    throw SweepError("refitting \(grid.name): \(error.reason)")
                }
                let className = (try? EstimatorCatalog.make(grid.name, parameters: FeatureSetSelection.split(best.candidate.parameters).estimator).name) ?? grid.name
                result = .init(estimator: className, params: best.candidate.parameters, cv: best.cv, trainAccuracy: best.train,
                               validationAccuracy: best.validation, candidates: count, test: refit.test.map(BestArtifact.TestScore.init))
                model = .classic(refit)
            }
            estimators[grid.name] = result
            if leader == nil || best.cv.mean > leader!.scored.cv.mean { leader = (best, model) }
        }
        guard let (winnerScored, winnerModel) = leader else { throw SweepError("no estimator finished") }
        let classes = Emotion.allCases.map(\.rawValue)
        let modelFolder = runDirectory + "/model"
        let winnerTest: BestArtifact.TestScore?, winnerConfusion: [[Int]]?
        switch winnerModel {
        case .classic(let final):
            do {
                try ModelArchive.save(final.model, scaler: final.scaler, estimator: winnerScored.candidate.estimator,
                                      parameters: winnerScored.candidate.parameters, classes: classes,
                                      features: .init(store: store.parameters, summary: spec.features.rawValue, normalization: spec.normalization,
                                                      rows: final.rows),
                                      to: modelFolder)
            } catch {
                throw SweepError("saving the model: \(error)")
            }
            do {
                if let c = try runner.calibration(estimator: winnerScored.candidate.estimator,
                                                  parameters: winnerScored.candidate.parameters, final: final) {
                    try c.save(to: modelFolder)
                    let test = c.testECEBefore.map { String(format: "; test speakers %.3f → %.3f", $0, c.testECEAfter ?? 0) } ?? ""
                    log(String(format: "calibration: temperature %.3f; expected calibration error on the validation speakers %.3f → %.3f", c.temperature,
                               c.validationECEBefore, c.validationECEAfter) + test)
                }
            } catch {
                throw SweepError("calibrating the model: \(error)")
            }
            winnerTest = final.test.map(BestArtifact.TestScore.init)
            winnerConfusion = final.test?.confusion
        case .deep(let test, let confusion, let folder):
            do {
                let fm = FileManager.default
                try? fm.removeItem(atPath: modelFolder + ".new")
                try fm.copyItem(atPath: folder + "/model", toPath: modelFolder + ".new")
                try? fm.removeItem(atPath: modelFolder)
                try fm.moveItem(atPath: modelFolder + ".new", toPath: modelFolder)
            } catch {
                throw SweepError("saving the model: cannot copy \(folder)/model to \(modelFolder) (\(error.localizedDescription))")
            }
            winnerTest = test
            winnerConfusion = confusion
        }
        if let smoothing = spec.smoothing {
            do { try smoothing.save(modelFolder: modelFolder) } catch {
                throw SweepError("saving the model: cannot write \(modelFolder)/\(WindowSmoothing.fileName) (\(error.localizedDescription))")
            }
        }
        let winner = winnerScored
        let artifact = BestArtifact(
            seed: spec.seed, cv: spec.folds, scoring: spec.scoring.rawValue, search: searchName, features: spec.features.rawValue,
            specSHA256: SHA256.hex(of: Array(spec.text.utf8)),
            store: .init(sha256: storeHash, parameters: store.parameters),
            data: .init(development: data.development.count, augmented: data.augmented.filter { $0 }.count, test: data.test.count,
                        developmentSpeakers: Set(data.development.groups).count, testSpeakers: Set(data.test.groups).count),
            estimators: estimators,
            winner: .init(estimator: winner.candidate.estimator, params: winner.candidate.parameters, cv: winner.cv,
                          test: winnerTest, confusion: winnerConfusion, classes: classes, model: "model"),
            deep: deep.map { deepSummary($0.phase, $0.outcome) })
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        do {
            try AtomicFile.write(encoder.encode(artifact) + Data("\n".utf8), to: runDirectory + "/best.json", sync: true)
        } catch {
            throw SweepError("cannot write best.json in \(runDirectory)")
        }
        SweepReport.write(artifact, to: runDirectory, deep: deep.map { DeepReport(phase: $0.phase, outcome: $0.outcome) })
        return artifact
    }

    /// Trains each deep network's best configuration as `intone train` would (in RUN/refit/NETWORK,
    /// resumable), side by side: on threads here, or each on its own group of workers, with the
    /// same workers per trial.
    func refitDeep(_ bests: [DeepCandidate]) throws(SweepError) -> [String: (metrics: TrainingRun.Metrics, folder: String)] {
        let outcomes = ResultSlots<Result<TrainingRun.Metrics, SweepError>>(count: bests.count)
        let distributed = !placement.traits.inProcess
        let groups = distributed ? WorkerGroups(placement: placement) : nil
        let slots = DispatchSemaphore(value: max(1, distributed ? 1 : jobs))
        let finished = DispatchGroup()
        for (i, c) in bests.enumerated() {
            finished.enter()
            Thread.detachNewThread { [self] in
                defer { finished.leave() }
                // A group of free workers (the other refits hold theirs), or, with no gang workers, a turn.
                var group: [GangWorker]?
                while let groups, !groups.known.isEmpty, group == nil {
                    group = groups.reserve(spec.workersPerTrial)
                    if group == nil { Thread.sleep(forTimeInterval: 0.05) }
                }
                if group == nil { slots.wait() }
                defer { if let group { groups?.release(group) } else { slots.signal() } }
                outcomes.set(i, refitDeep(c, group: group))
            }
        }
        finished.wait()
        var out: [String: (metrics: TrainingRun.Metrics, folder: String)] = [:]
        for (i, c) in bests.enumerated() {
            switch outcomes.get(i) ?? .failure(SweepError("refitting \(c.network): no result")) {
            case .success(let m): out[c.network] = (m, runDirectory + "/refit/" + c.network)
            case .failure(let e): throw e
            }
        }
        return out
    }

    func refitDeep(_ c: DeepCandidate, group: [GangWorker]?) -> Result<TrainingRun.Metrics, SweepError> {
        let folder = runDirectory + "/refit/" + c.network
        var run = TrainingRun(config: c.config, configText: c.configText, storePath: storePath, runDirectory: folder)
        run.augmented = c.augmented
        run.shards = spec.workersPerTrial
        if !placement.traits.inProcess {
            run.computer = PlacedGradientComputer(placement: placement)
            let ringPlacement: any Placement
            if let group {
                let g = GroupPlacement(base: placement)
                g.assign(group)
                ringPlacement = g
            } else {
                ringPlacement = placement
            }
            let ring = RingEpochRunner(placement: ringPlacement, waitForWorkers: waitForWorkers, stepTimeout: stepTimeout,
                                       log: { [log] in log("refit \(c.network): \($0)") })
            ring.expectedWorkers = group?.count ?? spec.workersPerTrial
            run.replicas = ring
        }
        do throws(TrainingError) { return .success(try run.run()) } catch { return .failure(SweepError("refitting \(c.network): \(error.reason)")) }
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
