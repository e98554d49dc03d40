/// Keras 3 `SGD(learning_rate=0.01, momentum=0.0, nesterov=False)`.
///
/// Without momentum `θ ← θ − lr·g`. With momentum μ (Keras 3 `sgd.py`): `m ← μ·m − lr·g`, then
/// `θ ← θ + m`, or with Nesterov `θ ← θ + μ·m − lr·g` (the new m). Slot: `momentum` (μ ≠ 0 only).
public struct SGD: Optimizer, Equatable, Codable {
    public var learningRate: Float
    public let momentum: Float
    public let nesterov: Bool
    public var iterations = 0
    public var slots: [Float] = []

    /// Keras defaults unless given (note SGD's default rate is 0.01).
    public init(learningRate: Float = 0.01, momentum: Float = 0, nesterov: Bool = false) {
        self.learningRate = learningRate
        self.momentum = momentum
        self.nesterov = nesterov
    }

    public var slotNames: [String] { momentum != 0 ? ["momentum"] : [] }

    public mutating func apply(gradients: [Float], to parameters: inout [Float]) {
        let n = parameters.count
        prepareSlots(count: n, gradients: gradients.count)
        let lr = learningRate, mu = momentum, nesterov = nesterov
        gradients.withUnsafeBufferPointer { g in
            parameters.withUnsafeMutableBufferPointer { p in
                if mu == 0 {
                    for i in 0..<n { p[i] -= g[i] * lr }
                    return
                }
                slots.withUnsafeMutableBufferPointer { s in
                    let m = s.baseAddress!
                    for i in 0..<n {
                        m[i] = m[i] * mu - g[i] * lr
                        p[i] += nesterov ? m[i] * mu - g[i] * lr : m[i]
                    }
                }
            }
        }
        iterations += 1
    }
}
