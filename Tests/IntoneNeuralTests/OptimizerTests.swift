import Foundation
import Testing
@testable import IntoneNeural

/// One and two steps of each optimizer against Keras 3's update rules written out in Double.
struct OptimizerTests {
    /// Keras's own docstring example: RMSprop(learning_rate=0.1), var 10, loss var²/2 → 9.683772.
    @Test func rmspropMatchesKerasDocstringExample() {
        var optimizer = RMSprop(learningRate: 0.1)
        var parameters: [Float] = [10]
        optimizer.apply(gradients: [10], to: &parameters)
        #expect(abs(parameters[0] - 9.683772) < 1e-5)
        #expect(optimizer.iterations == 1)
        #expect(optimizer.slotNames == ["velocity"])
        #expect(abs(optimizer.slots[0] - 10) < 1e-5)  // 0.1 · 10²
    }

    @Test(arguments: [(Float(0), false), (Float(0.5), false), (Float(0), true), (Float(0.5), true)])
    func rmspropTwoStepsMatchFormula(_ momentum: Float, _ centered: Bool) {
        var optimizer = RMSprop(learningRate: 0.01, rho: 0.8, momentum: momentum, epsilon: 1e-7, centered: centered)
        var parameters: [Float] = [1, -2, 0.5]
        let steps: [[Float]] = [[0.3, -1, 2], [0.1, 0.4, -0.5]]
        var p = parameters.map(Double.init), v = [Double](repeating: 0, count: 3), m = v, a = v
        for g in steps {
            optimizer.apply(gradients: g, to: &parameters)
            for i in 0..<3 {
                let gi = Double(g[i])
                v[i] = 0.8 * v[i] + 0.2 * gi * gi
                var d = v[i] + 1e-7
                if centered { a[i] = 0.8 * a[i] + 0.2 * gi; d = v[i] - a[i] * a[i] + 1e-7 }
                let increment = 0.01 * gi / d.squareRoot()
                if momentum > 0 { m[i] = Double(momentum) * m[i] + increment; p[i] -= m[i] } else { p[i] -= increment }
            }
        }
        #expect(close(parameters, p.map(Float.init), tolerance: 2e-6), "\(parameters) vs \(p)")
        #expect(optimizer.slots.count == optimizer.slotNames.count * 3)
    }

    /// Adam: α = lr·sqrt(1 − β₂ᵗ)/(1 − β₁ᵗ), m += (g − m)(1 − β₁), v += (g² − v)(1 − β₂),
    /// θ −= α·m/(sqrt(v) + ε). Step 1 moves each parameter by almost exactly lr against its gradient sign.
    @Test func adamMatchesFormula() {
        var optimizer = Adam(learningRate: 0.1)
        var parameters: [Float] = [1, 1, -3]
        optimizer.apply(gradients: [0.5, -2, 1e-3], to: &parameters)
        // ε = 1e-7 next to sqrt(v) = 3.2e-5 for the tiny gradient shortens that step by 0.3 %.
        #expect(close(parameters, [0.9, 1.1, -3.1], tolerance: 5e-4))
        var p: [Double] = [1, 1, -3]
        var m = [Double](repeating: 0, count: 3), v = m
        var check = Adam(learningRate: 0.1)
        var params: [Float] = [1, 1, -3]
        for (t, g) in [[0.5, -2, 1e-3], [0.2, 1, -0.4]].enumerated() {
            check.apply(gradients: g.map(Float.init), to: &params)
            let step = Double(t + 1)
            let alpha = 0.1 * (1 - pow(0.999, step)).squareRoot() / (1 - pow(0.9, step))
            for i in 0..<3 {
                m[i] += (g[i] - m[i]) * 0.1
                v[i] += (g[i] * g[i] - v[i]) * 0.001
                p[i] -= alpha * m[i] / (v[i].squareRoot() + 1e-7)
            }
        }
        #expect(close(params, p.map(Float.init), tolerance: 2e-6), "\(params) vs \(p)")
        #expect(check.iterations == 2)
        #expect(check.slotNames == ["momentum", "velocity"])
        #expect(check.slots.count == 6)
    }

    @Test(arguments: [false, true])
    func sgdWithMomentumMatchesFormula(_ nesterov: Bool) {
        var optimizer = SGD(learningRate: 0.1, momentum: 0.9, nesterov: nesterov)
        var parameters: [Float] = [1, -1]
        var p: [Double] = [1, -1], m: [Double] = [0, 0]
        for g in [[0.5, -0.25], [1.0, 2.0], [-0.5, 0.0]] {
            optimizer.apply(gradients: g.map(Float.init), to: &parameters)
            for i in 0..<2 {
                m[i] = 0.9 * m[i] - 0.1 * g[i]
                p[i] += nesterov ? 0.9 * m[i] - 0.1 * g[i] : m[i]
            }
        }
        #expect(close(parameters, p.map(Float.init), tolerance: 1e-6))
        var plain = SGD()
        var q: [Float] = [1]
        plain.apply(gradients: [2], to: &q)
        #expect(q == [1 - 0.02])
        #expect(plain.slotNames.isEmpty && plain.slots.isEmpty)
    }

    /// Optimizer state survives a copy of its flat buffers: a restored optimizer continues identically.
    @Test func slotsCheckpointAndRestore() {
        var a = Adam()
        var pa: [Float] = [0.1, 0.2]
        a.apply(gradients: [1, -1], to: &pa)
        var b = Adam()
        b.slots = a.slots
        b.iterations = a.iterations
        var pb = pa
        a.apply(gradients: [0.3, 0.3], to: &pa)
        b.apply(gradients: [0.3, 0.3], to: &pb)
        #expect(pa == pb)
    }
}
