import Foundation
import Testing
import IntoneFormats
import IntoneTestSupport
@testable import IntoneNeural

/// The three models of `Tests/Fixtures/keras-parity` (written by `scripts/reference/keras_parity.py`
/// with Keras 3.15.1 on TensorFlow 2.21.0): the same weights loaded here must give Keras's
/// probabilities (inference and training mode), loss, gradients (plain and class-weighted, parameters
/// and input), batch-norm moving statistics after a step, and parameters after 1 and 3 steps of
/// RMSprop, Adam and SGD with momentum.
struct KerasParityTests {
    struct Model: Sendable, CustomTestStringConvertible {
        let name: String
        let inputShape: [Int]
        let specs: [LayerSpec]
        var testDescription: String { name }
    }

    static let models: [Model] = [
        Model(name: "conv_lstm", inputShape: [20, 6], specs: [
            .conv1D(filters: 8, kernelSize: 5, padding: .same, name: "conv1"), .batchNormalization(name: "bn1"), .elu(),
            .maxPool1D(poolSize: 2), .conv1D(filters: 8, kernelSize: 3, name: "conv2"), .leakyReLU(),
            .lstm(6, returnSequences: true, name: "lstm1"), .lstm(5, name: "lstm2"), .dense(7, activation: .softmax, name: "dense1"),
        ]),
        Model(name: "conv_dense", inputShape: [30, 3], specs: [
            .conv1D(filters: 4, kernelSize: 5, strides: 2, padding: .same, name: "conv1"), .relu, .maxPool1D(poolSize: 5), .flatten,
            .dense(8, activation: .elu(), name: "dense1"), .dense(7, activation: .softmax, name: "dense2"),
        ]),
        Model(name: "original_cnn", inputShape: [200, 1], specs: [
            .conv1D(filters: 4, kernelSize: 5, padding: .same, name: "conv1"), .batchNormalization(name: "bn1"), .leakyReLU(),
            .maxPool1D(poolSize: 5), .conv1D(filters: 8, kernelSize: 5, padding: .same, name: "conv2"), .batchNormalization(name: "bn2"),
            .leakyReLU(), .maxPool1D(poolSize: 5), .flatten, .dense(16, activation: .elu(), name: "dense1"),
            .dense(7, activation: .softmax, name: "dense2"),
        ]),
    ]

    static let classWeights: [Float] = [1.0, 2.0, 0.5, 1.5, 1.0, 3.0, 0.75]

    /// A fixture model: its folder, manifest and the network with Keras's initial weights.
    struct Fixture {
        let folder: String
        let manifest: [String: Any]
        var network: Network
        let input: Tensor
        let labels: [Int]

        init(_ model: Model) throws {
            folder = Fixtures.root.appendingPathComponent("keras-parity/\(model.name)").path
            let data = try Data(contentsOf: URL(fileURLWithPath: folder + "/manifest.json"))
            manifest = try JSONSerialization.jsonObject(with: data) as! [String: Any]
            network = try Network(inputShape: model.inputShape, layers: model.specs, seed: 0)
            var weights: [String: Tensor] = [:]
            for v in network.variables { weights[v.name] = try Self.read(folder, v.name.replacingOccurrences(of: "/", with: "__")) }
            try network.loadWeights(weights)
            input = try Self.read(folder, "input")
            labels = try #require(try NPYTypedArray.read(path: folder + "/labels.npy").exactInt32s).map(Int.init)
        }

        static func read(_ folder: String, _ name: String) throws -> Tensor {
            let a = try NPYFile.read(path: "\(folder)/\(name).npy")
            return Tensor(shape: a.shape, values: a.values)
        }

        func reference(_ name: String) throws -> Tensor { try Self.read(folder, name) }

        var zeroGradientKeys: Set<String> {
            let z = manifest["zero_gradient_by_construction"] as? [String: Any]
            return Set((z?["keys"] as? [String] ?? []).map { $0.replacingOccurrences(of: "__", with: "/") })
        }

        var loss: [String: Any] { manifest["loss"] as! [String: Any] }
    }

    /// max |a − b| / max(1, max |b|): absolute for small values, relative for large ones.
    static func difference(_ a: [Float], _ b: Tensor) -> Double {
        precondition(a.count == b.values.count)
        let scale = max(1, b.values.map { Double(abs($0)) }.max() ?? 0)
        return zip(a, b.values).map { Double(abs($0 - $1)) }.max().map { $0 / scale } ?? 0
    }

