import Foundation
import IntoneLearning
import IntoneModels
@_exported import IntoneConfig
import Yams

/// A sweep: which estimators to try, over which parameter grids, scored how.
///
/// Written in YAML (see `data/sweeps/*.yaml`):
/// ```yaml
/// seed: 0
/// cv: 5                 # grouped stratified folds (no speaker in two folds)
/// scoring: uar          # uar (balanced accuracy), accuracy or macro_f1
/// search: grid          # grid, random (with n_samples) or halving (with halving_factor)
/// features: mean        # mean (per coefficient over time) or mean_std (mean and standard deviation)
/// normalization: none   # classic estimators: per_speaker standardises each speaker's vectors (per channel)
/// workers_per_trial: 2  # deep trials: workers training each one data-parallel (default 1)
/// pruning:              # deep trials: asynchronous successive halving (asha), median stopping or none
///   scheduler: asha
///   grace_period: 2     # epochs every trial gets before its first rung
///   reduction_factor: 3 # rungs at grace_period × 3^k epochs; the best third goes on
/// estimators:
///   random_forest:
///     n_estimators: [50, 100]   # a list is a grid axis; a single value is fixed
///     max_depth: [null, 10]
///   sgd:
///     loss: [hinge, log_loss]
///   cnn-lstm:                   # a deep network (cnn, cnn-lstm, default) with Keras's parameter names
///     filters: [32, 64]
///     units: [64, 128]
///     learning_rate: [0.001, 0.0003]
/// ```
public struct SweepSpec: Equatable, Sendable {
    /// One estimator and its grid.
    public struct EstimatorGrid: Equatable, Sendable {
        /// Spec name (`random_forest`, `sgd`, ...).
        public var name: String
        /// Parameter axes in file order: name and candidate values.
        public var axes: [(name: String, values: [ParameterValue])]
        /// Line of each parameter in the spec file (for messages).
        public var lines: [String: Int]
        /// Parameters drawn at random (`search: random` only), by name.
        public var distributions: [String: ParameterDistribution] = [:]

        /// A deep network (`cnn`, `cnn-lstm`, `default`: data/models' configs), trained epoch by
        /// epoch, rather than a classic estimator.
        public var isDeep: Bool { DeepCandidate.networks.contains(name) }

        public static func == (a: EstimatorGrid, b: EstimatorGrid) -> Bool {
            a.name == b.name && a.axes.map(\.name) == b.axes.map(\.name) && a.axes.map(\.values) == b.axes.map(\.values)
                && a.distributions == b.distributions
        }

        /// Every combination, the last axis varying fastest (scikit-learn's ParameterGrid order is
        /// sorted by name; ours follows the file, which is what users read).
        public func configurations() -> [[String: ParameterValue]] {
            var out: [[String: ParameterValue]] = [[:]]
            for axis in axes {
                out = out.flatMap { partial in axis.values.map { v in partial.merging([axis.name: v]) { _, new in new } } }
            }
            return out
        }
    }

    /// How candidates are chosen from the grids.
    public enum Search: Equatable, Sendable {
        case grid
        /// `n` configurations drawn without replacement from all grids together (seeded).
        case random(samples: Int)
        /// Successive halving: all candidates on a small share of the training data, the best 1/factor
        /// go on with factor times more, until one share covers all of it.
        case halving(factor: Int)
    }

    /// How the stored MFCC matrices become fixed-length vectors (the models module's, which
    /// classic models store).
    public typealias FeatureSummary = IntoneModels.FeatureSummary

    public var seed: UInt64
    public var folds: Int
    public var scoring: Scoring
    public var search: Search
    public var features: FeatureSummary
    public var estimators: [EstimatorGrid]
    /// Classic estimators: feature vectors standardised per speaker and channel (`per_speaker`) or not.
    public var normalization: FeatureNormalization = .none
    /// Temporal smoothing written into the winner's model folder (`smoothing.json`), which
    /// `intone score` applies to the window labels; `nil`: none.
    public var smoothing: WindowSmoothing?
    /// Workers each deep trial trains on, data-parallel (the shards of every batch; 1: one worker).
    public var workersPerTrial = 1
    /// How deep trials are stopped early across the sweep.
    public var pruning = PruningSchedule()
    /// The spec's text, kept in the run directory and best.json.
    public var text: String

    /// Whether any estimator is a deep network.
    public var hasDeepNetworks: Bool { estimators.contains(where: \.isDeep) }

    /// Total candidate configurations over all estimators (with distributions: the samples drawn).
    public var configurationCount: Int {
        if hasDistributions, case .random(let n) = search { return n }
        return estimators.reduce(0) { $0 + $1.configurations().count }
    }
}

/// The score a sweep ranks candidates by.
public enum Scoring: String, Equatable, Sendable, Codable, CaseIterable {
    case uar, accuracy
    case macroF1 = "macro_f1"

    func value(_ r: ClassificationReport) -> Double {
        switch self {
        case .uar: return r.uar
        case .accuracy: return r.accuracy
        case .macroF1: return r.macroF1
        }
    }
}

/// A sweep spec that cannot be used.
public typealias SweepSpecError = ConfigFileError
