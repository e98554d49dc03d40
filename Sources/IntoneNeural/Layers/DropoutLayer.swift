import IntoneRandom

/// Keras `Dropout(rate)`, inverted: in training each value is kept with probability `1 − rate` and
/// scaled by `1 / (1 − rate)`, else zeroed, so inference is the identity. The mask comes from the
/// network's dropout stream (`Network.dropoutRandom`): a value is dropped when a uniform draw in
/// [0, 1) is below `rate`, one draw per value in row-major order.
struct DropoutLayer: NeuralLayer {
    let name: String
    let shape: [Int]
    let rate: Float
    /// 0 or 1 / (1 − rate) per value from the last training pass.
    private var mask: [Float] = []
    private var lastForwardTrained = false

    init(name: String, inputShape: [Int], rate: Float) throws(LayerShapeError) {
        guard rate >= 0, rate < 1 else { throw LayerShapeError("Dropout rate must be in [0, 1), got \(rate)") }
        self.name = name
        shape = inputShape
        self.rate = rate
    }

    var inputShape: [Int] { shape }
    var outputShape: [Int] { shape }

    mutating func reserve(batch: Int, training: Bool) { if training { grow(&mask, to: batch * inputSize) } }

    mutating func forward(_ input: UnsafeBufferPointer<Float>, into output: UnsafeMutableBufferPointer<Float>,
                          pass: ForwardPass, random: inout SeededRandom) {
        lastForwardTrained = pass.training && rate > 0
        guard lastForwardTrained else {
            _ = output.update(fromContentsOf: input)
            return
        }
        let keep = 1 / (1 - rate), threshold = Double(rate)
        mask.withUnsafeMutableBufferPointer { m in
            for i in input.indices {
                let scale: Float = random.uniform() < threshold ? 0 : keep
                m[i] = scale
                output[i] = input[i] * scale
            }
        }
    }

    mutating func backward(_ pass: BackwardPass) {
        guard let dx = pass.inputGradient else { return }
        guard lastForwardTrained else {
            _ = dx.update(fromContentsOf: pass.outputGradient)
            return
        }
        mask.withUnsafeBufferPointer { m in
            for i in dx.indices { dx[i] = pass.outputGradient[i] * m[i] }
        }
    }
}
