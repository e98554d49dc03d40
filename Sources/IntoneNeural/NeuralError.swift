/// Why a network could not be built, fed or loaded. Each case names the layer, variable or argument
/// concerned so the message printed by the command line says what to fix.
public enum NeuralError: Error, Equatable, Sendable, CustomStringConvertible {
    /// A layer cannot take the shape its predecessor produces, or its settings are out of range.
    case invalidLayer(index: Int, name: String, reason: String)
    /// The last layer must be a softmax (the loss is categorical cross-entropy on its input).
    case lastLayerNotSoftmax
    /// A batch's shape does not match the network's input shape.
    case inputShape(expected: [Int], got: [Int])
    /// Labels, one-hot targets or class weights do not match the batch or the classes.
    case labels(String)
    /// A weight file names a variable the network has with another shape.
    case weightShape(name: String, expected: [Int], got: [Int])
    /// A weight file lacks a variable the network needs.
    case missingWeight(name: String)
    /// A weight file has a variable the network does not know.
    case unexpectedWeight(name: String)
    /// An optimizer or callback setting is out of range.
    case invalidSetting(String)

    public var description: String {
        switch self {
        case let .invalidLayer(index, name, reason): "layer \(index) (\(name)): \(reason)"
        case .lastLayerNotSoftmax: "the last layer must be softmax (the loss is categorical cross-entropy)"
        case let .inputShape(expected, got): "input batch has shape \(got), expected [batch] + \(expected)"
        case let .labels(reason): "labels: \(reason)"
        case let .weightShape(name, expected, got): "weight \(name) has shape \(got), the network expects \(expected)"
        case let .missingWeight(name): "weight \(name) is missing"
        case let .unexpectedWeight(name): "weight \(name) is not a variable of this network"
        case let .invalidSetting(reason): reason
        }
    }
}
