import IntoneRandom

/// A Keras-style `Sequential` classifier: layers applied in order to `[batch] + inputShape` float32
/// batches, ending in a softmax over `classCount` classes.
///
/// All trainable values live in one flat buffer, `parameters`, and their gradients in `gradients`
/// (same size, same layout); BatchNormalization's moving statistics live in `state`. `variables` lists
/// each variable's Keras name, shape and range, so data-parallel training can ship and average whole
/// buffers and a loader can fill them from Keras's `.npy` weights.
///
/// Training is two calls: `computeGradients(inputs:labels:classWeights:)` fills `gradients`, then an
/// `Optimizer` applies them to `parameters`. Scratch memory (activations, im2col matrices, LSTM gates)
/// is sized for the largest batch seen and reused. A `Network` is a value: copies share nothing.
///
/// Data-parallel training: workers compute gradients on their shards, the averaged gradient buffer is
/// applied once, and the new `parameters` go back out. A training pass also moves `state` (Keras
/// updates BatchNormalization's moving statistics in every training step), so average the workers'
/// `state` buffers too, or take one worker's.
public struct Network: Sendable {
    /// Per-sample input shape, `[time, channels]` for sequences or `[features]`.
    public let inputShape: [Int]
    /// Number of classes of the final softmax.
    public let classCount: Int
    /// Every variable, trainable ones first in layer order, then state ones.
    public let variables: [NetworkVariable]
    /// Each run-time layer's name and output shape (an `activation:` argument adds its own layer).
    public let layerSummaries: [LayerSummary]
    /// All trainable values, layer by layer, each layer's variables in Keras's order.
    public var parameters: [Float]
    /// ∂loss/∂parameters from the last `computeGradients`, same layout as `parameters` (empty until the
    /// first training pass, so a network loaded only to predict does not hold a second copy of its size).
    public internal(set) var gradients: [Float]
    /// Non-trainable values (BatchNormalization `moving_mean`, `moving_variance`), updated in training.
    public var state: [Float]
    /// The stream dropout masks are drawn from, advanced by each training pass. Replace it (for example
    /// `SeededRandom(seed: run, stream: "dropout/epoch/3/batch/17")`) to make a step independent of the
    /// ones before it, as data-parallel workers need.
    public var dropoutRandom: SeededRandom
    /// Set by data-parallel training with synchronised batch normalisation: training passes sum
    /// their batch statistics over the replicas through it (nil: each batch's own statistics).
    public var batchStatisticsSync: BatchStatisticsSync?

    var layers: [any NeuralLayer]
    let parameterRanges: [Range<Int>]
    let stateRanges: [Range<Int>]
    /// Values per sample of the input (index 0) and of each layer's output (index i + 1).
    let sampleSizes: [Int]
    /// Activations of the last forward pass, laid out by `offsets(batch:)`; `deltas` their gradients.
    var activations: [Float] = []
    var deltas: [Float] = []
    /// Inference's two alternating layer-output buffers (see `inferenceForward`).
    var inferenceArena: [Float] = []
    /// Largest batch the layers' scratch is sized for, for inference and for training.
    var reservedBatch = (inference: 0, training: 0)

