import Foundation
import Testing
import IntoneRandom
@testable import IntoneNeural

/// Building networks: shapes, Keras names and layouts of the flat buffers, initialisation, seeds,
/// weight import and export, and a short training run.
struct NetworkTests {
    static let cnnLSTM: [LayerSpec] = [
        .conv1D(filters: 8, kernelSize: 5, padding: .same, activation: .elu()),
        .batchNormalization(),
        .maxPool1D(poolSize: 2),
        .dropout(0.2),
        .conv1D(filters: 6, kernelSize: 3),
        .lstm(5, returnSequences: true),
        .lstm(4),
        .dense(7),
        .softmax,
    ]

    @Test func variablesHaveKerasNamesShapesAndContiguousRanges() throws {
        let net = try Network(inputShape: [20, 3], layers: Self.cnnLSTM, seed: 1)
        let expected: [(String, [Int])] = [
            ("conv1d/kernel", [5, 3, 8]), ("conv1d/bias", [8]),
            ("batch_normalization/gamma", [8]), ("batch_normalization/beta", [8]),
            ("conv1d_1/kernel", [3, 8, 6]), ("conv1d_1/bias", [6]),
            ("lstm/kernel", [6, 20]), ("lstm/recurrent_kernel", [5, 20]), ("lstm/bias", [20]),
            ("lstm_1/kernel", [5, 16]), ("lstm_1/recurrent_kernel", [4, 16]), ("lstm_1/bias", [16]),
            ("dense/kernel", [4, 7]), ("dense/bias", [7]),
            ("batch_normalization/moving_mean", [8]), ("batch_normalization/moving_variance", [8]),
        ]
        #expect(net.variables.map(\.name) == expected.map(\.0))
        #expect(net.variables.map(\.shape) == expected.map(\.1))
        var p = 0, s = 0
        for v in net.variables {
            let start = v.kind == .trainable ? p : s
            #expect(v.range == start..<(start + v.shape.reduce(1, *)), "\(v)")
            if v.kind == .trainable { p = v.range.upperBound } else { s = v.range.upperBound }
        }
        #expect(net.parameterCount == p && net.gradients.isEmpty && net.stateCount == s)   // gradients come with the first training pass
        #expect(net.layerSummaries.map(\.outputShape) == [[20, 8], [20, 8], [20, 8], [10, 8], [10, 8], [8, 6], [8, 5], [4], [7], [7]])
        #expect(net.classCount == 7)
    }

    @Test func initialisationFollowsKeras() throws {
        let net = try Network(inputShape: [20, 3], layers: Self.cnnLSTM, seed: 1)
        func values(_ name: String) -> [Float] {
            let v = net.variable(named: name)!
            return v.kind == .trainable ? Array(net.parameters[v.range]) : Array(net.state[v.range])
        }
        // glorot_uniform: |w| ≤ sqrt(6 / (fan_in + fan_out)), conv fans include the kernel size.
        let convLimit = Float((6.0 / Double(5 * 3 + 5 * 8)).squareRoot())
        #expect(values("conv1d/kernel").allSatisfy { abs($0) <= convLimit })
        #expect(values("conv1d/kernel").contains { abs($0) > convLimit * 0.8 })
        #expect(values("conv1d/bias").allSatisfy { $0 == 0 })
        #expect(values("batch_normalization/gamma").allSatisfy { $0 == 1 })
        #expect(values("batch_normalization/moving_variance").allSatisfy { $0 == 1 })
        #expect(values("batch_normalization/moving_mean").allSatisfy { $0 == 0 })
        // unit_forget_bias: the forget block of the bias is ones.
        #expect(values("lstm/bias") == [Float](repeating: 0, count: 5) + [Float](repeating: 1, count: 5) + [Float](repeating: 0, count: 10))
        // orthogonal recurrent kernel [u, 4u]: orthonormal rows, R · Rᵀ = I.
        let r = values("lstm/recurrent_kernel")
        for i in 0..<5 {
            for j in 0..<5 {
                var dot: Float = 0
                for k in 0..<20 { dot += r[i * 20 + k] * r[j * 20 + k] }
                #expect(abs(dot - (i == j ? 1 : 0)) < 1e-5)
            }
        }
    }

