import IntoneFormats

/// A fitted classifier as named arrays (written as `.npy`, readable with `numpy.load`) plus a few
/// scalar attributes (written into the model's JSON).
public struct ModelWeights: Equatable, Sendable {
    public var arrays: [String: NPYTypedArray]
    public var attributes: [String: ParameterValue]

    public init(arrays: [String: NPYTypedArray] = [:], attributes: [String: ParameterValue] = [:]) {
        self.arrays = arrays
        self.attributes = attributes
    }

    /// The array `name`, or an error naming it.
    public func array(_ name: String) throws(LearningError) -> NPYTypedArray {
        guard let a = arrays[name] else { throw LearningError("model weights lack the array '\(name)'") }
        return a
    }

    /// The array `name` as 32-bit integers: every value must be one (a float such as 1e10 or NaN
    /// in an index array is an error naming the array, not a trap in the conversion).
    public func int32s(_ name: String) throws(LearningError) -> [Int32] {
        guard let values = try array(name).exactInt32s else { throw LearningError("model array '\(name)' holds a value that is not a 32-bit integer") }
        return values
    }

    /// The integer attribute `name`, or an error naming it.
    public func int(_ name: String) throws(LearningError) -> Int {
        guard case .int(let v)? = attributes[name] else { throw LearningError("model attribute '\(name)' is missing or not an integer") }
        return v
    }

    /// The string attribute `name`, or an error naming it.
    public func string(_ name: String) throws(LearningError) -> String {
        guard case .string(let v)? = attributes[name] else { throw LearningError("model attribute '\(name)' is missing or not a string") }
        return v
    }
}

/// A fitted classifier that can be written as `ModelWeights` and read back exactly.
public protocol ArchivableClassifier: TrainedClassifier {
    /// The `kind` written in the model's JSON (`tree_ensemble`, `sgd_linear`, ...).
    static var archiveKind: String { get }
    /// The arrays and attributes that determine the model.
    func archivedWeights() -> ModelWeights
    /// Rebuilds the model from what `archivedWeights()` gave; every size and index checked.
    init(archived: ModelWeights) throws(LearningError)
    /// Feature columns the model reads (its largest feature index + 1, or its input width).
    var archivedInputWidth: Int { get }
}

/// Reading any archived classifier by its kind.
public enum ClassifierArchive {
    /// Every archivable type, by kind.
    static let kinds: [String: any ArchivableClassifier.Type] = [
        DecisionTree.archiveKind: DecisionTree.self,
        TreeEnsemble.archiveKind: TreeEnsemble.self,
        LinearModel.archiveKind: LinearModel.self,
        MultilayerPerceptron.archiveKind: MultilayerPerceptron.self,
        HistGradientBoostingModel.archiveKind: HistGradientBoostingModel.self,
    ]

    /// Rebuilds a classifier of `kind`.
    public static func load(kind: String, weights: ModelWeights) throws(LearningError) -> any ArchivableClassifier {
        guard let type = kinds[kind] else {
            throw LearningError("unknown model kind '\(kind)' (known: \(kinds.keys.sorted().joined(separator: ", ")))")
        }
        return try type.init(archived: weights)
    }
}
