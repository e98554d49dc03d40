import IntoneNeural

/// The config's optimizer as one codable value, so a checkpoint keeps its moments and step count.
public enum TrainingOptimizer: Codable, Equatable, Sendable {
    case rmsprop(RMSprop)
    case adam(Adam)
    case sgd(SGD)

    /// The optimizer a config names, with its learning rate (and SGD's momentum).
    public init(_ config: ModelConfig) {
        let lr = Float(config.learningRate)
        switch config.optimizer {
        case .rmsprop: self = .rmsprop(RMSprop(learningRate: lr))
        case .adam: self = .adam(Adam(learningRate: lr))
        case .sgd: self = .sgd(SGD(learningRate: lr, momentum: Float(config.momentum)))
        }
    }

    public var learningRate: Float {
        get {
            switch self {
            case .rmsprop(let o): return o.learningRate
            case .adam(let o): return o.learningRate
            case .sgd(let o): return o.learningRate
            }
        }
        set {
            switch self {
            case .rmsprop(var o): o.learningRate = newValue; self = .rmsprop(o)
            case .adam(var o): o.learningRate = newValue; self = .adam(o)
            case .sgd(var o): o.learningRate = newValue; self = .sgd(o)
            }
        }
    }

    /// The optimizer's per-parameter buffers (empty before its first step).
    public var slots: [Float] {
        get {
            switch self {
            case .rmsprop(let o): return o.slots
            case .adam(let o): return o.slots
            case .sgd(let o): return o.slots
            }
        }
        set {
            switch self {
            case .rmsprop(var o): o.slots = newValue; self = .rmsprop(o)
            case .adam(var o): o.slots = newValue; self = .adam(o)
            case .sgd(var o): o.slots = newValue; self = .sgd(o)
            }
        }
    }

    /// The optimizer with `slots` in place of its own.
    public func with(slots: [Float]) -> TrainingOptimizer {
        var o = self
        o.slots = slots
        return o
    }

    /// One step of `parameters` from `gradients`.
    public mutating func apply(gradients: [Float], to parameters: inout [Float]) {
        switch self {
        case .rmsprop(var o): self = .sgd(SGD()); o.apply(gradients: gradients, to: &parameters); self = .rmsprop(o)
        case .adam(var o): self = .sgd(SGD()); o.apply(gradients: gradients, to: &parameters); self = .adam(o)
        case .sgd(var o): self = .sgd(SGD()); o.apply(gradients: gradients, to: &parameters); self = .sgd(o)
        }
    }
}
