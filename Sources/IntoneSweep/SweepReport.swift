import Foundation
import IntoneFormats

/// What the report shows of a sweep's deep trials.
struct DeepReport {
    let phase: DeepSweepPhase
    let outcome: DeepSweepPhase.Outcome

    /// Candidates by final score (best first; ties: spec order).
    var ranked: [Int] {
        let means = outcome.finalResults.map { rs in rs.isEmpty ? -Double.infinity : rs.map(\.score).reduce(0, +) / Double(rs.count) }
        return means.indices.sorted { means[$0] != means[$1] ? means[$0] > means[$1] : $0 < $1 }
    }

    /// Validation accuracy per epoch of a candidate, the mean over its folds (as far as all trained).
    func curve(_ i: Int) -> [Double] {
        let c = phase.candidates[i]
        let folds = (0..<phase.folds).map { phase.trainer.history(c, fold: $0).compactMap { $0.count > 4 ? Double($0[4]) : nil } }
        let n = folds.map(\.count).min() ?? 0
        return (0..<n).map { e in folds.map { $0[e] }.reduce(0, +) / Double(folds.count) }
    }

    func label(_ i: Int) -> String {
        let c = phase.candidates[i]
        return "#\(i + 1) \(c.network)"
    }

    /// The deep section of report.md, and learning-curves.svg.
    func write(to dir: String, scoring: String) -> String {
        var md = "\n## Deep trials\n\n"
        md += "\(phase.candidates.count) candidate(s) × \(phase.folds) folds, \(phase.workersPerTrial) worker(s) per trial, pruning: \(phase.schedule.summary). "
        md += "Epochs trained: \(outcome.epochsTrained) of \(outcome.epochsWithoutPruning) (every candidate to its end)"
        if outcome.epochsWithoutPruning > 0 {
            md += String(format: ", %.0f %% saved", 100 * (1 - Double(outcome.epochsTrained) / Double(outcome.epochsWithoutPruning)))
        }
        md += ".\n\n| # | network | parameters | rungs reached (epochs) | CV \(scoring) at each rung | outcome |\n|---|---|---|---|---|---|\n"
        for i in ranked {
            let c = phase.candidates[i]
            let rungs = phase.rungs(c)
            let scores = outcome.rungScores[i].map { String(format: "%.3f", $0) }.joined(separator: " → ")
            let standing: String
            switch outcome.standings[i] {
            case .finished: standing = "trained to the end"
            case .stopped(let m): standing = "pruned at rung \(m + 1) (\(rungs[m]) epochs)"
            case .training, .waiting: standing = "unfinished"
            }
            md += "| \(i + 1) | \(c.network) | `\(Trial.canonicalJSON(c.parameters))` | \(outcome.lastRung[i] + 1) (\(rungs[min(outcome.lastRung[i], rungs.count - 1)])) | \(scores) | \(standing) |\n"
        }
        let best = ranked.filter { if case .finished = outcome.standings[$0] { return true } else { return false } }.prefix(3)
        let pruned = ranked.filter { if case .stopped = outcome.standings[$0] { return true } else { return false } }
        let svg = SVGPlots.curves(best.map { (label($0), curve($0)) }, title: "Deep trials: validation accuracy (mean over folds)",
                                  yLabel: "val_accuracy", unitRange: true, stopped: pruned.map(curve), stoppedLabel: "pruned")
        try? AtomicFile.write(Data(svg.utf8), to: dir + "/learning-curves.svg")
        md += "\n![learning curves of the best deep trials, and where the others were pruned](learning-curves.svg)\n"
        return md
    }
}

/// The human side of a run directory: `report.md`, `confusion.svg` and `estimators.svg` (and
/// `learning-curves.svg` with deep trials).
enum SweepReport {
    static func write(_ a: BestArtifact, to dir: String, deep: DeepReport? = nil) {
        let names = a.estimators.keys.sorted()
        var md = "# Sweep report\n\n"
        md += "Winner: **\(a.winner.estimator)** \(Trial.canonicalJSON(a.winner.params)) — cross-validated \(a.scoring) "
        md += String(format: "%.3f ± %.3f", a.winner.cv.mean, a.winner.cv.std)
        if let t = a.winner.test {
            md += String(format: "; on the %d held-out test recordings (%d speakers): accuracy %.3f, UAR %.3f, macro F1 %.3f",
                         a.data.test, a.data.testSpeakers, t.accuracy, t.uar, t.macroF1)
        }
        md += ".\n\n"
        md += "Data: \(a.data.development) development rows (\(a.data.augmented) augmented) from \(a.data.developmentSpeakers) speakers, "
        md += "\(a.cv)-fold cross-validation grouped by speaker; \(a.search) search; features: \(a.features) of \(a.store.parameters.features.nMFCC) MFCC.\n\n"
        md += "| estimator | candidates | CV \(a.scoring) | train acc. | validation acc. | test acc. | test UAR | best parameters |\n"
        md += "|---|---|---|---|---|---|---|---|\n"
        for n in names {
            let e = a.estimators[n]!
            md += "| \(n) | \(e.candidates) | " + String(format: "%.3f ± %.3f", e.cv.mean, e.cv.std)
            md += String(format: " | %.3f | %.3f | ", e.trainAccuracy, e.validationAccuracy)
            md += e.test.map { String(format: "%.3f | %.3f", $0.accuracy, $0.uar) } ?? "- | -"
            md += " | `\(Trial.canonicalJSON(e.params))` |\n"
        }
        md += "\n![confusion matrix](confusion.svg)\n\n![estimators](estimators.svg)\n"
        if let deep { md += deep.write(to: dir, scoring: a.scoring) }
        try? AtomicFile.write(Data(md.utf8), to: dir + "/report.md")
        if let confusion = a.winner.confusion {
            try? AtomicFile.write(Data(SVGPlots.confusionMatrix(confusion, classes: a.winner.classes, title: "\(a.winner.estimator): test confusion matrix").utf8), to: dir + "/confusion.svg")
        }
        let bars = names.map { ($0, a.estimators[$0]!.trainAccuracy, a.estimators[$0]!.validationAccuracy) }
        try? AtomicFile.write(Data(SVGPlots.groupedBars(bars, title: "Best configuration per estimator: accuracy over the CV folds").utf8), to: dir + "/estimators.svg")
    }
}
