import IntoneRandom

/// A variable a layer owns: its Keras name (without the layer prefix), shape and initialiser.
struct VariableSpec: Sendable {
    let name: String
    let shape: [Int]
    let initializer: Initializer
    var count: Int { shape.reduce(1, *) }
}

/// What a layer's forward pass reads and writes besides its input and output.
struct ForwardPass {
    /// Samples in the batch.
    let batch: Int
    /// Training mode (batch statistics, dropout) or inference mode.
    let training: Bool
    /// The layer's slice of the network's parameter buffer, variables in `parameterSpecs` order.
    let parameters: UnsafeBufferPointer<Float>
    /// The layer's slice of the state buffer (BatchNormalization's moving statistics), updated in training.
    let state: UnsafeMutableBufferPointer<Float>
    /// Training with batch statistics summed over replicas (SyncBatchNorm), if set.
    var sync: BatchStatisticsSync? = nil
}

/// What a layer's backward pass reads and writes; it follows a forward pass on the same batch.
struct BackwardPass {
    let batch: Int
    let parameters: UnsafeBufferPointer<Float>
    /// The layer's slice of the gradient buffer; gradients are *added* (the network zeroes it first).
    let gradients: UnsafeMutableBufferPointer<Float>
    /// The forward pass's input and output.
    let input: UnsafeBufferPointer<Float>
    let output: UnsafeBufferPointer<Float>
    /// ∂loss/∂output.
    let outputGradient: UnsafeBufferPointer<Float>
    /// Where ∂loss/∂input goes (overwritten); nil for the first layer, whose input gradient nobody needs.
    let inputGradient: UnsafeMutableBufferPointer<Float>?
    /// As in `ForwardPass`.
    var sync: BatchStatisticsSync? = nil
}

/// A layer at run time: geometry fixed when the network is built, scratch memory sized for the largest
/// batch seen so far (grown by `reserve`, never per call). Per-sample shapes exclude the batch axis.
protocol NeuralLayer: Sendable {
    /// Keras layer name (`conv1d_1`).
    var name: String { get }
    /// Per-sample input shape.
    var inputShape: [Int] { get }
    /// Per-sample output shape.
    var outputShape: [Int] { get }
    /// Trainable variables, in the order they sit in the layer's parameter slice.
    var parameterSpecs: [VariableSpec] { get }
    /// Non-trainable variables, in the order they sit in the layer's state slice.
    var stateSpecs: [VariableSpec] { get }
    /// Makes scratch room for batches of up to `batch` samples.
    mutating func reserve(batch: Int, training: Bool)
    /// Computes `output` from `input`; keeps what the backward pass needs.
    mutating func forward(_ input: UnsafeBufferPointer<Float>, into output: UnsafeMutableBufferPointer<Float>,
                          pass: ForwardPass, random: inout SeededRandom)
    /// Adds parameter gradients and writes the input gradient.
    mutating func backward(_ pass: BackwardPass)
}

extension NeuralLayer {
    var parameterSpecs: [VariableSpec] { [] }
    var stateSpecs: [VariableSpec] { [] }
    mutating func reserve(batch: Int, training: Bool) {}
    var inputSize: Int { inputShape.reduce(1, *) }
    var outputSize: Int { outputShape.reduce(1, *) }
}

/// Grows `buffer` to at least `count` values (contents are scratch: not preserved meaningfully).
@inline(__always)
func grow(_ buffer: inout [Float], to count: Int) {
    if buffer.count < count { buffer = [Float](repeating: 0, count: count) }
}

/// A layer's settings do not fit its input; the network wraps it in `NeuralError.invalidLayer`.
struct LayerShapeError: Error {
    let reason: String
    init(_ reason: String) { self.reason = reason }
}
