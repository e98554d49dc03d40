import IntoneRandom
@testable import IntoneNeural

/// Runs one layer on its own, outside a network: its parameters and state as plain arrays.
struct LayerHarness<Layer: NeuralLayer> {
    var layer: Layer
    var parameters: [Float]
    var state: [Float]
    var random = SeededRandom(seed: 1, stream: "harness")

    init(_ layer: Layer, parameters: [Float] = [], state: [Float] = []) {
        self.layer = layer
        self.parameters = parameters
        self.state = state
    }

    /// The layer's output for `input` (`batch` samples).
    mutating func forward(_ input: [Float], batch: Int, training: Bool = false) -> [Float] {
        layer.reserve(batch: batch, training: true)
        var output = [Float](repeating: .nan, count: batch * layer.outputShape.reduce(1, *))
        input.withUnsafeBufferPointer { x in
            output.withUnsafeMutableBufferPointer { y in
                parameters.withUnsafeBufferPointer { p in
                    state.withUnsafeMutableBufferPointer { s in
                        layer.forward(x, into: y, pass: ForwardPass(batch: batch, training: training, parameters: p, state: s), random: &random)
                    }
                }
            }
        }
        return output
    }
}

/// `abs(a − b) ≤ tolerance` for every pair.
func close(_ a: [Float], _ b: [Float], tolerance: Float = 1e-5) -> Bool {
    a.count == b.count && zip(a, b).allSatisfy { abs($0 - $1) <= tolerance }
}
