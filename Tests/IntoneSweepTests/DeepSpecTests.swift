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

/// Parameters drawn from distributions (random search), as scikit-learn's ParameterSampler draws them.
struct DistributionSpecTests {
    static let text = """
        seed: 3
        search: random
        n_samples: 12
        estimators:
          sgd:
            alpha: {loguniform: [0.00001, 0.1]}
            loss: [hinge, log_loss]
          default:
            learning_rate: {loguniform: [0.0001, 0.01]}
            dropout: {uniform: [0.1, 0.5]}
            filters: {randint: [8, 33]}
        """

    @Test func drawsAreSeededInRangeAndOfTheRightType() throws {
        let spec = try SweepSpec.parse(Self.text)
        #expect(spec.hasDistributions && spec.configurationCount == 12)
        #expect(spec.estimators[1].distributions["filters"] == .randomInteger(low: 8, high: 33))
        let again = try SweepSpec.parse(Self.text)
        #expect(spec == again)
        let other = try SweepSpec.parse(Self.text.replacingOccurrences(of: "seed: 3", with: "seed: 4"))
        let draws = spec.sampledConfigurations(200)
        #expect(draws.map(\.parameters) == again.sampledConfigurations(200).map(\.parameters))
        #expect(draws.map(\.parameters) != other.sampledConfigurations(200).map(\.parameters))
        #expect(Set(draws.map(\.grid)) == [0, 1])
        for d in draws {
            if d.grid == 0 {
                guard case .double(let a)? = d.parameters["alpha"] else { Issue.record("alpha: \(d.parameters)"); continue }
                #expect(a >= 0.00001 && a < 0.1)
                #expect(d.parameters["loss"] == .string("hinge") || d.parameters["loss"] == .string("log_loss"))
            } else {
                guard case .int(let f)? = d.parameters["filters"], case .double(let p)? = d.parameters["dropout"],
                      case .double(let lr)? = d.parameters["learning_rate"] else { Issue.record("\(d.parameters)"); continue }
                #expect(f >= 8 && f <= 32 && p >= 0.1 && p < 0.5 && lr >= 0.0001 && lr < 0.01)
            }
        }
        // Log-uniform: about as many draws in each decade.
        let alphas = draws.compactMap { d -> Double? in if case .double(let a)? = d.parameters["alpha"] { return a } else { return nil } }
        let lowDecades = alphas.filter { $0 < 0.001 }.count
        #expect(lowDecades > alphas.count / 4 && lowDecades < alphas.count * 3 / 4)
    }

    @Test(arguments: [
        ("estimators:\n  sgd:\n    alpha: {loguniform: [0.001, 0.1]}\n", 3, "sgd.alpha: a distribution needs search: random"),
        ("search: random\nn_samples: 2\nestimators:\n  sgd:\n    alpha: {loguniform: [0, 0.1]}\n", 5, "loguniform takes [low, high] with low < high and low > 0"),
        ("search: random\nn_samples: 2\nestimators:\n  default:\n    filters: {randint: [8, 8]}\n", 5, "randint takes [low, high]"),
        ("search: random\nn_samples: 2\nestimators:\n  default:\n    dropout: {uniform: [0.5, 1.5]}\n", 5, "default.dropout: must be in"),
    ])
    func invalidDistributionsNameTheLineAndReason(_ text: String, _ line: Int, _ reason: String) {
        do {
            _ = try SweepSpec.parse(text, file: "d.yaml")
            Issue.record("accepted: \(text)")
        } catch {
            #expect(error.line == line, "\(error)")
            #expect(error.reason.contains(reason), "\(error)")
        }
    }
}
