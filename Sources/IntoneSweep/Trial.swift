import Foundation
import IntoneFormats
import IntoneLearning

/// One unit of sweep work: fit one configuration of one estimator on the training folds and score it
/// on the held-out fold. A value with a deterministic result: same trial, same numbers, wherever it runs.
public struct Trial: Hashable, Sendable {
    /// Spec name of the estimator.
    public let estimator: String
    /// Its parameters (only those the spec sets; defaults are the estimator's).
    public let parameters: [String: ParameterValue]
    /// Held-out fold.
    public let fold: Int
    /// Training rows used: `nil` for all of the training folds; a count for successive halving.
    /// For a deep network: the epochs trained (its rung).
    public let resource: Int?
    /// Deep networks: the workers it trains on, data-parallel (nil for classic estimators).
    public let workers: Int?

    public init(estimator: String, parameters: [String: ParameterValue], fold: Int, resource: Int? = nil, workers: Int? = nil) {
        self.estimator = estimator
        self.parameters = parameters
        self.fold = fold
        self.resource = resource
        self.workers = workers
    }

    /// The parameters as canonical JSON (keys sorted): how trials and configurations are identified.
    public var parametersJSON: String { Self.canonicalJSON(parameters) }

    /// Identity of the configuration: estimator and parameters.
    public var configurationKey: String { "\(estimator) \(parametersJSON)" }

    /// Identity of the trial within a sweep (configuration, fold, resource). Together with the sweep's
    /// seed, folds and store it determines the result, so a resumed or extended sweep reuses it.
    public var key: String {
        let workerPart = workers.map { " workers=\($0)" } ?? ""
        return String(SHA256.hex(of: Array("\(configurationKey) fold=\(fold) resource=\(resource.map(String.init) ?? "all")\(workerPart)".utf8)).prefix(20))
    }

    static func canonicalJSON(_ p: [String: ParameterValue]) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return String(decoding: (try? encoder.encode(p)) ?? Data("{}".utf8), as: UTF8.self)
    }
}

/// What a trial measured.
public struct TrialResult: Codable, Equatable, Sendable {
    /// The ranking score (per the spec's scoring) on the held-out fold.
    public var score: Double
    public var accuracy: Double
    public var uar: Double
    public var macroF1: Double
    /// Accuracy on the rows it was fitted on.
    public var trainAccuracy: Double
    /// Seconds to fit (informational; not part of any artifact that must replay byte for byte).
    public var fitSeconds: Double
    /// Deep networks: epochs trained so far (fewer than the rung's when Keras's early stopping
    /// ended the trial), whether it stopped early that way, the workers it trained on, and its rung.
    public var epochs: Int? = nil
    public var stoppedEarly: Bool? = nil
    public var workers: Int? = nil
    public var rung: Int? = nil
}
