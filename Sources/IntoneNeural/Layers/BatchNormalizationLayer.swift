import IntoneRandom

/// Keras 3 `BatchNormalization` over the last axis (channels), statistics over all other axes
/// (batch and time).
///
/// - Training: `y = gamma · (x − μ) / sqrt(σ² + ε) + beta` with the batch's mean μ and **biased**
///   variance σ² (Keras 3 `ops.moments`: `E[x²] − E[x]²`, divided by the count, not count − 1), and
///   the state moves as `moving = moving · momentum + batch · (1 − momentum)` for the mean and for the
///   variance, **with the same biased variance** (Keras 3 applies no Bessel correction; tf.keras 2's
///   fused kernel did). Statistics are summed in Double here, in two passes.
/// - Inference: the moving mean and variance in place of μ and σ².
///
/// Parameters `gamma` (ones), `beta` (zeros); state `moving_mean` (zeros), `moving_variance` (ones).
struct BatchNormalizationLayer: NeuralLayer {
    let name: String
    let shape: [Int]
    let channels: Int
    let momentum: Float, epsilon: Float
    /// (x − mean) / sqrt(var + ε) from the last forward pass.
    private var normalized: [Float] = []
    /// 1 / sqrt(var + ε) per channel from the last forward pass.
    private var inverseDeviation: [Float]
    private var lastForwardTrained = false
    /// Rows of the global batch in the last synchronised forward pass (SyncBatchNorm).
    private var globalRows = 0.0

    init(name: String, inputShape: [Int], momentum: Float, epsilon: Float) throws(LayerShapeError) {
        guard let c = inputShape.last, c > 0 else { throw LayerShapeError("BatchNormalization needs a channel axis") }
        guard epsilon > 0, momentum >= 0, momentum <= 1 else {
            throw LayerShapeError("BatchNormalization needs epsilon > 0 and momentum in [0, 1]")
        }
        self.name = name
        shape = inputShape
        channels = c
        self.momentum = momentum
        self.epsilon = epsilon
        inverseDeviation = [Float](repeating: 0, count: c)
    }

    var inputShape: [Int] { shape }
    var outputShape: [Int] { shape }

    var parameterSpecs: [VariableSpec] {
        [VariableSpec(name: "gamma", shape: [channels], initializer: .ones),
         VariableSpec(name: "beta", shape: [channels], initializer: .zeros)]
    }

    var stateSpecs: [VariableSpec] {
        [VariableSpec(name: "moving_mean", shape: [channels], initializer: .zeros),
         VariableSpec(name: "moving_variance", shape: [channels], initializer: .ones)]
    }

    mutating func reserve(batch: Int, training: Bool) { if training { grow(&normalized, to: batch * inputSize) } }

