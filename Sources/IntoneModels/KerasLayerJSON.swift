import IntoneNeural

/// A layer as model.json describes it, in Keras's own words (`{"class_name": "Conv1D", "config":
/// {"filters": 64, "kernel_size": 5, …}}`), so a person (or a script building the same model in
/// Keras) reads the architecture directly.
struct KerasLayerJSON: Codable, Equatable {
    var className: String
    var config: Config

    struct Config: Codable, Equatable {
        var name: String?
        var filters: Int?
        var kernelSize: Int?
        var strides: Int?
        var padding: String?
        var poolSize: Int?
        var momentum: Float?
        var epsilon: Float?
        var rate: Float?
        var units: Int?
        var returnSequences: Bool?
        var activation: String?
        var alpha: Float?
        var negativeSlope: Float?

        enum CodingKeys: String, CodingKey {
            case name, filters, strides, padding, momentum, epsilon, rate, units, activation, alpha
            case kernelSize = "kernel_size", poolSize = "pool_size", returnSequences = "return_sequences", negativeSlope = "negative_slope"
        }
    }

    enum CodingKeys: String, CodingKey { case className = "class_name", config }

    init(_ spec: LayerSpec) {
        var c = Config(name: spec.name)
        switch spec.kind {
        case let .conv1D(filters, kernelSize, strides, padding):
            className = "Conv1D"; c.filters = filters; c.kernelSize = kernelSize; c.strides = strides; c.padding = padding.rawValue
        case let .maxPool1D(poolSize, strides, padding):
            className = "MaxPooling1D"; c.poolSize = poolSize; c.strides = strides; c.padding = padding.rawValue
        case let .batchNormalization(momentum, epsilon):
            className = "BatchNormalization"; c.momentum = momentum; c.epsilon = epsilon
        case let .dropout(rate):
            className = "Dropout"; c.rate = rate
        case let .dense(units):
            className = "Dense"; c.units = units
        case .flatten:
            className = "Flatten"
        case let .lstm(units, returnSequences):
            className = "LSTM"; c.units = units; c.returnSequences = returnSequences
        case .globalAveragePooling1D:
            className = "GlobalAveragePooling1D"
        case let .activation(a):
            switch a {
            case .relu: className = "ReLU"
            case .elu(let alpha): className = "ELU"; c.alpha = alpha
            case .leakyReLU(let slope): className = "LeakyReLU"; c.negativeSlope = slope
            case .softmax: className = "Softmax"
            }
        }
        if let a = spec.activation { Self.describe(a, into: &c) }
        config = c
    }

    static func describe(_ a: Activation, into c: inout Config) {
        switch a {
        case .relu: c.activation = "relu"
        case .elu(let alpha): c.activation = "elu"; c.alpha = alpha
        case .leakyReLU(let slope): c.activation = "leaky_relu"; c.negativeSlope = slope
        case .softmax: c.activation = "softmax"
        }
    }

    /// The layer back, or a reason it cannot be.
    func spec() throws(ModelError) -> LayerSpec {
        let c = config
        func need<T>(_ v: T?, _ key: String) throws(ModelError) -> T {
            guard let v else { throw ModelError("model.json: layer \(className) has no \(key)") }
            return v
        }
        func padding() throws(ModelError) -> Padding {
            guard let p = Padding(rawValue: c.padding ?? "valid") else { throw ModelError("model.json: unknown padding \(c.padding ?? "")") }
            return p
        }
        var activation: Activation?
        switch c.activation {
        case nil, "linear": activation = nil
        case "relu": activation = .relu
        case "elu": activation = .elu(alpha: c.alpha ?? 1)
        case "leaky_relu": activation = .leakyReLU(negativeSlope: c.negativeSlope ?? 0.3)
        case "softmax": activation = .softmax
        case let other?: throw ModelError("model.json: unknown activation \(other)")
        }
        let kind: LayerSpec.Kind
        switch className {
        case "Conv1D": kind = .conv1D(filters: try need(c.filters, "filters"), kernelSize: try need(c.kernelSize, "kernel_size"), strides: c.strides ?? 1, padding: try padding())
        case "MaxPooling1D": kind = .maxPool1D(poolSize: try need(c.poolSize, "pool_size"), strides: c.strides, padding: try padding())
        case "BatchNormalization": kind = .batchNormalization(momentum: c.momentum ?? 0.99, epsilon: c.epsilon ?? 1e-3)
        case "Dropout": kind = .dropout(rate: try need(c.rate, "rate"))
        case "Dense": kind = .dense(units: try need(c.units, "units"))
        case "Flatten": kind = .flatten
        case "LSTM": kind = .lstm(units: try need(c.units, "units"), returnSequences: c.returnSequences ?? false)
        case "GlobalAveragePooling1D": kind = .globalAveragePooling1D
        case "ReLU": kind = .activation(.relu)
        case "ELU": kind = .activation(.elu(alpha: c.alpha ?? 1))
        case "LeakyReLU": kind = .activation(.leakyReLU(negativeSlope: c.negativeSlope ?? 0.3))
        case "Softmax": kind = .activation(.softmax)
        default: throw ModelError("model.json: unknown layer \(className)")
        }
        if case .activation = kind { activation = nil }
        return LayerSpec(kind, name: c.name, activation: activation)
    }
}
