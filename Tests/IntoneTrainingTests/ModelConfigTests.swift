import Foundation
import Testing
import IntoneConfig
import IntoneNeural
import IntoneTraining

/// Model configs: the shipped ones parse and build; mistakes are named with their line.
struct ModelConfigTests {
    static let models = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("data/models")

    @Test(arguments: ["cnn.yaml", "cnn-lstm.yaml", "default.yaml"])
    func shippedConfigsParseAndBuild(name: String) throws {
        let config = try ModelConfig.load(path: Self.models.appendingPathComponent(name).path)
        let network = try Network(inputShape: config.inputShape(coefficients: 40), layers: config.layers(classes: 7), seed: 1)
        #expect(network.classCount == 7)
        #expect(network.parameterCount > 1000)
    }

    @Test func theOriginalCNNConvolvesTheFlattenedSequenceAsOneChannel() throws {
        let config = try ModelConfig.load(path: Self.models.appendingPathComponent("cnn.yaml").path)
        #expect(config.inputShape(coefficients: 40) == [5_200, 1])
        let network = try Network(inputShape: [5_200, 1], layers: config.layers(classes: 7), seed: 1)
        // Two blocks of kernel 5, pool 5 ('same'): 5,200 → 1,040 → 208 steps of 128 filters, flattened.
        #expect(network.variable(named: "conv1/kernel")?.shape == [5, 1, 64])
        #expect(network.variable(named: "conv2/kernel")?.shape == [5, 64, 128])
        #expect(network.variable(named: "dense1/kernel")?.shape == [208 * 128, 256])
        #expect(network.variable(named: "dense2/kernel")?.shape == [256, 128])
        #expect(network.variable(named: "output/kernel")?.shape == [128, 7])
        #expect(network.variable(named: "bn1/moving_variance")?.kind == .state)
    }

    @Test func theCNNLSTMRunsAnLSTMOverThePooledFrames() throws {
        let config = try ModelConfig.load(path: Self.models.appendingPathComponent("cnn-lstm.yaml").path)
        #expect(config.inputShape(coefficients: 40) == [130, 40])
        let network = try Network(inputShape: [130, 40], layers: config.layers(classes: 7), seed: 1)
        #expect(network.variable(named: "conv1/kernel")?.shape == [5, 40, 64])
        #expect(network.variable(named: "lstm1/kernel")?.shape == [128, 256])          // 4 gates × 64 units
        #expect(network.variable(named: "lstm1/recurrent_kernel")?.shape == [64, 256])
        #expect(network.variable(named: "dense1/kernel")?.shape == [64, 128])
    }

    @Test func leftOutKeysKeepTheirDefaults() throws {
        let c = try ModelConfig.parse("name: tiny\nepochs: 3\nconv: {layers: 1, filters: 8}\n")
        #expect(c.epochs == 3 && c.conv.layers == 1 && c.conv.filters == 8)
        #expect(c.conv.kernelSize == 5 && c.conv.poolSize == 5 && c.optimizer == .rmsprop && c.batchSize == 32)
        let off = try ModelConfig.parse("reduce_lr: false\nearly_stopping: null\n")
        #expect(off.reduceLR == nil && off.earlyStopping == nil)
    }

    @Test func mistakesAreNamedWithTheirLine() {
        func reason(_ text: String) -> String {
            do { _ = try ModelConfig.parse(text, file: "m.yaml"); return "accepted" } catch { return error.description }
        }
        #expect(reason("epochs: 3\nconv:\n  filtres: 8\n") == "m.yaml:3: unknown key `filtres` (known: layers, filters, kernel_size, pool_size, padding, batch_norm, activation)")
        #expect(reason("optimizer: adagrad\n") == "m.yaml:1: expected one of rmsprop, adam, sgd")
        #expect(reason("dropout: 1.5\n") == "m.yaml:1: expected a number in [0.0, 1.0)")
        #expect(reason("batch_size: 0\n") == "m.yaml:1: expected a whole number of at least 1")
        #expect(reason("conv: {layers: 0}\ndense: {layers: 0}\n").contains("the model has no layers"))
        #expect(reason("epochs: [\n").hasPrefix("m.yaml:"))
    }
}

/// The networks a sweep spec names are the shipped files, and a config's full text reads back as it.
struct BuiltInModelTests {
    @Test(arguments: BuiltInModels.names)
    func embeddedConfigIsTheShippedFile(name: String) throws {
        let file = try String(contentsOf: ModelConfigTests.models.appendingPathComponent(name + ".yaml"), encoding: .utf8)
        #expect(BuiltInModels.text(name) == file)
        #expect(BuiltInModels.config(name) != nil)
    }

    @Test(arguments: BuiltInModels.names)
    func fullTextReadsBack(name: String) throws {
        var config = BuiltInModels.config(name)!
        #expect(try ModelConfig.parse(config.yamlText) == config)
        config.learningRate = 1e-5
        config.reduceLR?.minLR = 3e-7
        config.earlyStopping = nil
        config.dropout = 0.35
        #expect(try ModelConfig.parse(config.yamlText) == config)
    }
}

/// Configs that arrive in task bodies: nesting that would overflow the parser's stack is refused first.
struct HostileConfigTests {
    @Test func deepNestingAndHugeConfigsAreRefusedBeforeParsing() {
        for text in [String(repeating: "[", count: 20_000), "a: " + String(repeating: "{b: ", count: 20_000),
                     String(repeating: "x", count: (1 << 20) + 1)] {
            #expect { _ = try ModelConfig.parse(text) } throws: { error in
                "\(error)".contains("nested more than 64 deep") || "\(error)".contains("larger than 1024 KiB")
            }
        }
        // Sequences opened on one line, and a quote inside a plain scalar that must not hide what follows.
        for text in ["a:\n  " + String(repeating: "- ", count: 20_000) + "x\n", "a: 5\"\nb: " + String(repeating: "[", count: 20_000)] {
            #expect(YAMLErrors.limitProblem(text)?.reason.contains("nested more than 64 deep") == true, "\(text.prefix(20))")
        }
        // Found by fuzzing (Tests/Fuzz/Corpus/model-yaml/sexagesimal-overflow): a YAML 1.1 base-60
        // integer that overflows trapped inside Yams; base-60 forms are not numbers here.
        #expect { _ = try ModelConfig.parse("seed: 44444444:444000973828010\n") } throws: { "\($0)".contains("expected a whole number") }
        #expect { _ = try ModelConfig.parse("epochs: 1:30\n") } throws: { "\($0)".contains("expected a whole number") }
        // Brackets inside quotes and comments are not nesting.
        #expect(YAMLErrors.limitProblem("name: \"" + String(repeating: "[", count: 100) + "\"  # " + String(repeating: "{", count: 100) + "\n") == nil)
    }
}
