import IntoneRandom
@testable import IntoneNeural

/// Analytic gradients against central finite differences `(L(θ + ε) − L(θ − ε)) / 2ε`.
///
/// The loss is the network's training-mode loss (batch statistics, the same dropout mask for every
/// evaluation: the dropout stream is reset before each). Float32 forward passes leave ~1e-7 relative
/// noise in the loss, so ε = 3e-3 keeps the quotient's noise near 1e-4 while the truncation error
/// (ε²) stays below it; agreement is measured on the whole vector as ‖analytic − numeric‖ / ‖numeric‖.
struct GradientCheck {
    var network: Network
    let inputs: [Float]
    let batch: Int
    let labels: [Int]
    let classWeights: [Float]?
    let dropout: SeededRandom

    /// A network from `specs` with parameters jittered away from their initial values (so biases,
    /// BatchNorm's gamma and beta are not at special points), a random batch and random labels.
    init(inputShape: [Int], specs: [LayerSpec], batch: Int, classWeights: [Float]? = nil, seed: UInt64) throws {
        network = try Network(inputShape: inputShape, layers: specs, seed: seed)
        var r = SeededRandom(seed: seed, stream: "gradient-check")
        for i in network.parameters.indices { network.parameters[i] += Float(r.uniform(-0.3, 0.3)) }
        inputs = (0..<(batch * inputShape.reduce(1, *))).map { _ in Float(r.uniform(-1.5, 1.5)) }
        self.batch = batch
        let classes = network.classCount
        labels = (0..<batch).map { _ in r.integer(below: classes) }
        self.classWeights = classWeights
        dropout = network.dropoutRandom
    }

    /// The training-mode loss at the current parameters and `x`.
    mutating func loss(inputs x: [Float]) -> Double {
        network.dropoutRandom = dropout
        let (classes, weights, labels, batch) = (network.classCount, classWeights, labels, batch)
        x.withUnsafeBufferPointer { network.forward($0, batch: batch, training: true) }
        let o = network.offsets(batch: batch), last = network.layers.count
        return network.activations.withUnsafeBufferPointer { acts in
            CrossEntropy.evaluate(logits: UnsafeBufferPointer(rebasing: acts[o[last - 1]..<o[last]]),
                                  probabilities: UnsafeBufferPointer(rebasing: acts[o[last]..<o[last + 1]]),
                                  targets: .labels(labels), classWeights: weights, batch: batch, classes: classes,
                                  gradient: nil).loss
        }
    }

    /// Analytic ∂loss/∂parameters and ∂loss/∂inputs.
    mutating func analytic() -> (parameters: [Float], inputs: [Float]) {
        network.dropoutRandom = dropout
        _ = network.trainStep(inputs, targets: .labels(labels), classWeights: classWeights, batch: batch, inputGradient: true)
        let inputGradient = Array(network.deltas[0..<inputs.count])
        return (network.gradients, inputGradient)
    }

    /// Numeric ∂loss/∂parameters.
    mutating func numericParameters(epsilon: Float = 3e-3) -> [Double] {
        var out = [Double](repeating: 0, count: network.parameterCount)
        for i in out.indices {
            let saved = network.parameters[i]
            network.parameters[i] = saved + epsilon
            let up = loss(inputs: inputs)
            network.parameters[i] = saved - epsilon
            let down = loss(inputs: inputs)
            network.parameters[i] = saved
            out[i] = (up - down) / (2 * Double(epsilon))
        }
        return out
    }

    /// Numeric ∂loss/∂inputs.
    mutating func numericInputs(epsilon: Float = 3e-3) -> [Double] {
        var out = [Double](repeating: 0, count: inputs.count)
        var x = inputs
        for i in out.indices {
            x[i] = inputs[i] + epsilon
            let up = loss(inputs: x)
            x[i] = inputs[i] - epsilon
            let down = loss(inputs: x)
            x[i] = inputs[i]
            out[i] = (up - down) / (2 * Double(epsilon))
        }
        return out
    }

    /// ‖analytic − numeric‖ / ‖numeric‖.
    static func relativeError(_ analytic: [Float], _ numeric: [Double]) -> Double {
        precondition(analytic.count == numeric.count)
        var diff = 0.0, norm = 0.0
        for i in numeric.indices {
            let d = Double(analytic[i]) - numeric[i]
            diff += d * d
            norm += numeric[i] * numeric[i]
        }
        return (diff / max(norm, 1e-30)).squareRoot()
    }

    /// `gradient` with its largest component's sign flipped: a plausible bug the check must reject.
    static func corrupted(_ gradient: [Float]) -> [Float] {
        var g = gradient
        if let i = g.indices.max(by: { abs(g[$0]) < abs(g[$1]) }) { g[i] = -g[i] }
        return g
    }
}
