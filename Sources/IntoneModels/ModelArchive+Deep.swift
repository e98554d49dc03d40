import Foundation
import IntoneFormats
import IntoneNeural

extension ModelArchive {
    /// `model.json` of a deep model.
    struct DeepDescription: Codable {
        var format: Int
        var kind: String
        var network: NetworkDescription
        var classes: [String]
        var features: FeatureSpec
        var normalizer: [String: String]
        var arrays: [String: String]
        /// The training config it was built from, as its YAML text (informational; `network.layers`
        /// say what to build).
        var trainingConfig: String?

        enum CodingKeys: String, CodingKey {
            case format, kind, network, classes, features, normalizer, arrays
            case trainingConfig = "training_config"
        }

        struct NetworkDescription: Codable {
            var input: DeepPredictor.Layout
            var frames: Int
            var inputShape: [Int]
            var layers: [KerasLayerJSON]
            enum CodingKeys: String, CodingKey { case input, frames, layers, inputShape = "input_shape" }
        }
    }

    /// Writes a deep model folder at `path` (replacing any model there): model.json, the
    /// normaliser and one float32 `.npy` per variable in Keras's shape, named `<layer>__<variable>.npy`.
    public static func save(deep model: DeepPredictor, classes: [String], features: FeatureSpec, trainingConfig: String?,
                            to path: String) throws {
        let fm = FileManager.default
        let staging = path + ".partial"
        try? fm.removeItem(atPath: staging)
        try fm.createDirectory(atPath: staging, withIntermediateDirectories: true)
        var files: [String: String] = [:]
        for (name, tensor) in model.network.namedWeights() {
            let file = name.replacingOccurrences(of: "/", with: "__") + ".npy"
            try NPYFile.write(NPYArray(shape: tensor.shape, values: tensor.values), to: staging + "/" + file)
            files[name] = file
        }
        try NPYFile.write(NPYArray(shape: [model.normalizer.mean.count], values: model.normalizer.mean), to: staging + "/normalizer_mean.npy")
        try NPYFile.write(NPYArray(shape: [model.normalizer.std.count], values: model.normalizer.std), to: staging + "/normalizer_std.npy")
        let description = DeepDescription(
            format: 1, kind: "deep",
            network: .init(input: model.layout, frames: model.frames, inputShape: model.network.inputShape, layers: model.layers.map(KerasLayerJSON.init)),
            classes: classes, features: features,
            normalizer: ["mean": "normalizer_mean.npy", "std": "normalizer_std.npy"], arrays: files, trainingConfig: trainingConfig)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        try (encoder.encode(description) + Data("\n".utf8)).write(to: URL(fileURLWithPath: staging + "/model.json"))
        // Never a moment without a whole model folder at `path` (it was removed, then the new one moved in).
        try AtomicFolder.replace(path, with: staging)
    }

    /// Reads a deep model folder's description, network and weights.
    static func loadDeep(path: String, data: Data) throws(ModelError) -> LoadedModel {
        let d: DeepDescription
        do { d = try JSONDecoder().decode(DeepDescription.self, from: data) } catch {
            throw ModelError("\(path)/model.json is unreadable (\(error))")
        }
        guard d.format == 1 else { throw ModelError("\(path): model format \(d.format) is newer than this intone understands (1)") }
        var specs = try d.network.layers.map { l throws(ModelError) in try l.spec() }
        do {
            let mean = try NPYFile.read(path: try inside(path, d.normalizer["mean"] ?? "normalizer_mean.npy")).values
            let std = try NPYFile.read(path: try inside(path, d.normalizer["std"] ?? "normalizer_std.npy")).values
            guard mean.count == std.count, !mean.isEmpty else { throw ModelError("\(path): the normaliser's mean and std differ in length") }
            // The input is built as frames × features and read as the network's input shape.
            let (cells, overflow) = d.network.frames.multipliedReportingOverflow(by: mean.count)
            guard d.network.frames > 0, !overflow, ByteCoding.elementCount(d.network.inputShape, allowingZero: false, limit: 1 << 28) == cells else {
                throw ModelError("\(path): the network's input \(d.network.inputShape) is not \(d.network.frames) frames of \(mean.count) features")
            }
            var weights: [String: Tensor] = [:]
            for (name, file) in d.arrays {
                let array = try NPYFile.read(path: try inside(path, file))
                weights[name] = Tensor(shape: array.shape, values: array.values)
            }
            // A loaded model only predicts: batch normalisation is folded away before the network is
            // built, so no second copy of the weights is ever held.
            if let folded = DeepPredictor.foldBatchNormalization(&weights, layers: specs) { specs = folded }
            var network = try Network(inputShape: d.network.inputShape, layers: specs, seed: 0, initialize: false)
            guard network.outputShape == [d.classes.count] else {
                throw ModelError("\(path): the network gives \(network.outputShape) outputs, model.json names \(d.classes.count) classes")
            }
            try network.loadWeights(weights)
            weights = [:]
            let predictor = DeepPredictor(network: network, layers: specs, normalizer: Normalizer(mean: mean, std: std),
                                          layout: d.network.input, frames: d.network.frames)
            return LoadedModel(predictor: .deep(predictor), classes: d.classes, features: d.features, estimator: "deep")
        } catch let error as ModelError {
            throw error
        } catch let error as NeuralError {
            throw ModelError("\(path): \(error)")
        } catch {
            throw ModelError("\(path): \(error)")
        }
    }

}
