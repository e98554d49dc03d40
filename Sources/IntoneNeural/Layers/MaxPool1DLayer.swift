import IntoneRandom

/// Keras `MaxPooling1D`: per channel, the maximum over windows of `poolSize` steps every `stride` steps.
/// With `same` padding the windows may hang over the ends, which count as −∞. The backward pass routes
/// each output gradient to the step that held the maximum (the first one on ties).
struct MaxPool1DLayer: NeuralLayer {
    let name: String
    let steps: Int, channels: Int
    let poolSize: Int, stride: Int
    let outSteps: Int, padLeft: Int
    /// For each output value, the input step its maximum came from.
    private var argmax: [Int32] = []

    init(name: String, inputShape: [Int], poolSize: Int, stride: Int?, padding: Padding) throws(LayerShapeError) {
        guard inputShape.count == 2 else { throw LayerShapeError("MaxPooling1D needs [time, channels] input, got \(inputShape)") }
        let stride = stride ?? poolSize
        guard poolSize > 0, stride > 0 else { throw LayerShapeError("MaxPooling1D needs pool_size and strides ≥ 1") }
        self.name = name
        steps = inputShape[0]
        channels = inputShape[1]
        self.poolSize = poolSize
        self.stride = stride
        switch padding {
        case .valid:
            guard steps >= poolSize else { throw LayerShapeError("MaxPooling1D pool \(poolSize) is longer than the \(steps) input steps") }
            outSteps = (steps - poolSize) / stride + 1
            padLeft = 0
        case .same:
            outSteps = (steps + stride - 1) / stride
            padLeft = max((outSteps - 1) * stride + poolSize - steps, 0) / 2
        }
        guard outSteps > 0 else { throw LayerShapeError("MaxPooling1D has no output steps for \(steps) input steps") }
    }

    var inputShape: [Int] { [steps, channels] }
    var outputShape: [Int] { [outSteps, channels] }

    mutating func reserve(batch: Int, training: Bool) {
        if training && argmax.count < batch * outSteps * channels { argmax = [Int32](repeating: 0, count: batch * outSteps * channels) }
    }

    mutating func forward(_ input: UnsafeBufferPointer<Float>, into output: UnsafeMutableBufferPointer<Float>,
                          pass: ForwardPass, random: inout SeededRandom) {
        let x = input.baseAddress!, y = output.baseAddress!
        let channels = channels, training = pass.training
        // Step by step over the window, all channels at once (contiguous, so it vectorises); the
        // first maximum wins ties, as a strict `>` scan does.
        argmax.withUnsafeMutableBufferPointer { bestBuffer in
            // Only training records where each maximum was (inference leaves `argmax` empty).
            let best = bestBuffer.baseAddress ?? UnsafeMutablePointer<Int32>(bitPattern: MemoryLayout<Int32>.alignment)!
            let (steps, outSteps, stride, padLeft, poolSize) = (steps, outSteps, stride, padLeft, poolSize)
            Parallelism.forRanges(pass.batch, minimum: 2) { samples in
            for b in samples {
                let sample = x + b * steps * channels
                for t in 0..<outSteps {
                    let first = max(t * stride - padLeft, 0)
                    let last = min(t * stride - padLeft + poolSize, steps)
                    let out = y + (b * outSteps + t) * channels
                    let at = best + (b * outSteps + t) * channels
                    let row = sample + first * channels
                    for c in 0..<channels { out[c] = row[c] }
                    if training { for c in 0..<channels { at[c] = Int32(first) } }
                    var s = first + 1
                    while s < last {
                        let v = sample + s * channels
                        if training {
                            let step = Int32(s)
                            for c in 0..<channels {
                                let bigger = v[c] > out[c]
                                at[c] = bigger ? step : at[c]
                                out[c] = bigger ? v[c] : out[c]
                            }
                        } else {
                            for c in 0..<channels { out[c] = v[c] > out[c] ? v[c] : out[c] }
                        }
                        s += 1
                    }
                }
            }
            }
        }
    }

    mutating func backward(_ pass: BackwardPass) {
        guard let dx = pass.inputGradient?.baseAddress else { return }
        let dy = pass.outputGradient.baseAddress!
        let (steps, outSteps, channels) = (steps, outSteps, channels)
        argmax.withUnsafeBufferPointer { bestBuffer in
            let best = bestBuffer.baseAddress!
            // Samples are independent: each one's input gradient is zeroed and filled on its own.
            Parallelism.forRanges(pass.batch, minimum: 2) { samples in
                for b in samples {
                    (dx + b * steps * channels).update(repeating: 0, count: steps * channels)
                    for t in 0..<outSteps {
                        let o = (b * outSteps + t) * channels
                        for c in 0..<channels {
                            dx[(b * steps + Int(best[o + c])) * channels + c] += dy[o + c]
                        }
                    }
                }
            }
        }
    }
}
