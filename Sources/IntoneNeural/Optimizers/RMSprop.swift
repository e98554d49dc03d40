/// Keras 3 `RMSprop(learning_rate=0.001, rho=0.9, momentum=0.0, epsilon=1e-7, centered=False)`.
///
/// Per parameter, with gradient g (Keras 3 `rmsprop.py`, `update_step`):
/// `v ← ρ·v + (1 − ρ)·g²`; centered: `a ← ρ·a + (1 − ρ)·g`, `d = v − a² + ε`, else `d = v + ε`
/// (ε **inside** the square root); `Δ = lr · g / sqrt(d)`; with momentum μ > 0: `m ← μ·m + Δ`,
/// `θ ← θ − m`, else `θ ← θ − Δ`. Slots: `velocity`, then `momentum` (μ > 0), then
/// `average_gradient` (centered).
public struct RMSprop: Optimizer, Equatable, Codable {
    public var learningRate: Float
    public let rho: Float, momentum: Float, epsilon: Float
    public let centered: Bool
    public var iterations = 0
    public var slots: [Float] = []

    /// Keras defaults unless given.
    public init(learningRate: Float = 0.001, rho: Float = 0.9, momentum: Float = 0, epsilon: Float = 1e-7, centered: Bool = false) {
        self.learningRate = learningRate
        self.rho = rho
        self.momentum = momentum
        self.epsilon = epsilon
        self.centered = centered
    }

    public var slotNames: [String] {
        ["velocity"] + (momentum > 0 ? ["momentum"] : []) + (centered ? ["average_gradient"] : [])
    }

    public mutating func apply(gradients: [Float], to parameters: inout [Float]) {
        let n = parameters.count
        prepareSlots(count: n, gradients: gradients.count)
        let lr = learningRate, rho = rho, mu = momentum, eps = epsilon, centered = centered
        let averageSlot = mu > 0 ? 2 : 1
        slots.withUnsafeMutableBufferPointer { s in
            let v = s.baseAddress!, m = v + n, a = v + averageSlot * n
            gradients.withUnsafeBufferPointer { gb in
                parameters.withUnsafeMutableBufferPointer { pb in
                    let g = gb.baseAddress!, p = pb.baseAddress!
                    Parallelism.forRanges(n) { range in
                    for i in range {
                        let gi = g[i]
                        v[i] = rho * v[i] + (1 - rho) * (gi * gi)
                        let denominator: Float
                        if centered {
                            a[i] = rho * a[i] + (1 - rho) * gi
                            denominator = v[i] - a[i] * a[i] + eps
                        } else {
                            denominator = v[i] + eps
                        }
                        let increment = lr * gi / denominator.squareRoot()
                        if mu > 0 {
                            m[i] = mu * m[i] + increment
                            p[i] -= m[i]
                        } else {
                            p[i] -= increment
                        }
                    }
                    }
                }
            }
        }
        iterations += 1
    }
}
