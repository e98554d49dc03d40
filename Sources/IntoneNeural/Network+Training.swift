import IntoneRandom

/// The outcome of a batch: mean loss and how many samples were classified right.
public struct BatchResult: Sendable, Equatable {
    /// Keras's loss for the batch: class-weighted cross-entropy summed, divided by `count`.
    public var loss: Double
    /// Samples whose most probable class is the label (Keras `categorical_accuracy`, unweighted).
    public var correct: Int
    /// Samples in the batch.
    public var count: Int

    /// `correct / count` (0 for an empty batch).
    public var accuracy: Double { count == 0 ? 0 : Double(correct) / Double(count) }
}

extension Network {
    /// Runs a training-mode forward and backward pass on one batch and leaves ∂loss/∂parameters in
    /// `gradients` (zeroed first). Training mode: batch statistics in BatchNormalization (whose moving
    /// statistics in `state` are updated, as Keras does during `fit`), dropout masks from `dropoutRandom`.
    ///
    /// - Parameters:
    ///   - inputs: `[batch] + inputShape`, batch ≥ 1.
    ///   - labels: class indices in `0..<classCount`, one per sample.
    ///   - classWeights: per-class sample weights (Keras `class_weight`), `classCount` values, or nil.
    /// - Returns: the batch's loss (class-weighted, divided by the batch size) and correct count.
    /// - Throws: `NeuralError.inputShape` or `.labels` when the arguments do not match the network.
    @discardableResult
    public mutating func computeGradients(inputs: Tensor, labels: [Int], classWeights: [Float]? = nil) throws(NeuralError) -> BatchResult {
        let batch = try checkBatch(inputs)
        try checkLabels(labels, batch: batch, classWeights: classWeights)
        return trainStep(inputs.values, targets: .labels(labels), classWeights: classWeights, batch: batch, inputGradient: false)
    }

    /// `computeGradients` with `[batch, classCount]` target rows (one-hot or soft labels); the class
    /// weight of a row is that of its largest entry.
    @discardableResult
    public mutating func computeGradients(inputs: Tensor, targets: Tensor, classWeights: [Float]? = nil) throws(NeuralError) -> BatchResult {
        let batch = try checkBatch(inputs)
        guard targets.shape == [batch, classCount] else {
            throw NeuralError.labels("targets have shape \(targets.shape), expected [\(batch), \(classCount)]")
        }
        try checkLabels([], batch: 0, classWeights: classWeights)
        return trainStep(inputs.values, targets: .distributions(targets.values), classWeights: classWeights, batch: batch, inputGradient: false)
    }

    /// Class probabilities `[n, classCount]` in inference mode (moving statistics, no dropout),
    /// `batchSize` samples at a time. Mutating only because it reuses the network's scratch memory;
    /// parameters and state are left as they are.
    public mutating func predictProbabilities(_ inputs: Tensor, batchSize: Int = 256) throws(NeuralError) -> Tensor {
        let n = try checkBatch(inputs, allowEmpty: true)
        var out = [Float](repeating: 0, count: n * classCount)
        let size = sampleSizes[0], step = max(1, batchSize)
        var start = 0
        while start < n {
            let batch = min(step, n - start)
            let at = inputs.values.withUnsafeBufferPointer { x in
                inferenceForward(UnsafeBufferPointer(rebasing: x[(start * size)..<((start + batch) * size)]), batch: batch)
            }
            for i in 0..<(batch * classCount) { out[start * classCount + i] = inferenceArena[at + i] }
            start += batch
        }
        return Tensor(shape: [n, classCount], values: out)
    }

