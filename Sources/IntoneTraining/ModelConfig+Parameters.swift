import IntoneLearning
import IntoneNeural

extension ModelConfig {
    /// The hyper-parameters a sweep spec can set on a network, with Keras's names where Keras has
    /// one (`filters`, `kernel_size`, `pool_size`, `padding`, `units`, `dropout`, `learning_rate`,
    /// `momentum`, `batch_size`, `epochs`, `patience`, `factor`, `min_lr`) and the layer as a prefix
    /// where one name would be ambiguous (`conv_activation`, `dense_units`).
    public static let sweepParameters = [
        "conv_layers", "filters", "kernel_size", "pool_size", "padding", "batch_norm", "conv_activation",
        "global_pooling", "lstm_layers", "units", "dense_layers", "dense_units", "dense_activation",
        "dropout", "optimizer", "learning_rate", "momentum", "epochs", "batch_size", "class_weights",
        "reduce_lr", "factor", "reduce_lr_patience", "min_lr", "early_stopping", "patience", "frames", "input", "seed",
    ]

    /// This config with a sweep's `parameters` set (see `sweepParameters`); an unknown name or a
    /// value out of range is an error naming it. `network` names the config in messages.
    public func applying(_ parameters: [String: ParameterValue], network: String) throws(ParameterError) -> ModelConfig {
        var c = self
        var p = ParameterReader(estimator: network, parameters: parameters, known: Self.sweepParameters)
        let activations = ActivationName.allCases.map(\.rawValue)
        c.conv.layers = try p.int("conv_layers", default: c.conv.layers, in: 0...16)
        c.conv.filters = try p.int("filters", default: c.conv.filters, in: 1...4096)
        c.conv.kernelSize = try p.int("kernel_size", default: c.conv.kernelSize, in: 1...1024)
        c.conv.poolSize = try p.int("pool_size", default: c.conv.poolSize, in: 1...1024)
        c.conv.padding = Padding(rawValue: try p.choice("padding", default: c.conv.padding.rawValue, allowed: Padding.allCases.map(\.rawValue)))!
        c.conv.batchNorm = try p.bool("batch_norm", default: c.conv.batchNorm)
        c.conv.activation = ActivationName(rawValue: try p.choice("conv_activation", default: c.conv.activation.rawValue, allowed: activations))!
        c.globalPooling = try p.bool("global_pooling", default: c.globalPooling)
        c.lstm.layers = try p.int("lstm_layers", default: c.lstm.layers, in: 0...8)
        c.lstm.units = try p.int("units", default: c.lstm.units, in: 1...4096)
        c.dense.layers = try p.int("dense_layers", default: c.dense.layers, in: 0...16)
        c.dense.units = try p.int("dense_units", default: c.dense.units, in: 1...65536)
        c.dense.activation = ActivationName(rawValue: try p.choice("dense_activation", default: c.dense.activation.rawValue, allowed: activations))!
        c.dropout = try p.double("dropout", default: c.dropout, in: 0...0.95)
        c.optimizer = OptimizerName(rawValue: try p.choice("optimizer", default: c.optimizer.rawValue, allowed: OptimizerName.allCases.map(\.rawValue)))!
        c.learningRate = try p.double("learning_rate", default: c.learningRate, in: 1e-9...10)
        c.momentum = try p.double("momentum", default: c.momentum, in: 0...0.999)
        c.epochs = try p.int("epochs", default: c.epochs, in: 1...100_000)
        c.batchSize = try p.int("batch_size", default: c.batchSize, in: 1...65536)
        c.classWeights = try p.bool("class_weights", default: c.classWeights)
        if try !p.bool("reduce_lr", default: true) { c.reduceLR = nil }
        if parameters["factor"] != nil || parameters["reduce_lr_patience"] != nil || parameters["min_lr"] != nil {
            var r = c.reduceLR ?? ReduceLR()
            r.factor = try p.double("factor", default: r.factor, in: 0.01...0.99)
            r.patience = try p.int("reduce_lr_patience", default: r.patience, in: 0...100_000)
            r.minLR = try p.double("min_lr", default: r.minLR, in: 0...10)
            c.reduceLR = r
        }
        if try !p.bool("early_stopping", default: true) { c.earlyStopping = nil }
        if parameters["patience"] != nil {
            var e = c.earlyStopping ?? EarlyStop()
            e.patience = try p.int("patience", default: e.patience, in: 0...100_000)
            c.earlyStopping = e
        }
        c.frames = try p.int("frames", default: c.frames, in: 1...100_000)
        c.input = InputLayout(rawValue: try p.choice("input", default: c.input.rawValue, allowed: InputLayout.allCases.map(\.rawValue)))!
        c.seed = UInt64(try p.int("seed", default: Int(c.seed), in: 0...Int.max))
        try p.finish()
        if c.conv.layers == 0 && c.lstm.layers == 0 && c.dense.layers == 0 {
            throw ParameterError(estimator: network, parameter: "conv_layers", reason: "the model has no layers")
        }
        // Build it once on the default 40 coefficients, so a shape that cannot work (pooling more
        // steps away than there are) fails here, before any work, not in the middle of a sweep.
        do { _ = try Network(inputShape: c.inputShape(coefficients: 40), layers: c.layers(classes: 7), seed: 0) } catch {
            throw ParameterError(estimator: network, parameter: "", reason: "cannot be built on \(c.frames) frames × 40 coefficients: \(error)")
        }
        return c
    }
}
