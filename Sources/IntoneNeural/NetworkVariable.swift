/// One variable of a network, as Keras names it, and where its values sit in the flat buffers.
public struct NetworkVariable: Sendable, Equatable, CustomStringConvertible {
    /// Trainable (in `Network.parameters`, with a gradient) or state (in `Network.state`).
    public enum Kind: String, Sendable, Equatable {
        case trainable, state
    }

    /// `layer/variable`, as Keras names them: `conv1d/kernel`, `lstm_1/recurrent_kernel`,
    /// `batch_normalization/moving_variance`.
    public let name: String
    /// The variable's shape in Keras's layout (a Conv1D kernel is `[kernelSize, in, filters]`).
    public let shape: [Int]
    /// Which buffer holds it.
    public let kind: Kind
    /// Its values' range in `Network.parameters` (and `gradients`) or in `Network.state`, row-major.
    public let range: Range<Int>
    /// Index of the layer that owns it.
    public let layerIndex: Int

    public var description: String { "\(name) \(shape) \(kind) \(range)" }
}

/// A layer of a built network: its name and per-sample output shape.
public struct LayerSummary: Sendable, Equatable {
    /// Keras-style layer name (`conv1d`, `dropout_2`).
    public let name: String
    /// Per-sample output shape (no batch axis).
    public let outputShape: [Int]
    /// Trainable values the layer owns.
    public let parameterCount: Int
}
