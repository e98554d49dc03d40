import Foundation
import Testing
import IntoneRandom
@testable import IntoneNeural

/// Layer outputs on inputs small enough to work out by hand.
struct LayerValueTests {
    /// Kernel `[2, 2, 1]` with w[0] = (1, 0.1), w[1] = (−1, 0), bias 0.5, on x[t] = (t + 1, 10(t + 1)):
    /// y[t] = (t + 1) + (t + 1) − x[t + 1, 0] + 0.5, so `t + 0.5` inside, and with same padding the last
    /// window reads a zero step: 4 + 4 − 0 + 0.5 = 8.5 (TensorFlow pads k − 1 = 1 step, all on the right).
    @Test func conv1DMatchesHandComputedValues() throws {
        let x: [Float] = [1, 10, 2, 20, 3, 30, 4, 40]
        let weights: [Float] = [1, 0.1, -1, 0, 0.5]
        var valid = LayerHarness(try Conv1DLayer(name: "c", inputShape: [4, 2], filters: 1, kernelSize: 2, stride: 1, padding: .valid), parameters: weights)
        #expect(close(valid.forward(x, batch: 1), [0.5, 1.5, 2.5]))
        var same = LayerHarness(try Conv1DLayer(name: "c", inputShape: [4, 2], filters: 1, kernelSize: 2, stride: 1, padding: .same), parameters: weights)
        #expect(close(same.forward(x, batch: 1), [0.5, 1.5, 2.5, 8.5]))
        // Two samples in a batch are independent.
        #expect(close(same.forward(x + x.map { $0 * 2 }, batch: 2), [0.5, 1.5, 2.5, 8.5, 0.5, 2.5, 4.5, 16.5]))
    }

    /// T = 7, k = 4, stride 2, same: T_out = 4 and TensorFlow pads 3 steps, 1 before and 2 after, so
    /// with an all-ones kernel the outputs are the sums of x[2t − 1 ... 2t + 2] within range.
    @Test func conv1DSamePaddingIsTensorFlows() throws {
        let layer = try Conv1DLayer(name: "c", inputShape: [7, 1], filters: 1, kernelSize: 4, stride: 2, padding: .same)
        #expect(layer.outputShape == [4, 1])
        #expect(layer.padLeft == 1)
        var h = LayerHarness(layer, parameters: [1, 1, 1, 1, 0])
        #expect(close(h.forward([1, 2, 3, 4, 5, 6, 7], batch: 1), [6, 14, 22, 13]))
        // Odd kernel, stride 1: (k − 1) / 2 on each side.
        let k3 = try Conv1DLayer(name: "c", inputShape: [5, 1], filters: 1, kernelSize: 3, stride: 1, padding: .same)
        #expect(k3.outputShape == [5, 1] && k3.padLeft == 1)
        // Valid, stride 2: floor((T − k) / s) + 1.
        #expect(try Conv1DLayer(name: "c", inputShape: [8, 1], filters: 1, kernelSize: 3, stride: 2, padding: .valid).outputShape == [3, 1])
    }

    @Test func maxPool1DShapesAndValues() throws {
        #expect(try MaxPool1DLayer(name: "p", inputShape: [7, 2], poolSize: 2, stride: nil, padding: .valid).outputShape == [3, 2])
        #expect(try MaxPool1DLayer(name: "p", inputShape: [7, 2], poolSize: 3, stride: 2, padding: .valid).outputShape == [3, 2])
        #expect(try MaxPool1DLayer(name: "p", inputShape: [7, 2], poolSize: 2, stride: nil, padding: .same).outputShape == [4, 2])
        #expect(try MaxPool1DLayer(name: "p", inputShape: [8, 1], poolSize: 3, stride: 1, padding: .valid).outputShape == [6, 1])
        var valid = LayerHarness(try MaxPool1DLayer(name: "p", inputShape: [5, 1], poolSize: 2, stride: nil, padding: .valid))
        #expect(valid.forward([1, 3, 2, 5, 4], batch: 1) == [3, 5])
        var same = LayerHarness(try MaxPool1DLayer(name: "p", inputShape: [5, 1], poolSize: 2, stride: nil, padding: .same))
        #expect(same.forward([1, 3, 2, 5, 4], batch: 1) == [3, 5, 4])
        // Channels pool separately; negative values are not mixed with padding.
        var two = LayerHarness(try MaxPool1DLayer(name: "p", inputShape: [3, 2], poolSize: 2, stride: 1, padding: .same))
        #expect(two.forward([-1, 4, -3, 2, -2, 9], batch: 1) == [-1, 4, -2, 9, -2, 9])
    }