    mutating func forward(_ input: UnsafeBufferPointer<Float>, into output: UnsafeMutableBufferPointer<Float>,
                          pass: ForwardPass, random: inout SeededRandom) {
        let rows = pass.batch * inputSize / channels
        let gamma = pass.parameters.baseAddress!, beta = gamma + channels
        let movingMean = pass.state.baseAddress!, movingVariance = movingMean + channels
        let x = input.baseAddress!, y = output.baseAddress!
        var mean = [Float](repeating: 0, count: channels)
        lastForwardTrained = pass.training
        if pass.training, let sync = pass.sync {
            // SyncBatchNorm: the global batch's mean, then its biased variance, from sums over replicas.
            var sums = [Double](repeating: 0, count: channels + 1)
            for r in 0..<rows { let row = x + r * channels; for c in 0..<channels { sums[c] += Double(row[c]) } }
            sums[channels] = Double(rows)
            sync.sum(&sums)
            let total = max(sums[channels], 1)
            globalRows = total
            let globalMean = (0..<channels).map { sums[$0] / total }
            var squares = [Double](repeating: 0, count: channels)
            for r in 0..<rows {
                let row = x + r * channels
                for c in 0..<channels { let d = Double(row[c]) - globalMean[c]; squares[c] += d * d }
            }
            sync.sum(&squares)
            for c in 0..<channels {
                let variance = Float(squares[c] / total)
                mean[c] = Float(globalMean[c])
                inverseDeviation[c] = 1 / (variance + epsilon).squareRoot()
                movingMean[c] = movingMean[c] * momentum + mean[c] * (1 - momentum)
                movingVariance[c] = movingVariance[c] * momentum + variance * (1 - momentum)
            }
        } else if pass.training {
            var sum = [Double](repeating: 0, count: channels), squares = [Double](repeating: 0, count: channels)
            let channels = channels
            sum.withUnsafeMutableBufferPointer { sp in
                squares.withUnsafeMutableBufferPointer { qp in
                    let s = sp.baseAddress!, q = qp.baseAddress!
                    // Each thread takes a range of channels through all rows: every channel's sums
                    // are added in row order, as in one thread.
                    Parallelism.forRanges(channels, minimum: rows * channels >= 1 << 15 ? 2 : .max) { cs in
                        for r in 0..<rows { let row = x + r * channels; for c in cs { s[c] += Double(row[c]) } }
                        for c in cs { s[c] /= Double(rows) }
                        for r in 0..<rows {
                            let row = x + r * channels
                            for c in cs { let d = Double(row[c]) - s[c]; q[c] += d * d }
                        }
                    }
                }
            }
            for c in 0..<channels {
                let variance = Float(squares[c] / Double(rows))
                mean[c] = Float(sum[c])
                inverseDeviation[c] = 1 / (variance + epsilon).squareRoot()
                movingMean[c] = movingMean[c] * momentum + mean[c] * (1 - momentum)
                movingVariance[c] = movingVariance[c] * momentum + variance * (1 - momentum)
            }
        } else {
            for c in 0..<channels {
                mean[c] = movingMean[c]
                inverseDeviation[c] = 1 / (movingVariance[c] + epsilon).squareRoot()
            }
        }
        let channels = channels, training = pass.training
        inverseDeviation.withUnsafeBufferPointer { invBuffer in
            mean.withUnsafeBufferPointer { meanBuffer in
                let inv = invBuffer.baseAddress!, m = meanBuffer.baseAddress!
                if training {
                    // The backward pass needs the normalised values.
                    normalized.withUnsafeMutableBufferPointer { xhatBuffer in
                        let xhat = xhatBuffer.baseAddress!
                        Parallelism.forRanges(rows, minimum: rows * channels >= 1 << 15 ? 2 : .max) { rs in
                            for r in rs {
                                let o = r * channels
                                for c in 0..<channels {
                                    let n = (x[o + c] - m[c]) * inv[c]
                                    xhat[o + c] = n
                                    y[o + c] = gamma[c] * n + beta[c]
                                }
                            }
                        }
                    }
                    return
                }
                Parallelism.forRanges(rows, minimum: rows * channels >= 1 << 15 ? 2 : .max) { rs in
                for r in rs {
                    let o = r * channels
                    if channels % 8 == 0 {
                        // The same arithmetic, eight channels at a time.
                        var c = 0
                        while c < channels {
                            let xv = UnsafeRawPointer(x + o + c).loadUnaligned(as: SIMD8<Float>.self)
                            let mv = UnsafeRawPointer(m + c).loadUnaligned(as: SIMD8<Float>.self)
                            let iv = UnsafeRawPointer(inv + c).loadUnaligned(as: SIMD8<Float>.self)
                            let gv = UnsafeRawPointer(gamma + c).loadUnaligned(as: SIMD8<Float>.self)
                            let bv = UnsafeRawPointer(beta + c).loadUnaligned(as: SIMD8<Float>.self)
                            UnsafeMutableRawPointer(y + o + c).storeBytes(of: gv * ((xv - mv) * iv) + bv, as: SIMD8<Float>.self)
                            c += 8
                        }
                    } else {
                        for c in 0..<channels { y[o + c] = gamma[c] * ((x[o + c] - m[c]) * inv[c]) + beta[c] }
                    }
                }
                }
            }
        }
    }

