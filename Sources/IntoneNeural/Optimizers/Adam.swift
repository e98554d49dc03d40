#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Keras 3 `Adam(learning_rate=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-7)` (no AMSGrad).
///
/// Per step, with `t = iterations + 1` (Keras 3 `adam.py`, `update_step`):
/// `α = lr · sqrt(1 − β₂ᵗ) / (1 − β₁ᵗ)`, `m ← m + (g − m)·(1 − β₁)`, `v ← v + (g² − v)·(1 − β₂)`,
/// `θ ← θ − α·m / (sqrt(v) + ε)` (ε outside the root, "epsilon hat"). α is computed in float32 like
/// Keras. Slots: `momentum`, then `velocity`.
public struct Adam: Optimizer, Equatable, Codable {
    public var learningRate: Float
    public let beta1: Float, beta2: Float, epsilon: Float
    public var iterations = 0
    public var slots: [Float] = []

    /// Keras defaults unless given.
    public init(learningRate: Float = 0.001, beta1: Float = 0.9, beta2: Float = 0.999, epsilon: Float = 1e-7) {
        self.learningRate = learningRate
        self.beta1 = beta1
        self.beta2 = beta2
        self.epsilon = epsilon
    }

    public var slotNames: [String] { ["momentum", "velocity"] }

    public mutating func apply(gradients: [Float], to parameters: inout [Float]) {
        let n = parameters.count
        prepareSlots(count: n, gradients: gradients.count)
        let step = Float(iterations + 1)
        let alpha = learningRate * (1 - powf(beta2, step)).squareRoot() / (1 - powf(beta1, step))
        let b1 = beta1, b2 = beta2, eps = epsilon
        slots.withUnsafeMutableBufferPointer { s in
            let m = s.baseAddress!, v = m + n
            gradients.withUnsafeBufferPointer { gb in
                parameters.withUnsafeMutableBufferPointer { pb in
                    let g = gb.baseAddress!, p = pb.baseAddress!
                    Parallelism.forRanges(n) { range in
                        for i in range {
                            let gi = g[i]
                            m[i] += (gi - m[i]) * (1 - b1)
                            v[i] += (gi * gi - v[i]) * (1 - b2)
                            p[i] -= m[i] * alpha / (v[i].squareRoot() + eps)
                        }
                    }
                }
            }
        }
        iterations += 1
    }
}
