import Foundation
import Testing
import IntoneLearning
import IntoneSweep
import IntoneTraining

/// Deep networks in sweep specs: Keras's parameter names on the built-in networks, refused before
/// any work with the line and the reason when they cannot be trained.
struct DeepSpecTests {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    @Test func shippedDeepAndMixedSpecsParse() throws {
        let deep = try SweepSpec.load(path: Self.repository.appendingPathComponent("data/sweeps/deep.yaml").path)
        #expect(deep.estimators.allSatisfy { $0.isDeep })
        #expect(deep.configurationCount >= 16)
        #expect(deep.pruning.rule == .asha && deep.pruning.gracePeriod == 2 && deep.pruning.reductionFactor == 3)
        let mixed = try SweepSpec.load(path: Self.repository.appendingPathComponent("data/sweeps/mixed.yaml").path)
        #expect(mixed.workersPerTrial == 2)
        #expect(mixed.estimators.contains { $0.isDeep } && mixed.estimators.contains { !$0.isDeep })
    }

    @Test func parametersSetTheBuiltInNetwork() throws {
        let spec = try SweepSpec.parse("""
        workers_per_trial: 2
        pruning: {scheduler: median, grace_period: 3, min_samples_required: 2}
        estimators:
          cnn-lstm:
            filters: [16, 32]
            units: 48
            dense_units: 40
            conv_activation: elu
            learning_rate: 0.0003
            epochs: 9
            patience: 4
            augmentation: none
        """)
        #expect(spec.workersPerTrial == 2)
        #expect(spec.pruning.rule == .median && spec.pruning.gracePeriod == 3 && spec.pruning.minSamplesRequired == 2)
        let configs = spec.estimators[0].configurations()
        #expect(configs.count == 2)
        let c = try DeepCandidate(network: "cnn-lstm", parameters: configs[1], order: 1)
        var expected = BuiltInModels.config("cnn-lstm")!
        expected.conv.filters = 32
        expected.lstm.units = 48
        expected.dense.units = 40
        expected.conv.activation = .elu
        expected.learningRate = 0.0003
        expected.epochs = 9
        expected.earlyStopping?.patience = 4
        #expect(c.config == expected)
        #expect(!c.augmented)
        // The text a candidate trains with reads back as its config.
        #expect(try ModelConfig.parse(c.configText) == c.config)
    }

    @Test func rungsAreGeometricAndEndAtTheEpochs() {
        var p = PruningSchedule()
        #expect(p.rungs(epochs: 18) == [18])
        p.rule = .asha
        p.gracePeriod = 2
        p.reductionFactor = 3
        #expect(p.rungs(epochs: 18) == [2, 6, 18])
        #expect(p.rungs(epochs: 20) == [2, 6, 18, 20])
        #expect(p.rungs(epochs: 2) == [2])
        #expect(p.rungs(epochs: 1) == [1])
    }

    @Test(arguments: [
        ("estimators:\n  cnn-lstm:\n    filter: [16]\n", 3, "cnn-lstm.filter: unknown parameter for cnn-lstm (known: augmentation,"),
        ("estimators:\n  cnn-lstm:\n    filters: [16, 0]\n", 3, "cnn-lstm.filters: must be in 1...4096 (got 0)"),
        ("estimators:\n  default:\n    dropout: [0.2, 1.5]\n", 3, "default.dropout: must be in"),
        ("estimators:\n  default:\n    optimizer: [adamw]\n", 3, "default.optimizer: must be one of rmsprop, adam, sgd"),
        ("estimators:\n  cnn-lstm:\n    padding: valid\n    kernel_size: [5, 64]\n", 2, "cnn-lstm: cannot be built on 130 frames × 40 coefficients"),
        ("estimators:\n  cnn:\n    augmentation: [some]\n", 3, "cnn.augmentation: must be stored or none"),
        ("workers_per_trial: 0\nestimators:\n  cnn:\n", 1, "workers_per_trial must be an integer from 1 to 64"),
        ("pruning:\n  scheduler: hyperband\nestimators:\n  cnn:\n", 2, "expected one of none, asha, median"),
        ("pruning:\n  reduction_factor: 1\nestimators:\n  cnn:\n", 2, "expected a whole number of at least 2"),
        ("pruning:\n  grace: 1\nestimators:\n  cnn:\n", 2, "unknown key `grace`"),
        ("estimators:\n  cnn_lstm:\n", 2, "unknown estimator 'cnn_lstm'"),
    ])
    func invalidDeepSpecsNameTheLineAndReason(_ text: String, _ line: Int, _ reason: String) {
        do {
            _ = try SweepSpec.parse(text, file: "deep.yaml")
            Issue.record("accepted: \(text)")
        } catch {
            #expect(error.file == "deep.yaml")
            #expect(error.line == line, "\(error)")
            #expect(error.reason.contains(reason), "\(error)")
        }
    }
}
