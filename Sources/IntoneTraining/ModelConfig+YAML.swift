import Foundation
import IntoneNeural
import IntoneSweep
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
        let root: Node?
        do { root = try Yams.compose(yaml: text) } catch let error as YamlError {
            throw ModelConfigError(file: file, line: SweepSpec.yamlLine(error), reason: "not valid YAML (\(SweepSpec.yamlReason(error)))")
        } catch {
            throw ModelConfigError(file: file, line: nil, reason: "not valid YAML (\(error))")
        }
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

/// Reads typed values out of YAML nodes, with the line of anything wrong.
struct ConfigReader {
    let file: String

    func fail(_ node: Node, _ reason: String) -> ModelConfigError { ModelConfigError(file: file, line: node.mark.map(\.line), reason: reason) }

    func mapping(_ node: Node, keys: [String], _ each: (String, Node) throws(ModelConfigError) -> Void) throws(ModelConfigError) {
        guard let m = node.mapping else { throw fail(node, "expected a mapping with keys \(keys.joined(separator: ", "))") }
        for (k, v) in m {
            guard let key = k.string else { throw fail(k, "keys must be names") }
            guard keys.contains(key) else { throw fail(k, "unknown key `\(key)` (known: \(keys.joined(separator: ", ")))") }
            try each(key, v)
        }
    }

    func isOff(_ node: Node) -> Bool { node.null != nil || node.bool == false }

    func string(_ node: Node) throws(ModelConfigError) -> String {
        guard let s = node.string else { throw fail(node, "expected text") }
        return s
    }

    func bool(_ node: Node) throws(ModelConfigError) -> Bool {
        guard let b = node.bool else { throw fail(node, "expected true or false") }
        return b
    }

    func int(_ node: Node, min: Int) throws(ModelConfigError) -> Int {
        guard let i = node.int, i >= min else { throw fail(node, "expected a whole number of at least \(min)") }
        return i
    }

    func double(_ node: Node, in range: Range<Double>) throws(ModelConfigError) -> Double {
        guard let d = node.float, range.contains(d) else {
            throw fail(node, "expected a number in [\(range.lowerBound), \(range.upperBound == .infinity ? "∞" : String(range.upperBound)))")
        }
        return d
    }

    func double(_ node: Node, positive: Bool) throws(ModelConfigError) -> Double {
        guard let d = node.float, d > 0, d.isFinite else { throw fail(node, "expected a positive number") }
        return d
    }

    func choice<T: RawRepresentable & CaseIterable>(_ node: Node, _ type: T.Type) throws(ModelConfigError) -> T where T.RawValue == String {
        guard let s = node.string, let v = T(rawValue: s) else {
            throw fail(node, "expected one of \(T.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        return v
    }
}
