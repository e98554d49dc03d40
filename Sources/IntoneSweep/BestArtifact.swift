import IntoneCorpus
import IntoneLearning
import IntoneTraining

/// `best.json`: the outcome of a sweep, traceable to its inputs (schema in docs/BEST-JSON.md).
/// Holds no times, host names or absolute paths, so the same sweep gives the same bytes anywhere.
public struct BestArtifact: Codable, Equatable, Sendable {
    /// Schema version.
    public var format = 1
    public var seed: UInt64
    public var cv: Int
    public var scoring: String
    public var search: String
    public var features: String
    /// SHA-256 of the spec text.
    public var specSHA256: String
    public var store: StoreReference
    public var data: DataSummary
    /// Per estimator (spec name): its best configuration.
    public var estimators: [String: EstimatorResult]
    public var winner: Winner
    /// The deep trials, when the spec names deep networks.
    public var deep: DeepSummary?

    /// How the deep trials went: workers per trial, the pruning rule, how many candidates were
    /// trained to the end or pruned, and the epochs trained (over all folds) against the epochs
    /// training every candidate to its end would have taken.
    public struct DeepSummary: Codable, Equatable, Sendable {
        public var workersPerTrial: Int
        public var pruning: String
        public var candidates: Int
        public var trainedToTheEnd: Int
        public var pruned: Int
        public var epochsTrained: Int
        public var epochsWithoutPruning: Int

        enum CodingKeys: String, CodingKey {
            case pruning, candidates, pruned
            case workersPerTrial = "workers_per_trial", trainedToTheEnd = "trained_to_the_end"
            case epochsTrained = "epochs_trained", epochsWithoutPruning = "epochs_without_pruning"
        }
    }

    public struct StoreReference: Codable, Equatable, Sendable {
        /// SHA-256 of the store's params.json and manifest.csv.
        public var sha256: String
        public var parameters: FeatureStoreParameters
    }

    public struct DataSummary: Codable, Equatable, Sendable {
        /// Development rows (train + validation splits), of which augmented.
        public var development: Int
        public var augmented: Int
        /// Held-out test rows.
        public var test: Int
        public var developmentSpeakers: Int
        public var testSpeakers: Int
    }

    public struct CVScore: Codable, Equatable, Sendable {
        public var mean: Double
        /// Population standard deviation over folds (scikit-learn's `std_test_score`).
        public var std: Double
        public var folds: [Double]
    }

    public struct TestScore: Codable, Equatable, Sendable {
        public var accuracy: Double
        public var uar: Double
        public var macroF1: Double

        enum CodingKeys: String, CodingKey { case accuracy, uar, macroF1 = "macro_f1" }

        init(_ r: ClassificationReport) {
            accuracy = r.accuracy
            uar = r.uar
            macroF1 = r.macroF1
        }

        init(_ s: TrainingRun.Metrics.Scores) {
            accuracy = s.accuracy
            uar = s.uar
            macroF1 = s.macroF1
        }
    }

    public struct EstimatorResult: Codable, Equatable, Sendable {
        /// scikit-learn class name.
        public var estimator: String
        public var params: [String: ParameterValue]
        public var cv: CVScore
        /// Mean over folds of the accuracy on the fitting rows and on the held-out fold.
        public var trainAccuracy: Double
        public var validationAccuracy: Double
        /// Configurations evaluated.
        public var candidates: Int
        /// Refitted on all development rows, scored on the test speakers.
        public var test: TestScore?
        /// Deep networks: the epochs the refit trained.
        public var epochs: Int? = nil

        enum CodingKeys: String, CodingKey {
            case estimator, params, cv, candidates, test, epochs
            case trainAccuracy = "train_accuracy", validationAccuracy = "validation_accuracy"
        }
    }

    public struct Winner: Codable, Equatable, Sendable {
        public var estimator: String
        public var params: [String: ParameterValue]
        public var cv: CVScore
        public var test: TestScore?
        /// Confusion matrix of the test predictions (`truth × prediction`, classes in `classes` order).
        public var confusion: [[Int]]?
        public var classes: [String]
        /// The saved model, relative to the run directory.
        public var model: String
    }

    enum CodingKeys: String, CodingKey {
        case format, seed, cv, scoring, search, features, store, data, estimators, winner, deep
        case specSHA256 = "spec_sha256"
    }
}
