import Foundation
import IntoneCorpus
import IntoneFormats
import IntoneLearning
import IntoneModels

extension SweepRun {
    /// Aggregates the last round's trials, refits each estimator's best on all development rows,
    /// scores it on the test speakers, saves the winner and writes best.json, plots and the report.
    func finish(results: [Trial: TrialResult], candidates: [Candidate], runner: TrialRunner, data: SweepData,
                store: FeatureStore, storeHash: String) throws(SweepError) -> BestArtifact {
        let resource: Int? = nil
        // Per candidate: fold scores of the final round.
        struct Scored { let candidate: Candidate; let cv: BestArtifact.CVScore; let train: Double; let validation: Double }
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
        guard !scored.isEmpty else { throw SweepError("no configuration finished every fold") }
        var estimators: [String: BestArtifact.EstimatorResult] = [:]
        var winner: Scored?
        var final: FinalModel?
        for grid in spec.estimators {
            let mine = scored.filter { $0.candidate.estimator == grid.name }
            guard let best = mine.max(by: { $0.cv.mean != $1.cv.mean ? $0.cv.mean < $1.cv.mean : $0.candidate.order > $1.candidate.order }) else { continue }
            let refit: FinalModel
            do { refit = try runner.refit(estimator: grid.name, parameters: best.candidate.parameters) } catch {
                throw SweepError("refitting \(grid.name): \(error.reason)")
            }
            let className = (try? EstimatorCatalog.make(grid.name, parameters: best.candidate.parameters).name) ?? grid.name
            estimators[grid.name] = .init(estimator: className, params: best.candidate.parameters, cv: best.cv, trainAccuracy: best.train,
                                          validationAccuracy: best.validation, candidates: candidates.filter { $0.estimator == grid.name }.count,
                                          test: refit.test.map(BestArtifact.TestScore.init))
            if winner == nil || best.cv.mean > winner!.cv.mean {
                winner = best
                final = refit
            }
        }
        guard let winner, let final else { throw SweepError("no estimator finished") }
        let classes = Emotion.allCases.map(\.rawValue)
        do {
            try ModelArchive.save(final.model, scaler: final.scaler, estimator: winner.candidate.estimator,
                                  parameters: winner.candidate.parameters, classes: classes,
                                  features: .init(store: store.parameters, summary: spec.features.rawValue),
                                  to: runDirectory + "/model")
        } catch {
            throw SweepError("saving the model: \(error)")
        }
        let artifact = BestArtifact(
            seed: spec.seed, cv: spec.folds, scoring: spec.scoring.rawValue, search: searchName, features: spec.features.rawValue,
            specSHA256: SHA256.hex(of: Array(spec.text.utf8)),
            store: .init(sha256: storeHash, parameters: store.parameters),
            data: .init(development: data.development.count, augmented: data.augmented.filter { $0 }.count, test: data.test.count,
                        developmentSpeakers: Set(data.development.groups).count, testSpeakers: Set(data.test.groups).count),
            estimators: estimators,
            winner: .init(estimator: winner.candidate.estimator, params: winner.candidate.parameters, cv: winner.cv,
                          test: final.test.map(BestArtifact.TestScore.init), confusion: final.test?.confusion, classes: classes, model: "model"))
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        do {
            try AtomicFile.write(encoder.encode(artifact) + Data("\n".utf8), to: runDirectory + "/best.json")
        } catch {
            throw SweepError("cannot write best.json in \(runDirectory)")
        }
        SweepReport.write(artifact, to: runDirectory)
        return artifact
    }

    var searchName: String {
        switch spec.search {
        case .grid: return "grid"
        case .random(let n): return "random(n_samples=\(n))"
        case .halving(let f): return "halving(factor=\(f))"
        }
    }
}