    /// Runs the layers in inference mode through two alternating buffers (nothing is kept for a
    /// backward pass, so memory is two layers' outputs, not all of them); returns where in
    /// `inferenceArena` the last layer's output is.
    mutating func inferenceForward(_ input: UnsafeBufferPointer<Float>, batch: Int) -> Int {
        let slot = (sampleSizes.max() ?? 0) * batch
        if inferenceArena.count < 2 * slot { inferenceArena = [Float](repeating: 0, count: 2 * slot) }
        if batch > reservedBatch.inference {
            for i in layers.indices { layers[i].reserve(batch: batch, training: false) }
            reservedBatch.inference = batch
        }
        var current = 0
        let sizes = sampleSizes, ranges = (parameterRanges, stateRanges)
        inferenceArena.withUnsafeMutableBufferPointer { arena in
            _ = UnsafeMutableBufferPointer(rebasing: arena[0..<input.count]).update(fromContentsOf: input)
            parameters.withUnsafeBufferPointer { params in
                state.withUnsafeMutableBufferPointer { st in
                    for i in layers.indices {
                        let source = current * slot, target = (1 - current) * slot
                        let pass = ForwardPass(batch: batch, training: false,
                                               parameters: UnsafeBufferPointer(rebasing: params[ranges.0[i]]),
                                               state: UnsafeMutableBufferPointer(rebasing: st[ranges.1[i]]))
                        layers[i].forward(UnsafeBufferPointer(rebasing: arena[source..<(source + sizes[i] * batch)]),
                                          into: UnsafeMutableBufferPointer(rebasing: arena[target..<(target + sizes[i + 1] * batch)]),
                                          pass: pass, random: &dropoutRandom)
                        current = 1 - current
                    }
                }
            }
        }
        return current * slot
    }

    /// Loss and correct count over `inputs` in inference mode, as Keras's `evaluate` / `val_loss`
    /// reports them (class weights, if given, weight the loss as in training; Keras applies none to
    /// validation data). The loss is the mean over all samples.
    public mutating func evaluate(inputs: Tensor, labels: [Int], classWeights: [Float]? = nil, batchSize: Int = 256) throws(NeuralError) -> BatchResult {
        let n = try checkBatch(inputs, allowEmpty: true)
        try checkLabels(labels, batch: n, classWeights: classWeights)
        let size = sampleSizes[0], step = max(1, batchSize)
        var result = BatchResult(loss: 0, correct: 0, count: n)
        var start = 0
        while start < n {
            let batch = min(step, n - start)
            inputs.values.withUnsafeBufferPointer { x in
                forward(UnsafeBufferPointer(rebasing: x[(start * size)..<((start + batch) * size)]), batch: batch, training: false)
            }
            let o = offsets(batch: batch), last = layers.count
            let part = activations.withUnsafeBufferPointer { acts in
                CrossEntropy.evaluate(logits: UnsafeBufferPointer(rebasing: acts[o[last - 1]..<o[last]]),
                                      probabilities: UnsafeBufferPointer(rebasing: acts[o[last]..<o[last + 1]]),
                                      targets: .labels(Array(labels[start..<(start + batch)])), classWeights: classWeights,
                                      batch: batch, classes: classCount, gradient: nil)
            }
            result.loss += part.loss * Double(batch)
            result.correct += part.correct
            start += batch
        }
        if n > 0 { result.loss /= Double(n) }
        return result
    }

    // MARK: - Passes

    /// Forward, loss, backward; `inputGradient` also computes ∂loss/∂inputs (for tests).
    mutating func trainStep(_ input: [Float], targets: Targets, classWeights: [Float]?, batch: Int, inputGradient: Bool) -> BatchResult {
        input.withUnsafeBufferPointer { forward($0, batch: batch, training: true) }
        let o = offsets(batch: batch), last = layers.count
        let result = activations.withUnsafeBufferPointer { acts in
            deltas.withUnsafeMutableBufferPointer { d in
                CrossEntropy.evaluate(logits: UnsafeBufferPointer(rebasing: acts[o[last - 1]..<o[last]]),
                                      probabilities: UnsafeBufferPointer(rebasing: acts[o[last]..<o[last + 1]]),
                                      targets: targets, classWeights: classWeights, batch: batch, classes: classCount,
                                      gradient: UnsafeMutableBufferPointer(rebasing: d[o[last - 1]..<o[last]]))
            }
        }
        if gradients.count != parameters.count { gradients = [Float](repeating: 0, count: parameters.count) }
        gradients.withUnsafeMutableBufferPointer { $0.update(repeating: 0) }
        Self.backward(layers: &layers, activations: activations, deltas: &deltas, parameters: parameters, gradients: &gradients,
                      parameterRanges: parameterRanges, offsets: o, batch: batch, inputGradient: inputGradient, sync: batchStatisticsSync)
        return BatchResult(loss: result.loss, correct: result.correct, count: batch)
    }

