/// Turns `LayerSpec`s into run-time layers, inferring each input shape from the previous output and
/// naming layers as Keras does: a per-type counter, `conv1d`, `conv1d_1`, `conv1d_2`, ….
struct LayerFactory {
    private var counters: [String: Int] = [:]

    /// The run-time layers for `specs` on per-sample `inputShape` (an activation argument adds a layer).
    mutating func build(_ specs: [LayerSpec], inputShape: [Int]) throws(NeuralError) -> [any NeuralLayer] {
        var layers: [any NeuralLayer] = []
        var shape = inputShape
        for (index, spec) in specs.enumerated() {
            let name = spec.name ?? autoName(Self.baseName(spec.kind))
            do {
                let layer = try make(spec.kind, name: name, shape: shape)
                layers.append(layer)
                shape = layer.outputShape
                if let activation = spec.activation {
                    let extra = try make(.activation(activation), name: autoName(Self.baseName(.activation(activation))), shape: shape)
                    layers.append(extra)
                }
            } catch {
                throw NeuralError.invalidLayer(index: index, name: name, reason: error.reason)
            }
            guard shape.allSatisfy({ $0 > 0 }) else {
                throw NeuralError.invalidLayer(index: index, name: name, reason: "output shape \(shape) is empty")
            }
        }
        return layers
    }

    private func make(_ kind: LayerSpec.Kind, name: String, shape: [Int]) throws(LayerShapeError) -> any NeuralLayer {
        switch kind {
        case let .conv1D(filters, kernelSize, strides, padding):
            return try Conv1DLayer(name: name, inputShape: shape, filters: filters, kernelSize: kernelSize, stride: strides, padding: padding)
        case let .maxPool1D(poolSize, strides, padding):
            return try MaxPool1DLayer(name: name, inputShape: shape, poolSize: poolSize, stride: strides, padding: padding)
        case let .batchNormalization(momentum, epsilon):
            return try BatchNormalizationLayer(name: name, inputShape: shape, momentum: momentum, epsilon: epsilon)
        case let .dropout(rate):
            return try DropoutLayer(name: name, inputShape: shape, rate: rate)
        case let .dense(units):
            return try DenseLayer(name: name, inputShape: shape, units: units)
        case .flatten:
            return FlattenLayer(name: name, inputShape: shape)
        case let .lstm(units, returnSequences):
            return try LSTMLayer(name: name, inputShape: shape, units: units, returnSequences: returnSequences)
        case .globalAveragePooling1D:
            return try GlobalAveragePooling1DLayer(name: name, inputShape: shape)
        case let .activation(activation):
            switch activation {
            case .relu: return ActivationLayer(name: name, shape: shape, function: .relu)
            case let .elu(alpha): return ActivationLayer(name: name, shape: shape, function: .elu(alpha: alpha))
            case let .leakyReLU(slope): return ActivationLayer(name: name, shape: shape, function: .leakyReLU(slope: slope))
            case .softmax:
                guard !shape.isEmpty else { throw LayerShapeError("Softmax needs a class axis") }
                return SoftmaxLayer(name: name, shape: shape)
            }
        }
    }

    /// Keras's snake-case class names.
    static func baseName(_ kind: LayerSpec.Kind) -> String {
        switch kind {
        case .conv1D: "conv1d"
        case .maxPool1D: "max_pooling1d"
        case .batchNormalization: "batch_normalization"
        case .dropout: "dropout"
        case .dense: "dense"
        case .flatten: "flatten"
        case .lstm: "lstm"
        case .globalAveragePooling1D: "global_average_pooling1d"
        case let .activation(a):
            switch a {
            case .relu: "re_lu"
            case .elu: "elu"
            case .leakyReLU: "leaky_re_lu"
            case .softmax: "softmax"
            }
        }
    }

    private mutating func autoName(_ base: String) -> String {
        let n = counters[base, default: 0]
        counters[base] = n + 1
        return n == 0 ? base : "\(base)_\(n)"
    }
}