    /// Inference: `gamma · (x − moving_mean) / sqrt(moving_variance + ε) + beta`, state untouched.
    @Test func batchNormalizationInferenceUsesMovingStatistics() throws {
        let layer = try BatchNormalizationLayer(name: "bn", inputShape: [2, 2], momentum: 0.99, epsilon: 1e-3)
        let movingMean: [Float] = [1, -1], movingVariance: [Float] = [4, 0.25]
        let gamma: [Float] = [2, 1], beta: [Float] = [0.5, 0]
        var h = LayerHarness(layer, parameters: gamma + beta, state: movingMean + movingVariance)
        let x: [Float] = [3, 0, -1, 1]
        var expected: [Float] = []
        for (i, v) in x.enumerated() {
            let c = i % 2
            expected.append(gamma[c] * (v - movingMean[c]) / (movingVariance[c] + 1e-3).squareRoot() + beta[c])
        }
        #expect(close(h.forward(x, batch: 1), expected))
        #expect(h.state == movingMean + movingVariance)
    }

    /// Training: batch mean and biased variance over batch and time; moving statistics move by
    /// `(1 − momentum)` towards them, the variance *biased* as in Keras 3.
    @Test func batchNormalizationTrainingUsesBiasedBatchVariance() throws {
        let layer = try BatchNormalizationLayer(name: "bn", inputShape: [2, 1], momentum: 0.9, epsilon: 1e-3)
        var h = LayerHarness(layer, parameters: [1, 0], state: [0, 1])
        // Channel values 1, 2, 3, 6 over 2 samples × 2 steps: mean 3, biased variance (4 + 1 + 0 + 9) / 4 = 3.5.
        let y = h.forward([1, 2, 3, 6], batch: 2, training: true)
        let inv = 1 / (3.5 + 1e-3 as Float).squareRoot()
        #expect(close(y, [-2 * inv, -1 * inv, 0, 3 * inv]))
        let moved: [Float] = [0.1 * 3, 0.9 + 0.1 * 3.5]
        #expect(close(h.state, moved))
    }

    @Test func dropoutIsIdentityInInferenceAndScaledInTraining() throws {
        let n = 40_000
        var h = LayerHarness(try DropoutLayer(name: "d", inputShape: [n], rate: 0.25))
        let ones = [Float](repeating: 1, count: n)
        #expect(h.forward(ones, batch: 1, training: false) == ones)
        let y = h.forward(ones, batch: 1, training: true)
        #expect(y.allSatisfy { $0 == 0 || $0 == 1 / Float(0.75) })
        let dropped = Double(y.filter { $0 == 0 }.count) / Double(n)
        // Binomial: sd = sqrt(0.25 · 0.75 / 40000) ≈ 0.0022; allow 5 sd.
        #expect(abs(dropped - 0.25) < 0.011, "dropped \(dropped)")
        let mean = y.reduce(0, +) / Float(n)
        #expect(abs(mean - 1) < 0.015)
        // The next training pass draws a different mask.
        #expect(h.forward(ones, batch: 1, training: true) != y)
    }

    @Test func activationsMatchKerasDefinitions() throws {
        let x: [Float] = [-2, -0.5, 0, 0.5, 2]
        var relu = LayerHarness(ActivationLayer(name: "a", shape: [5], function: .relu))
        #expect(relu.forward(x, batch: 1) == [0, 0, 0, 0.5, 2])
        var leaky = LayerHarness(ActivationLayer(name: "a", shape: [5], function: .leakyReLU(slope: 0.3)))
        #expect(close(leaky.forward(x, batch: 1), [-0.6, -0.15, 0, 0.5, 2]))
        var elu = LayerHarness(ActivationLayer(name: "a", shape: [5], function: .elu(alpha: 1)))
        #expect(close(elu.forward(x, batch: 1), [Float(exp(-2.0) - 1), Float(exp(-0.5) - 1), 0, 0.5, 2]))
        var softmax = LayerHarness(SoftmaxLayer(name: "s", shape: [3]))
        let p = softmax.forward([1, 2, 3, 1000, 1000, 1000], batch: 2)
        let e: [Double] = [exp(1.0), exp(2.0), exp(3.0)]
        let s = e.reduce(0, +)
        let third: Float = 1.0 / 3.0
        let expected: [Float] = e.map { Float($0 / s) } + [third, third, third]
        #expect(close(p, expected))
    }

