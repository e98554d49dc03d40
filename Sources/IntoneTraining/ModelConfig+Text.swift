import IntoneNeural

extension ModelConfig {
    /// The config as YAML with every key written, in a fixed order and number format: what a sweep
    /// trains a candidate with (its checkpoint is tied to this text) and saves in the model folder.
    /// `ModelConfig.parse(c.yamlText) == c`.
    public var yamlText: String {
        func n(_ d: Double) -> String { Self.yamlNumber(d) }
        var s = "name: \(name)\ninput: \(input.rawValue)\nframes: \(frames)\n"
        s += "conv:\n  layers: \(conv.layers)\n  filters: \(conv.filters)\n  kernel_size: \(conv.kernelSize)\n  pool_size: \(conv.poolSize)\n"
        s += "  padding: \(conv.padding.rawValue)\n  batch_norm: \(conv.batchNorm)\n  activation: \(conv.activation.rawValue)\n"
        s += "global_pooling: \(globalPooling)\n"
        s += "lstm:\n  layers: \(lstm.layers)\n  units: \(lstm.units)\n"
        s += "dense:\n  layers: \(dense.layers)\n  units: \(dense.units)\n  activation: \(dense.activation.rawValue)\n"
        s += "dropout: \(n(dropout))\noptimizer: \(optimizer.rawValue)\nlearning_rate: \(n(learningRate))\nmomentum: \(n(momentum))\n"
        s += "epochs: \(epochs)\nbatch_size: \(batchSize)\nclass_weights: \(classWeights)\n"
        if let r = reduceLR {
            s += "reduce_lr:\n  factor: \(n(r.factor))\n  patience: \(r.patience)\n  min_delta: \(n(r.minDelta))\n  min_lr: \(n(r.minLR))\n"
        } else {
            s += "reduce_lr: false\n"
        }
        if let e = earlyStopping {
            s += "early_stopping:\n  patience: \(e.patience)\n  min_delta: \(n(e.minDelta))\n"
        } else {
            s += "early_stopping: false\n"
        }
        s += "seed: \(seed)\n"
        return s
    }

    /// The shortest text that reads back as `d`, in a form YAML 1.1 takes as a float (`1.0e-05`,
    /// not `1e-05`, which it would read as a string).
    static func yamlNumber(_ d: Double) -> String {
        var text = "\(d)"
        if let e = text.firstIndex(where: { $0 == "e" || $0 == "E" }), !text[..<e].contains(".") {
            text.insert(contentsOf: ".0", at: e)
        }
        return text
    }
}