    /// Builds the layers on `inputShape` and initialises every variable as Keras does, each from its own
    /// stream `SeededRandom(seed: seed, stream: "init/<variable name>")`.
    ///
    /// - Throws: `NeuralError.invalidLayer` when a layer cannot take its input shape or its settings are
    ///   out of range; `.lastLayerNotSoftmax` unless the last layer is a softmax over a `[classes]` output.
    ///
    /// `initialize: false` leaves every variable zero, for a network whose weights are loaded next
    /// (`loadWeights`): a large model then skips drawing millions of random numbers it would discard.
    public init(inputShape: [Int], layers specs: [LayerSpec], seed: UInt64, initialize: Bool = true) throws(NeuralError) {
        guard !inputShape.isEmpty, inputShape.allSatisfy({ $0 > 0 }) else {
            throw NeuralError.invalidLayer(index: 0, name: "input", reason: "input shape \(inputShape) is empty")
        }
        var factory = LayerFactory()
        let layers = try factory.build(specs, inputShape: inputShape)
        guard let last = layers.last, last is SoftmaxLayer else { throw NeuralError.lastLayerNotSoftmax }
        guard last.outputShape.count == 1 else {
            throw NeuralError.invalidLayer(index: specs.count - 1, name: last.name,
                                           reason: "the network must end in [classes], not \(last.outputShape) (add Flatten or pooling)")
        }
        self.inputShape = inputShape
        self.layers = layers
        classCount = last.outputShape[0]

        var trainable: [NetworkVariable] = [], nonTrainable: [NetworkVariable] = []
        var parameterRanges: [Range<Int>] = [], stateRanges: [Range<Int>] = []
        var p = 0, s = 0
        for (index, layer) in layers.enumerated() {
            let p0 = p, s0 = s
            for v in layer.parameterSpecs {
                trainable.append(NetworkVariable(name: "\(layer.name)/\(v.name)", shape: v.shape, kind: .trainable,
                                                 range: p..<(p + v.count), layerIndex: index))
                p += v.count
            }
            for v in layer.stateSpecs {
                nonTrainable.append(NetworkVariable(name: "\(layer.name)/\(v.name)", shape: v.shape, kind: .state,
                                                    range: s..<(s + v.count), layerIndex: index))
                s += v.count
            }
            parameterRanges.append(p0..<p)
            stateRanges.append(s0..<s)
        }
        variables = trainable + nonTrainable
        var seen = Set<String>()
        for v in variables where !seen.insert(v.name).inserted {
            throw NeuralError.invalidLayer(index: v.layerIndex, name: layers[v.layerIndex].name, reason: "duplicate variable name \(v.name)")
        }
        self.parameterRanges = parameterRanges
        self.stateRanges = stateRanges
        sampleSizes = [inputShape.reduce(1, *)] + layers.map(\.outputSize)
        layerSummaries = layers.enumerated().map { i, l in
            LayerSummary(name: l.name, outputShape: l.outputShape, parameterCount: parameterRanges[i].count)
        }

        parameters = [Float](repeating: 0, count: p)
        gradients = []   // allocated by the first training pass: inference never needs it
        state = [Float](repeating: 0, count: s)
        dropoutRandom = SeededRandom(seed: seed, stream: "dropout")
        for v in variables where initialize {
            let spec = layers[v.layerIndex].parameterSpecs.first { "\(layers[v.layerIndex].name)/\($0.name)" == v.name }
                ?? layers[v.layerIndex].stateSpecs.first { "\(layers[v.layerIndex].name)/\($0.name)" == v.name }!
            var random = SeededRandom(seed: seed, stream: "init/\(v.name)")
            switch v.kind {
            case .trainable:
                parameters.withUnsafeMutableBufferPointer { spec.initializer.fill(UnsafeMutableBufferPointer(rebasing: $0[v.range]), random: &random) }
            case .state:
                state.withUnsafeMutableBufferPointer { spec.initializer.fill(UnsafeMutableBufferPointer(rebasing: $0[v.range]), random: &random) }
            }
        }
    }

    /// Number of trainable values (the length of `parameters` and `gradients`).
    public var parameterCount: Int { parameters.count }

    /// Number of state values (the length of `state`).
    public var stateCount: Int { state.count }

    /// Per-sample output shape, `[classCount]`.
    public var outputShape: [Int] { [classCount] }

    /// The variable called `name` (`"dense/kernel"`), if any.
    public func variable(named name: String) -> NetworkVariable? { variables.first { $0.name == name } }

    /// Start of each activation in the arena for a batch: input at `[0]`, layer i's output at `[i + 1]`,
    /// the end at `[layers.count + 1]`.
    func offsets(batch: Int) -> [Int] {
        var o = [0]
        for size in sampleSizes { o.append(o.last! + batch * size) }
        return o
    }

    /// Grows the arenas and every layer's scratch for `batch` samples; the gradient arena and the
    /// layers' backward-pass scratch only for training (inference needs the activations alone).
    mutating func reserve(batch: Int, training: Bool) {
        let total = sampleSizes.reduce(0, +) * batch
        if activations.count < total { activations = [Float](repeating: 0, count: total) }
        if batch > reservedBatch.inference {
            for i in layers.indices { layers[i].reserve(batch: batch, training: false) }
            reservedBatch.inference = batch
        }
        if training && batch > reservedBatch.training {
            if deltas.count < total { deltas = [Float](repeating: 0, count: total) }
            for i in layers.indices { layers[i].reserve(batch: batch, training: true) }
            reservedBatch.training = batch
        }
    }
}