    @Test(arguments: models)
    func forwardPassesMatchKeras(_ model: Model) throws {
        var f = try Fixture(model)
        let inference = try f.network.predictProbabilities(f.input)
        let di = Self.difference(inference.values, try f.reference("probs_inference"))
        #expect(di < 2e-6, "\(model.name) inference probabilities differ by \(di)")
        f.input.values.withUnsafeBufferPointer { f.network.forward($0, batch: f.labels.count, training: true) }
        let o = f.network.offsets(batch: f.labels.count)
        let training = Array(f.network.activations[o[o.count - 2]..<o[o.count - 1]])
        let dt = Self.difference(training, try f.reference("probs_training"))
        #expect(dt < 2e-6, "\(model.name) training probabilities differ by \(dt)")
        print("parity \(model.name): probabilities inference \(di), training \(dt)")
    }

    @Test(arguments: models)
    func lossAndGradientsMatchKeras(_ model: Model) throws {
        for weighted in [false, true] {
            var f = try Fixture(model)
            let result = f.network.trainStep(f.input.values, targets: .labels(f.labels), classWeights: weighted ? Self.classWeights : nil,
                                             batch: f.labels.count, inputGradient: true)
            let kerasLoss = f.loss[weighted ? "training_class_weighted" : "training"] as! Double
            #expect(abs(result.loss - kerasLoss) < 2e-6 * kerasLoss, "\(model.name) loss \(result.loss) vs Keras \(kerasLoss)")
            let prefix = weighted ? "gradw__" : "grad__"
            var worst = 0.0
            for v in f.network.variables where v.kind == .trainable {
                let reference = try f.reference(prefix + v.name.replacingOccurrences(of: "/", with: "__"))
                let d = Self.difference(Array(f.network.gradients[v.range]), reference)
                // Biases feeding BatchNormalization have an exact gradient of 0; Keras stores rounding noise.
                #expect(d < (f.zeroGradientKeys.contains(v.name) ? 1e-6 : 1e-5), "\(model.name) \(prefix)\(v.name) differs by \(d)")
                worst = max(worst, d)
            }
            let dx = Self.difference(Array(f.network.deltas[0..<f.input.count]), try f.reference(prefix + "input"))
            #expect(dx < 1e-5, "\(model.name) \(prefix)input differs by \(dx)")
            print("parity \(model.name) weighted=\(weighted): loss \(result.loss - kerasLoss), gradients \(worst), input \(dx)")
        }
    }

    @Test(arguments: models)
    func batchNormalizationStatisticsAndOptimizerStepsMatchKeras(_ model: Model) throws {
        var f = try Fixture(model)
        try f.network.computeGradients(inputs: f.input, labels: f.labels)
        for v in f.network.variables where v.kind == .state {
            let key = "after_train_step__" + v.name.replacingOccurrences(of: "/", with: "__")
            let d = Self.difference(Array(f.network.state[v.range]), try f.reference(key))
            #expect(d < 1e-6, "\(model.name) \(key) differs by \(d)")
        }
        let optimizers: [(String, any Optimizer)] = [
            ("rmsprop", RMSprop(learningRate: 0.01)), ("adam", Adam(learningRate: 0.01)), ("sgd", SGD(learningRate: 0.1, momentum: 0.9)),
        ]
        for (name, start) in optimizers {
            var g = try Fixture(model)
            var optimizer = start
            var worst = 0.0
            // Adam's first step is lr·g / (|g| + 3e-6): for a gradient component near 0 (a cancelling
            // sum, or a bias feeding BatchNormalization) it follows float32 rounding, not the maths.
            // Such components (|g| < 1e-6 in any step so far) are left out for the adaptive optimizers.
            var noisy = [Bool](repeating: false, count: g.network.parameterCount)
            for step in 1...3 {
                try g.network.computeGradients(inputs: g.input, labels: g.labels)
                for i in noisy.indices where abs(g.network.gradients[i]) < 1e-6 { noisy[i] = name != "sgd" }
                optimizer.apply(gradients: g.network.gradients, to: &g.network.parameters)
                guard step == 1 || step == 3 else { continue }
                for v in g.network.variables {
                    if name != "sgd" && g.zeroGradientKeys.contains(v.name) { continue }
                    // Those biases shift the batch mean, so the moving means follow the same noise (×0.01).
                    if name != "sgd" && !g.zeroGradientKeys.isEmpty && v.name.hasSuffix("/moving_mean") { continue }
                    let key = "step\(step)__\(name)__" + v.name.replacingOccurrences(of: "/", with: "__")
                    var values = v.kind == .trainable ? Array(g.network.parameters[v.range]) : Array(g.network.state[v.range])
                    var reference = try g.reference(key)
                    if v.kind == .trainable {
                        let keep = v.range.map { !noisy[$0] }
                        values = zip(values, keep).filter(\.1).map(\.0)
                        reference = Tensor(shape: [values.count], values: zip(reference.values, keep).filter(\.1).map(\.0))
                    }
                    let d = Self.difference(values, reference)
                    #expect(d < 2e-5, "\(model.name) \(key) differs by \(d)")
                    worst = max(worst, d)
                }
            }
            print("parity \(model.name) \(name): worst \(worst)")
        }
    }
}
