extension Network {
    /// Every variable by Keras name (`conv1d/kernel`, `batch_normalization/moving_mean`) with its shape
    /// and values, trainable and state alike, ready to write as one `.npy` file each.
    public func namedWeights() -> [String: Tensor] {
        var out: [String: Tensor] = [:]
        for v in variables {
            let values = v.kind == .trainable ? Array(parameters[v.range]) : Array(state[v.range])
            out[v.name] = Tensor(shape: v.shape, values: values)
        }
        return out
    }

    /// Sets variables from `weights` (Keras names and layouts, as `namedWeights` returns them).
    ///
    /// Shapes must match exactly. A name the network lacks is an error; a variable `weights` lacks is an
    /// error unless `allowMissing`, in which case it keeps its value. Nothing changes when it throws.
    public mutating func loadWeights(_ weights: [String: Tensor], allowMissing: Bool = false) throws(NeuralError) {
        let byName = Dictionary(uniqueKeysWithValues: variables.map { ($0.name, $0) })
        for name in weights.keys.sorted() where byName[name] == nil { throw NeuralError.unexpectedWeight(name: name) }
        for v in variables {
            guard let w = weights[v.name] else {
                if allowMissing { continue }
                throw NeuralError.missingWeight(name: v.name)
            }
            guard w.shape == v.shape else { throw NeuralError.weightShape(name: v.name, expected: v.shape, got: w.shape) }
        }
        for v in variables {
            guard let w = weights[v.name] else { continue }
            switch v.kind {
            case .trainable: parameters.replaceSubrange(v.range, with: w.values)
            case .state: state.replaceSubrange(v.range, with: w.values)
            }
        }
    }
}
