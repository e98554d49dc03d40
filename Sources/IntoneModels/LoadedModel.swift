import IntoneFeatures
import IntoneLearning

/// A model read back from its folder, ready to predict.
public struct LoadedModel: Sendable {
    /// What turns feature matrices into probabilities.
    public enum Predictor: Sendable {
        /// A classic classifier on summarised, standardised features.
        case classic(any TrainedClassifier, StandardScaler)
        /// A network on MFCC frame sequences.
        case deep(DeepPredictor)
    }

    public let predictor: Predictor
    public let classes: [String]
    public let features: ModelArchive.FeatureSpec
    /// Spec name of the estimator (`deep` for networks).
    public let estimator: String
    /// The folder's `calibration.json`, applied to every probability this model gives.
    public var calibration: ModelCalibration?

    public init(predictor: Predictor, classes: [String], features: ModelArchive.FeatureSpec, estimator: String,
                calibration: ModelCalibration? = nil) {
        self.predictor = predictor
        self.classes = classes
        self.features = features
        self.estimator = estimator
        self.calibration = calibration
    }

    /// The classic classifier, if this is a classic model.
    public var classifier: (any TrainedClassifier)? { if case .classic(let c, _) = predictor { return c } else { return nil } }
    /// The classic model's scaler.
    public var scaler: StandardScaler? { if case .classic(_, let s) = predictor { return s } else { return nil } }

    /// Whether the model wants its windows standardised per call (`FeatureNormalization.perSpeaker`).
    public var normalizesPerCall: Bool { features.normalization == .perSpeaker && classifier != nil }

    /// A classic model's feature vectors for `matrices` (its summary), before any normalisation.
    public func summaries(_ matrices: [FeatureMatrix]) -> [[Float]] {
        guard case .classic = predictor, let summary = FeatureSummary(rawValue: features.summary) else { return [] }
        guard let rows = features.rows else { return matrices.map { summary.summarise($0) } }
        return matrices.map { summary.summarise($0.selectingRows(rows)) }
    }

    /// `p` through the model's calibration (unchanged without one).
    func calibrated(_ p: [Double]) -> [Double] { calibration.map { $0.apply(p) } ?? p }

    /// Class probabilities of a classic model for vectors already summarised and, for a per-speaker
    /// model, standardised as one group (`rows` from `summaries`, all of one call or one speaker).
    public func probabilities(summaries rows: [[Float]]) -> [[Double]] {
        guard case .classic(let classifier, let scaler) = predictor, let width = rows.first?.count else { return [] }
        var values = rows.flatMap { $0 }
        if features.normalization == .perSpeaker {
            FeatureNormalization.standardize(&values, width: width, groups: [String](repeating: "", count: rows.count))
        }
        let x = scaler.transform(Matrix(rows: rows.count, columns: width, values: values))
        let p = classifier.probabilities(x)
        let k = classifier.classCount
        return (0..<rows.count).map { calibrated(Array(p[($0 * k)..<(($0 + 1) * k)])) }
    }

    /// Class probabilities for feature matrices (coefficients × frames), one row per matrix. A
    /// per-speaker model standardises them as one group.
    public func probabilities(_ matrices: [FeatureMatrix]) -> [[Double]] {
        switch predictor {
        case .deep(let network):
            return network.probabilities(matrices).map(calibrated)
        case .classic:
            return probabilities(summaries: summaries(matrices))
        }
    }
}
