/// How well predictions match the truth: the numbers speech-emotion papers report.
///
/// Definitions follow scikit-learn: accuracy; unweighted average recall (UAR, `balanced_accuracy_score`:
/// the mean of per-class recall over the classes present in the truth); macro F1 (`f1_score(average='macro')`
/// over the classes present in the truth or the predictions, 0 where precision + recall is 0);
/// per-class precision and recall (0 where undefined, as `zero_division=0`); the confusion matrix
/// (`truth × prediction`).
public struct ClassificationReport: Codable, Equatable, Sendable {
    public var accuracy: Double
    /// Unweighted average recall (balanced accuracy).
    public var uar: Double
    public var macroF1: Double
    /// Per class index: precision (0 if never predicted).
    public var precision: [Double]
    /// Per class index: recall (0 if absent from the truth).
    public var recall: [Double]
    /// Per class index: F1.
    public var f1: [Double]
    /// Per class index: samples of that class in the truth.
    public var support: [Int]
    /// `confusion[t][p]`: samples of class t predicted as p.
    public var confusion: [[Int]]

    enum CodingKeys: String, CodingKey {
        case accuracy, uar, macroF1 = "macro_f1", precision, recall, f1, support, confusion
    }

    /// Compares `predicted` with `truth` (class indices in `0..<classCount`).
    public init(truth: [Int], predicted: [Int], classCount: Int) {
        precondition(truth.count == predicted.count)
        var confusion = [[Int]](repeating: [Int](repeating: 0, count: classCount), count: classCount)
        for (t, p) in zip(truth, predicted) { confusion[t][p] += 1 }
        let n = truth.count
        let correct = (0..<classCount).reduce(0) { $0 + confusion[$1][$1] }
        let support = (0..<classCount).map { c in confusion[c].reduce(0, +) }
        let predictedCount = (0..<classCount).map { c in (0..<classCount).reduce(0) { $0 + confusion[$1][c] } }
        let precision = (0..<classCount).map { c in predictedCount[c] > 0 ? Double(confusion[c][c]) / Double(predictedCount[c]) : 0 }
        let recall = (0..<classCount).map { c in support[c] > 0 ? Double(confusion[c][c]) / Double(support[c]) : 0 }
        let f1 = (0..<classCount).map { c in
            let s = precision[c] + recall[c]
            return s > 0 ? 2 * precision[c] * recall[c] / s : 0
        }
        let present = (0..<classCount).filter { support[$0] > 0 }
        let labelled = (0..<classCount).filter { support[$0] > 0 || predictedCount[$0] > 0 }
        self.accuracy = n > 0 ? Double(correct) / Double(n) : 0
        self.uar = present.isEmpty ? 0 : present.reduce(0) { $0 + recall[$1] } / Double(present.count)
        self.macroF1 = labelled.isEmpty ? 0 : labelled.reduce(0) { $0 + f1[$1] } / Double(labelled.count)
        self.precision = precision
        self.recall = recall
        self.f1 = f1
        self.support = support
        self.confusion = confusion
    }
}
