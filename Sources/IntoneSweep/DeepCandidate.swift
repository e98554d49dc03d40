import IntoneLearning
import IntoneTraining

/// One configuration of a deep network in a sweep: the built-in network the spec names (data/models'
/// `cnn`, `cnn-lstm` or `default`) with the spec's parameters set, and whether its training folds
/// include the store's augmented copies.
public struct DeepCandidate: Equatable, Sendable {
    /// Networks a spec can name.
    public static let networks = BuiltInModels.names

    /// The sweep parameter that is not the model's: `stored` (the default) trains on the store's
    /// augmented copies too, `none` on the original clips only.
    public static let augmentationParameter = "augmentation"

    public let network: String
    public let parameters: [String: ParameterValue]
    /// Position in the spec (estimator order, then grid order): the tie-breaker.
    public let order: Int
    public let config: ModelConfig
    /// Whether the training folds include augmented copies.
    public let augmented: Bool

    /// Builds the configuration; an unknown parameter or a bad value names it.
    public init(network: String, parameters: [String: ParameterValue], order: Int) throws(ParameterError) {
        guard let base = BuiltInModels.config(network) else {
            throw ParameterError(estimator: network, parameter: "", reason: "unknown network (known: \(Self.networks.joined(separator: ", ")))")
        }
        var rest = parameters
        switch rest.removeValue(forKey: Self.augmentationParameter) {
        case nil, .string("stored")?: augmented = true
        case .string("none")?: augmented = false
        case let other?:
            throw ParameterError(estimator: network, parameter: Self.augmentationParameter, reason: "must be stored or none (got \(other))")
        }
        self.network = network
        self.parameters = parameters
        self.order = order
        do { config = try base.applying(rest, network: network) } catch {
            if error.reason.hasPrefix("unknown parameter") {
                throw ParameterError(estimator: network, parameter: error.parameter,
                                     reason: error.reason.replacingOccurrences(of: "(known: ", with: "(known: augmentation, "))
            }
            throw error
        }
    }

    /// The config's text, every key written: what its checkpoints and model folder are tied to.
    public var configText: String { config.yamlText }

    /// Identity: network and parameters (as a classic trial's `configurationKey`).
    public var configurationKey: String { "\(network) \(Trial.canonicalJSON(parameters))" }
}