    @Test func sameSeedGivesSameParametersAndGradients() throws {
        var a = try Network(inputShape: [20, 3], layers: Self.cnnLSTM, seed: 42)
        var b = try Network(inputShape: [20, 3], layers: Self.cnnLSTM, seed: 42)
        let c = try Network(inputShape: [20, 3], layers: Self.cnnLSTM, seed: 43)
        #expect(a.parameters == b.parameters)
        #expect(a.parameters != c.parameters)
        var r = SeededRandom(seed: 5)
        let x = Tensor(shape: [6, 20, 3], values: (0..<360).map { _ in Float(r.normal()) })
        let labels = [0, 1, 2, 3, 4, 5]
        let ra = try a.computeGradients(inputs: x, labels: labels)
        let rb = try b.computeGradients(inputs: x, labels: labels)
        #expect(ra == rb)
        #expect(a.gradients == b.gradients)
        #expect(a.state == b.state)
        #expect(a.gradients.contains { $0 != 0 })
        // A second step draws new dropout masks from the advanced stream; resetting the stream replays.
        var replay = a
        let again = try a.computeGradients(inputs: x, labels: labels)
        replay.dropoutRandom = b.dropoutRandom
        _ = try replay.computeGradients(inputs: x, labels: labels)
        #expect(again.loss != ra.loss)
        #expect(a.gradients == replay.gradients)
    }

    @Test func weightsRoundTripAndCheckShapes() throws {
        var a = try Network(inputShape: [20, 3], layers: Self.cnnLSTM, seed: 1)
        var b = try Network(inputShape: [20, 3], layers: Self.cnnLSTM, seed: 2)
        a.state[3] = 0.25
        try b.loadWeights(a.namedWeights())
        #expect(b.parameters == a.parameters && b.state == a.state)
        // Keras 3 paths with the LSTM cell scope load as well.
        var kerasPaths = a.namedWeights()
        kerasPaths["lstm_1/lstm_cell/recurrent_kernel"] = kerasPaths.removeValue(forKey: "lstm_1/recurrent_kernel")
        var c = try Network(inputShape: [20, 3], layers: Self.cnnLSTM, seed: 3)
        try c.loadWeights(kerasPaths)
        #expect(c.parameters == a.parameters)
        var bad = a.namedWeights()
        bad["dense/kernel"] = Tensor(shape: [7, 4], repeating: 0)
        #expect(throws: NeuralError.weightShape(name: "dense/kernel", expected: [4, 7], got: [7, 4])) { try b.loadWeights(bad) }
        var missing = a.namedWeights()
        missing["lstm/bias"] = nil
        #expect(throws: NeuralError.missingWeight(name: "lstm/bias")) { try b.loadWeights(missing) }
        try b.loadWeights(missing, allowMissing: true)
        var extra = a.namedWeights()
        extra["dense_9/kernel"] = Tensor(shape: [1], repeating: 0)
        #expect(throws: NeuralError.unexpectedWeight(name: "dense_9/kernel")) { try b.loadWeights(extra) }
    }