    @Test func globalAveragePoolingAndFlatten() throws {
        var gap = LayerHarness(try GlobalAveragePooling1DLayer(name: "g", inputShape: [3, 2]))
        #expect(close(gap.forward([1, 10, 2, 20, 6, 60], batch: 1), [3, 30]))
        var flatten = LayerHarness(FlattenLayer(name: "f", inputShape: [3, 2]))
        #expect(flatten.layer.outputShape == [6])
        #expect(flatten.forward([1, 2, 3, 4, 5, 6], batch: 1) == [1, 2, 3, 4, 5, 6])
    }

    /// The LSTM against a direct transcription of Keras's cell in Double (gate order i, f, c, o).
    @Test func lstmMatchesReferenceCell() throws {
        let steps = 4, features = 3, units = 2, batch = 2
        var r = SeededRandom(seed: 9)
        let weights = (0..<(features * 4 * units + units * 4 * units + 4 * units)).map { _ in Float(r.uniform(-0.8, 0.8)) }
        let x = (0..<(batch * steps * features)).map { _ in Float(r.uniform(-1, 1)) }
        var seq = LayerHarness(try LSTMLayer(name: "l", inputShape: [steps, features], units: units, returnSequences: true), parameters: weights)
        var last = LayerHarness(try LSTMLayer(name: "l", inputShape: [steps, features], units: units, returnSequences: false), parameters: weights)
        let ys = seq.forward(x, batch: batch), yl = last.forward(x, batch: batch)

        let g4 = 4 * units
        func W(_ i: Int, _ j: Int) -> Double { Double(weights[i * g4 + j]) }
        func R(_ i: Int, _ j: Int) -> Double { Double(weights[features * g4 + i * g4 + j]) }
        func B(_ j: Int) -> Double { Double(weights[features * g4 + units * g4 + j]) }
        func sigmoid(_ v: Double) -> Double { 1 / (1 + exp(-v)) }
        var expectedSeq: [Float] = [], expectedLast: [Float] = []
        for b in 0..<batch {
            var h = [Double](repeating: 0, count: units), c = h
            for t in 0..<steps {
                var z = (0..<g4).map { B($0) }
                for j in 0..<g4 {
                    for i in 0..<features { z[j] += Double(x[(b * steps + t) * features + i]) * W(i, j) }
                    for i in 0..<units { z[j] += h[i] * R(i, j) }
                }
                for k in 0..<units {
                    let ig = sigmoid(z[k]), fg = sigmoid(z[units + k]), cg = tanh(z[2 * units + k]), og = sigmoid(z[3 * units + k])
                    c[k] = fg * c[k] + ig * cg
                    h[k] = og * tanh(c[k])
                }
                expectedSeq += h.map(Float.init)
            }
            expectedLast += h.map(Float.init)
        }
        #expect(close(ys, expectedSeq, tolerance: 2e-6))
        #expect(close(yl, expectedLast, tolerance: 2e-6))
    }
}

/// With 16 or more channels, inference reads the windows in place (a sum of shifted products)
/// instead of through the window matrix training uses: both give the same outputs.
struct ConvInferencePathTests {
    @Test(arguments: [(Padding.same, 1, 5), (.valid, 1, 5), (.same, 2, 4), (.valid, 3, 3), (.same, 1, 9)])
    func inferenceInPlaceEqualsTheWindowMatrix(padding: Padding, stride: Int, kernel: Int) throws {
        let steps = 23, channels = 16, filters = 12, batch = 3
        let layer = try Conv1DLayer(name: "c", inputShape: [steps, channels], filters: filters, kernelSize: kernel, stride: stride, padding: padding)
        var random = SeededRandom(seed: 9, stream: "conv-inference")
        let weights = (0..<(kernel * channels * filters + filters)).map { _ in Float(random.uniform(-1, 1)) }
        let x = (0..<(batch * steps * channels)).map { _ in Float(random.uniform(-1, 1)) }
        var h = LayerHarness(layer, parameters: weights)
        let training = h.forward(x, batch: batch, training: true)
        let inference = h.forward(x, batch: batch, training: false)
        #expect(!inference.contains { $0.isNaN })
        #expect(close(inference, training, tolerance: 1e-5))
    }
}
