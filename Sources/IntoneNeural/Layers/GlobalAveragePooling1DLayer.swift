import IntoneRandom

/// Keras `GlobalAveragePooling1D`: the mean over time, `[T, C]` → `[C]`.
struct GlobalAveragePooling1DLayer: NeuralLayer {
    let name: String
    let steps: Int, channels: Int

    init(name: String, inputShape: [Int]) throws(LayerShapeError) {
        guard inputShape.count == 2, inputShape[0] > 0 else {
            throw LayerShapeError("GlobalAveragePooling1D needs [time, channels] input, got \(inputShape)")
        }
        self.name = name
        steps = inputShape[0]
        channels = inputShape[1]
    }

    var inputShape: [Int] { [steps, channels] }
    var outputShape: [Int] { [channels] }

    mutating func forward(_ input: UnsafeBufferPointer<Float>, into output: UnsafeMutableBufferPointer<Float>,
                          pass: ForwardPass, random: inout SeededRandom) {
        let scale = 1 / Float(steps)
        for b in 0..<pass.batch {
            let y = output.baseAddress! + b * channels
            y.update(repeating: 0, count: channels)
            for t in 0..<steps {
                let x = input.baseAddress! + (b * steps + t) * channels
                for c in 0..<channels { y[c] += x[c] }
            }
            for c in 0..<channels { y[c] *= scale }
        }
    }

    mutating func backward(_ pass: BackwardPass) {
        guard let dx = pass.inputGradient?.baseAddress else { return }
        let scale = 1 / Float(steps)
        for b in 0..<pass.batch {
            let dy = pass.outputGradient.baseAddress! + b * channels
            for t in 0..<steps {
                let row = dx + (b * steps + t) * channels
                for c in 0..<channels { row[c] = dy[c] * scale }
            }
        }
    }
}
