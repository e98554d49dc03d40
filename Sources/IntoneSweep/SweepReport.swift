import Foundation
import IntoneFormats

/// The human side of a run directory: `report.md`, `confusion.svg` and `estimators.svg`.
enum SweepReport {
    static func write(_ a: BestArtifact, to dir: String) {
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
        try? AtomicFile.write(Data(md.utf8), to: dir + "/report.md")
        if let confusion = a.winner.confusion {
            try? AtomicFile.write(Data(SVGPlots.confusionMatrix(confusion, classes: a.winner.classes, title: "\(a.winner.estimator): test confusion matrix").utf8), to: dir + "/confusion.svg")
        }
        let bars = names.map { ($0, a.estimators[$0]!.trainAccuracy, a.estimators[$0]!.validationAccuracy) }
        try? AtomicFile.write(Data(SVGPlots.groupedBars(bars, title: "Best configuration per estimator: accuracy over the CV folds").utf8), to: dir + "/estimators.svg")
    }
}
