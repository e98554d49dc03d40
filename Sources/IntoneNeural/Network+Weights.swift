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
    /// Keras 3's variable paths for recurrent layers include the cell (`lstm_1/lstm_cell/kernel`); they
    /// are accepted for the network's `lstm_1/kernel`.
    public mutating func loadWeights(_ weights: [String: Tensor], allowMissing: Bool = false) throws(NeuralError) {
        var renamed: [String: Tensor] = [:]
        for (name, tensor) in weights { renamed[Self.withoutCellScope(name)] = tensor }
        let weights = renamed
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

    /// `layer/lstm_cell/variable` → `layer/variable`; other names unchanged.
    static func withoutCellScope(_ name: String) -> String {
        let parts = name.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[1].hasSuffix("_cell") else { return name }
        return "\(parts[0])/\(parts[2])"
    }
}
