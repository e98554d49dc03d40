import Foundation
import IntoneNeural
@_exported import IntoneConfig
import Yams

/// A model config that cannot be used (`file:line: reason`).
public typealias ModelConfigError = ConfigFileError

extension ModelConfig {
    /// Reads a config file.
    public static func load(path: String) throws(ModelConfigError) -> ModelConfig {
        let text: String
        do { text = try String(contentsOfFile: path, encoding: .utf8) } catch {
            throw ModelConfigError(file: path, line: nil, reason: "cannot read (\(error.localizedDescription))")
        }
        return try parse(text, file: path)
    }

    /// Parses and checks config text; keys left out keep their defaults, unknown keys are refused
    /// (a misspelt knob must not be silently ignored). `file` names the config in errors.
    public static func parse(_ text: String, file: String = "<config>") throws(ModelConfigError) -> ModelConfig {
        let reader = ConfigReader(file: file)
        let root = try YAMLErrors.compose(text, file: file)
        var c = ModelConfig()
        guard let root else { return c }
        try reader.mapping(root, keys: ["name", "input", "frames", "conv", "global_pooling", "lstm", "dense", "dropout", "optimizer",
                                        "learning_rate", "momentum", "epochs", "batch_size", "class_weights", "reduce_lr",
                                        "early_stopping", "seed"]) { key, v throws(ModelConfigError) in
            switch key {
            case "name": c.name = try reader.string(v)
            case "input": c.input = try reader.choice(v, InputLayout.self)
            case "frames": c.frames = try reader.int(v, min: 1)
            case "global_pooling": c.globalPooling = try reader.bool(v)
            case "dropout": c.dropout = try reader.double(v, in: 0..<1)
            case "optimizer": c.optimizer = try reader.choice(v, OptimizerName.self)
            case "learning_rate": c.learningRate = try reader.double(v, positive: true)
            case "momentum": c.momentum = try reader.double(v, in: 0..<1)
            case "epochs": c.epochs = try reader.int(v, min: 1)
            case "batch_size": c.batchSize = try reader.int(v, min: 1)
            case "class_weights": c.classWeights = try reader.bool(v)
            case "seed": c.seed = UInt64(try reader.int(v, min: 0))
            case "conv":
                try reader.mapping(v, keys: ["layers", "filters", "kernel_size", "pool_size", "padding", "batch_norm", "activation"]) { k, x throws(ModelConfigError) in
                    switch k {
                    case "layers": c.conv.layers = try reader.int(x, min: 0)
                    case "filters": c.conv.filters = try reader.int(x, min: 1)
                    case "kernel_size": c.conv.kernelSize = try reader.int(x, min: 1)
                    case "pool_size": c.conv.poolSize = try reader.int(x, min: 1)
                    case "padding": c.conv.padding = try reader.choice(x, Padding.self)
                    case "batch_norm": c.conv.batchNorm = try reader.bool(x)
                    default: c.conv.activation = try reader.choice(x, ActivationName.self)
                    }
                }
            case "lstm":
                try reader.mapping(v, keys: ["layers", "units"]) { k, x throws(ModelConfigError) in
                    if k == "layers" { c.lstm.layers = try reader.int(x, min: 0) } else { c.lstm.units = try reader.int(x, min: 1) }
                }
            case "dense":
                try reader.mapping(v, keys: ["layers", "units", "activation"]) { k, x throws(ModelConfigError) in
                    switch k {
                    case "layers": c.dense.layers = try reader.int(x, min: 0)
                    case "units": c.dense.units = try reader.int(x, min: 1)
                    default: c.dense.activation = try reader.choice(x, ActivationName.self)
                    }
                }
            case "reduce_lr":
                if reader.isOff(v) { c.reduceLR = nil; return }
                var r = ReduceLR()
                try reader.mapping(v, keys: ["factor", "patience", "min_delta", "min_lr"]) { k, x throws(ModelConfigError) in
                    switch k {
                    case "factor": r.factor = try reader.double(x, in: 0..<1)
                    case "patience": r.patience = try reader.int(x, min: 0)
                    case "min_delta": r.minDelta = try reader.double(x, in: 0..<Double.infinity)
                    default: r.minLR = try reader.double(x, in: 0..<Double.infinity)
                    }
                }
                c.reduceLR = r
            default:   // early_stopping
                if reader.isOff(v) { c.earlyStopping = nil; return }
                var e = EarlyStop()
                try reader.mapping(v, keys: ["patience", "min_delta"]) { k, x throws(ModelConfigError) in
                    if k == "patience" { e.patience = try reader.int(x, min: 0) } else { e.minDelta = try reader.double(x, in: 0..<Double.infinity) }
                }
                c.earlyStopping = e
            }
        }
        if c.conv.layers == 0 && c.lstm.layers == 0 && c.dense.layers == 0 {
            throw ModelConfigError(file: file, line: nil, reason: "the model has no layers: set conv.layers, lstm.layers or dense.layers")
        }
        return c
    }
}