    /// Runs every layer forward on `input` (`batch` samples); activations stay in the arena.
    mutating func forward(_ input: UnsafeBufferPointer<Float>, batch: Int, training: Bool) {
        reserve(batch: batch, training: training)
        Self.forward(layers: &layers, activations: &activations, parameters: parameters, state: &state, random: &dropoutRandom,
                     parameterRanges: parameterRanges, stateRanges: stateRanges, offsets: offsets(batch: batch),
                     input: input, batch: batch, training: training, sync: training ? batchStatisticsSync : nil)
    }

    private static func forward(layers: inout [any NeuralLayer], activations: inout [Float], parameters: [Float], state: inout [Float],
                                random: inout SeededRandom, parameterRanges: [Range<Int>], stateRanges: [Range<Int>], offsets o: [Int],
                                input: UnsafeBufferPointer<Float>, batch: Int, training: Bool, sync: BatchStatisticsSync?) {
        activations.withUnsafeMutableBufferPointer { acts in
            _ = UnsafeMutableBufferPointer(rebasing: acts[o[0]..<o[1]]).update(fromContentsOf: input)
            parameters.withUnsafeBufferPointer { params in
                state.withUnsafeMutableBufferPointer { st in
                    for i in layers.indices {
                        let pass = ForwardPass(batch: batch, training: training,
                                               parameters: UnsafeBufferPointer(rebasing: params[parameterRanges[i]]),
                                               state: UnsafeMutableBufferPointer(rebasing: st[stateRanges[i]]), sync: sync)
                        layers[i].forward(UnsafeBufferPointer(rebasing: acts[o[i]..<o[i + 1]]),
                                          into: UnsafeMutableBufferPointer(rebasing: acts[o[i + 1]..<o[i + 2]]),
                                          pass: pass, random: &random)
                    }
                }
            }
        }
    }

    /// Backpropagates from the gradient at the softmax's input (already in `deltas`) down to the first
    /// layer, adding parameter gradients.
    private static func backward(layers: inout [any NeuralLayer], activations: [Float], deltas: inout [Float], parameters: [Float],
                                 gradients: inout [Float], parameterRanges: [Range<Int>], offsets o: [Int], batch: Int, inputGradient: Bool,
                                 sync: BatchStatisticsSync?) {
        activations.withUnsafeBufferPointer { acts in
            deltas.withUnsafeMutableBufferPointer { d in
                parameters.withUnsafeBufferPointer { params in
                    gradients.withUnsafeMutableBufferPointer { grads in
                        // The softmax (last layer) is folded into the loss gradient.
                        for i in stride(from: layers.count - 2, through: 0, by: -1) {
                            let pass = BackwardPass(
                                batch: batch,
                                parameters: UnsafeBufferPointer(rebasing: params[parameterRanges[i]]),
                                gradients: UnsafeMutableBufferPointer(rebasing: grads[parameterRanges[i]]),
                                input: UnsafeBufferPointer(rebasing: acts[o[i]..<o[i + 1]]),
                                output: UnsafeBufferPointer(rebasing: acts[o[i + 1]..<o[i + 2]]),
                                outputGradient: UnsafeBufferPointer(rebasing: d[o[i + 1]..<o[i + 2]]),
                                inputGradient: i > 0 || inputGradient ? UnsafeMutableBufferPointer(rebasing: d[o[i]..<o[i + 1]]) : nil,
                                sync: sync)
                            layers[i].backward(pass)
                        }
                    }
                }
            }
        }
    }

    // MARK: - Checks

    private func checkBatch(_ inputs: Tensor, allowEmpty: Bool = false) throws(NeuralError) -> Int {
        guard inputs.shape.count == inputShape.count + 1, Array(inputs.shape.dropFirst()) == inputShape,
              allowEmpty || inputs.shape[0] > 0 else {
            throw NeuralError.inputShape(expected: inputShape, got: inputs.shape)
        }
        return inputs.shape[0]
    }

    private func checkLabels(_ labels: [Int], batch: Int, classWeights: [Float]?) throws(NeuralError) {
        guard labels.count == batch else { throw NeuralError.labels("\(labels.count) labels for \(batch) samples") }
        if let bad = labels.first(where: { $0 < 0 || $0 >= classCount }) {
            throw NeuralError.labels("label \(bad) is outside 0..<\(classCount)")
        }
        if let w = classWeights, w.count != classCount {
            throw NeuralError.labels("\(w.count) class weights for \(classCount) classes")
        }
    }
}