    @Test func invalidNetworksAndBatchesAreRejected() throws {
        #expect(throws: NeuralError.lastLayerNotSoftmax) { try Network(inputShape: [4], layers: [.dense(3)], seed: 1) }
        #expect(throws: NeuralError.self) { try Network(inputShape: [4], layers: [.conv1D(filters: 2, kernelSize: 3), .softmax], seed: 1) }
        #expect(throws: NeuralError.self) { try Network(inputShape: [2, 3], layers: [.conv1D(filters: 2, kernelSize: 3), .flatten, .softmax], seed: 1) }
        #expect(throws: NeuralError.self) { try Network(inputShape: [4], layers: [.dropout(1), .softmax], seed: 1) }
        #expect(throws: NeuralError.self) { try Network(inputShape: [5, 2], layers: [.lstm(3, returnSequences: true), .softmax], seed: 1) }
        var net = try Network(inputShape: [4], layers: [.dense(3), .softmax], seed: 1)
        #expect(throws: NeuralError.inputShape(expected: [4], got: [2, 5])) {
            try net.computeGradients(inputs: Tensor(shape: [2, 5]), labels: [0, 1])
        }
        #expect(throws: NeuralError.self) { try net.computeGradients(inputs: Tensor(shape: [2, 4]), labels: [0, 3]) }
        #expect(throws: NeuralError.self) { try net.computeGradients(inputs: Tensor(shape: [2, 4]), labels: [0]) }
        #expect(throws: NeuralError.self) { try net.computeGradients(inputs: Tensor(shape: [2, 4]), labels: [0, 1], classWeights: [1, 1]) }
    }

    /// Keras's loss with class weights: Σ w_label · ℓ / batch (not / Σ w).
    @Test func classWeightedLossIsDividedByBatchSize() throws {
        // Zero weights: every class 1/3, so ℓ = log 3 for every sample.
        var net = try Network(inputShape: [2], layers: [.dense(3), .softmax], seed: 1)
        for i in net.parameters.indices { net.parameters[i] = 0 }
        let x = Tensor(shape: [4, 2], values: [1, 2, 3, 4, 5, 6, 7, 8])
        let plain = try net.computeGradients(inputs: x, labels: [0, 1, 2, 0])
        #expect(abs(plain.loss - log(3)) < 1e-6)
        let weighted = try net.computeGradients(inputs: x, labels: [0, 1, 2, 0], classWeights: [2, 0.5, 1])
        #expect(abs(weighted.loss - log(3) * (2 + 0.5 + 1 + 2) / 4) < 1e-6)
        // Inference probabilities and evaluate agree with training on a network without dropout/BN.
        let p = try net.predictProbabilities(x)
        #expect(p.shape == [4, 3] && p.values.allSatisfy { abs($0 - 1 / 3) < 1e-6 })
        let eval = try net.evaluate(inputs: x, labels: [0, 1, 2, 0], batchSize: 3)
        #expect(abs(eval.loss - log(3)) < 1e-6 && eval.count == 4)
    }

    /// A small CNN learns separable sequences with Adam; predictions in chunks match one batch.
    @Test func trainingReducesLossOnSeparableData() throws {
        var r = SeededRandom(seed: 7)
        let n = 48, steps = 12
        var values: [Float] = [], labels: [Int] = []
        for i in 0..<n {
            let label = i % 3
            labels.append(label)
            for t in 0..<steps {
                let signal: Float = label == 0 ? 1 : (label == 1 ? -1 : (t < steps / 2 ? 1 : -1))
                values += [signal + Float(r.normal(mean: 0, sd: 0.5)), Float(r.normal(mean: 0, sd: 0.5))]
            }
        }
        let x = Tensor(shape: [n, steps, 2], values: values)
        var net = try Network(inputShape: [steps, 2],
                              layers: [.conv1D(filters: 8, kernelSize: 3, padding: .same, activation: .relu), .batchNormalization(),
                                       .maxPool1D(poolSize: 2), .dropout(0.1), .lstm(6), .dense(3), .softmax],
                              seed: 3)
        var optimizer = Adam(learningRate: 0.01)
        let before = try net.evaluate(inputs: x, labels: labels)
        for _ in 0..<60 {
            try net.computeGradients(inputs: x, labels: labels)
            optimizer.apply(gradients: net.gradients, to: &net.parameters)
        }
        let after = try net.evaluate(inputs: x, labels: labels)
        #expect(after.loss < before.loss * 0.5, "loss \(before.loss) → \(after.loss)")
        #expect(after.accuracy > 0.9)
        let whole = try net.predictProbabilities(x, batchSize: n)
        let chunked = try net.predictProbabilities(x, batchSize: 5)
        #expect(close(whole.values, chunked.values, tolerance: 1e-5))
    }
}

/// Layer loops spread over threads compute every value as one thread does.
struct ParallelismTests {
    @Test func gradientsAndStepsDoNotDependOnTheThreadCount() throws {
        let layers: [LayerSpec] = [.conv1D(filters: 32, kernelSize: 5, padding: .same, name: "c"), .batchNormalization(name: "bn"),
                                   .leakyReLU(), .maxPool1D(poolSize: 2), .dropout(0.25), .flatten, .dense(7, activation: .softmax)]
        var random = SeededRandom(seed: 4, stream: "parallel-test")
        let batch = 40
        let x = Tensor(shape: [batch, 64, 16], values: (0..<(batch * 64 * 16)).map { _ in Float(random.uniform(-2, 2)) })
        let labels = (0..<batch).map { $0 % 7 }
        func run(threads: Int) throws -> ([Float], [Float], [Float]) {
            let saved = Parallelism.threads
            Parallelism.threads = threads
            defer { Parallelism.threads = saved }
            var net = try Network(inputShape: [64, 16], layers: layers, seed: 3)
            try net.computeGradients(inputs: x, labels: labels)
            var adam = Adam(learningRate: 0.01)
            adam.apply(gradients: net.gradients, to: &net.parameters)
            return (net.gradients, net.state, net.parameters)
        }
        let one = try run(threads: 1), two = try run(threads: 2)
        #expect(one.0 == two.0 && one.1 == two.1 && one.2 == two.2)
    }
}