    mutating func backward(_ pass: BackwardPass) {
        let rows = pass.batch * inputSize / channels
        let gamma = pass.parameters.baseAddress!
        let dGamma = pass.gradients.baseAddress!, dBeta = dGamma + channels
        let dy = pass.outputGradient.baseAddress!
        var sumDy = [Double](repeating: 0, count: channels), sumDyXhat = [Double](repeating: 0, count: channels)
        let channels = channels, trained = lastForwardTrained
        let big = rows * channels >= 1 << 15
        // After an inference-mode forward pass (tests only) there may be no normalised values kept.
        if normalized.count < rows * channels { grow(&normalized, to: rows * channels) }
        normalized.withUnsafeBufferPointer { xhatBuffer in
            inverseDeviation.withUnsafeBufferPointer { invBuffer in
            sumDy.withUnsafeMutableBufferPointer { sdBuffer in
            sumDyXhat.withUnsafeMutableBufferPointer { sxBuffer in
                let xhat = xhatBuffer.baseAddress!, inv = invBuffer.baseAddress!, sd = sdBuffer.baseAddress!, sx = sxBuffer.baseAddress!
                // Per-channel sums over the rows (a range of channels per thread, rows in order).
                Parallelism.forRanges(channels, minimum: big ? 2 : .max) { cs in
                    for r in 0..<rows {
                        let o = r * channels
                        for c in cs {
                            sd[c] += Double(dy[o + c])
                            sx[c] += Double(dy[o + c] * xhat[o + c])
                        }
                    }
                }
                for c in 0..<channels {
                    dGamma[c] += Float(sx[c])
                    dBeta[c] += Float(sd[c])
                }
                if trained, let sync = pass.sync {
                    // SyncBatchNorm: Σ∂L/∂y and Σ∂L/∂y·x̂ over the global batch, in the global loss's
                    // units (this replica's loss is its share `weight` of it), then back in this one's.
                    let w = sync.weight
                    var sums = [Double](repeating: 0, count: 2 * channels)
                    for c in 0..<channels { sums[c] = w * sd[c]; sums[channels + c] = w * sx[c] }
                    sync.sum(&sums)
                    guard let dx = pass.inputGradient?.baseAddress, w > 0 else { return }
                    let scale = 1 / (globalRows * w)
                    let md = (0..<channels).map { Float(sums[$0] * scale) }, mx = (0..<channels).map { Float(sums[channels + $0] * scale) }
                    for r in 0..<rows {
                        let o = r * channels
                        for c in 0..<channels { dx[o + c] = gamma[c] * inv[c] * (dy[o + c] - md[c] - xhat[o + c] * mx[c]) }
                    }
                    return
                }
                guard let dx = pass.inputGradient?.baseAddress else { return }
                if trained {
                    // dx = gamma·inv/N · (N·dy − Σdy − xhat·Σ(dy·xhat)), the batch statistics depending on x.
                    for c in 0..<channels { sd[c] /= Double(rows); sx[c] /= Double(rows) }
                    let meanDy = (0..<channels).map { Float(sd[$0]) }, meanDyXhat = (0..<channels).map { Float(sx[$0]) }
                    meanDy.withUnsafeBufferPointer { mdBuffer in
                        meanDyXhat.withUnsafeBufferPointer { mxBuffer in
                            let md = mdBuffer.baseAddress!, mx = mxBuffer.baseAddress!
                            Parallelism.forRanges(rows, minimum: big ? 2 : .max) { rs in
                                for r in rs {
                                    let o = r * channels
                                    for c in 0..<channels {
                                        dx[o + c] = gamma[c] * inv[c] * (dy[o + c] - md[c] - xhat[o + c] * mx[c])
                                    }
                                }
                            }
                        }
                    }
                } else {
                    Parallelism.forRanges(rows, minimum: big ? 2 : .max) { rs in
                        for r in rs {
                            let o = r * channels
                            for c in 0..<channels { dx[o + c] = gamma[c] * inv[c] * dy[o + c] }
                        }
                    }
                }
            }
            }
            }
        }
    }
}
