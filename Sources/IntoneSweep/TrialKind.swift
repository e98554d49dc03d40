import IntoneEngine
import IntoneLearning

/// The task kind of a sweep (`trial`): one trial (estimator, parameters, held-out fold, halving
/// resource) on the sweep's data, which travels as one blob (`SweepTaskData`) shipped to each
/// worker once and decoded once per content hash. The output is the trial's `TrialResult` as JSON.
public struct TrialKind: TaskKind {
    public static let name = "trial"
    public static let version = 1
    /// The same trial on the same data gives the same scores (the fit seconds aside).
    public static let isPure = true

    public struct Parameters: Codable, Equatable, Sendable {
        public var estimator: String
        public var parameters: [String: ParameterValue]
        public var fold: Int
        public var resource: Int?

        public init(_ t: Trial) {
            estimator = t.estimator
            parameters = t.parameters
            fold = t.fold
            resource = t.resource
        }

        public var trial: Trial { Trial(estimator: estimator, parameters: parameters, fold: fold, resource: resource) }
    }

    public typealias Output = TrialResult

    private let runners = WorkerCache<String, TrialRunner>()

    public init() {}

    public func execute(_ p: Parameters, blobs: [TaskBlob], context: TaskContext) throws -> TrialResult {
        guard let blob = blobs.first else { throw TaskError("a trial arrived without its data") }
        let runner = try runners.value(for: blob.hash) { try SweepTaskData.decode(blob.bytes) }
        return try runner.run(p.trial)
    }
}
