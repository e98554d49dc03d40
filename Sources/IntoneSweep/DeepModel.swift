import Foundation
import IntoneFeatures
import IntoneFormats
import IntoneNeural

/// Per-coefficient standardisation of MFCC frames, measured on a training split and stored with a
/// deep model (`normalizer_mean.npy`, `normalizer_std.npy`).
public struct Normalizer: Sendable, Equatable, Codable {
    public let mean: [Float]
    public let std: [Float]

    public init(mean: [Float], std: [Float]) {
        self.mean = mean
        self.std = std
    }

    /// Writes `m` (coefficients × frames) time-major (frame 0's coefficients, then frame 1's…), cut
    /// or zero-padded to `frames` frames and standardised, at `values[offset...]`. Both input
    /// layouts use this order (`flat` is the same values as one channel).
    public func write(_ m: FeatureMatrix, frames: Int, into values: inout [Float], at offset: Int) {
        let c = mean.count
        for t in 0..<min(frames, m.frames) {
            for r in 0..<min(c, m.rows) {
                values[offset + t * c + r] = (m[r, t] - mean[r]) / std[r]
            }
        }
    }
}

/// A trained network with what it needs to turn MFCC matrices into its input.
public struct DeepPredictor: Sendable {
    /// How a clip's MFCC matrix becomes the input: `frames` ([frames, coefficients]) or `flat`
    /// ([frames · coefficients, 1], the sequence as one long one-channel signal).
    public enum Layout: String, Codable, Sendable, CaseIterable {
        case frames, flat
    }

    public let network: Network
    public let layers: [LayerSpec]
    public let normalizer: Normalizer
    public let layout: Layout
    /// Frames per clip (cut or zero-padded).
    public let frames: Int

    public init(network: Network, layers: [LayerSpec], normalizer: Normalizer, layout: Layout, frames: Int) {
        self.network = network
        self.layers = layers
        self.normalizer = normalizer
        self.layout = layout
        self.frames = frames
    }

    /// The same predictor for inference only: each batch normalisation that directly follows a named
    /// Conv1D or Dense (without an activation of its own) folded into that layer's kernel and bias —
    /// in inference mode it is a per-channel affine map, `γ (x − μ) / √(σ² + ε) + β` — so scoring
    /// skips a pass over the largest activations. Equal to this one up to float rounding; nil when
    /// there is nothing to fold. (A folded predictor has no batch-norm layers: do not train it.)
    public func foldedForInference() -> DeepPredictor? {
        var weights = network.namedWeights()
        guard let specs = Self.foldBatchNormalization(&weights, layers: layers), var net = try? Network(inputShape: network.inputShape, layers: specs, seed: 0, initialize: false),
              (try? net.loadWeights(weights)) != nil else { return nil }
        return DeepPredictor(network: net, layers: specs, normalizer: normalizer, layout: layout, frames: frames)
    }

    /// Folds the batch normalisations of `layers` into `weights` (Keras names); returns the layers
    /// without them, or nil when there is nothing to fold or a weight is missing.
    static func foldBatchNormalization(_ weights: inout [String: Tensor], layers: [LayerSpec]) -> [LayerSpec]? {
        var kept: [LayerSpec] = []
        var folded = 0
        for spec in layers {
            guard case .batchNormalization(_, let epsilon) = spec.kind, let bn = spec.name, let previous = kept.last, let target = previous.name,
                  previous.activation == nil else {
                kept.append(spec)
                continue
            }
            switch previous.kind {
            case .conv1D, .dense: break
            default: kept.append(spec); continue
            }
            guard let kernel = weights[target + "/kernel"], let bias = weights[target + "/bias"], let gamma = weights[bn + "/gamma"],
                  let beta = weights[bn + "/beta"], let mean = weights[bn + "/moving_mean"], let variance = weights[bn + "/moving_variance"],
                  let f = kernel.shape.last, bias.values.count == f, gamma.values.count == f else { return nil }
            let scale = (0..<f).map { Double(gamma.values[$0]) / (Double(variance.values[$0]) + Double(epsilon)).squareRoot() }
            var k = kernel.values
            for i in k.indices { k[i] = Float(Double(k[i]) * scale[i % f]) }
            let b = (0..<f).map { Float((Double(bias.values[$0]) - Double(mean.values[$0])) * scale[$0] + Double(beta.values[$0])) }
            weights[target + "/kernel"] = Tensor(shape: kernel.shape, values: k)
            weights[target + "/bias"] = Tensor(shape: bias.shape, values: b)
            for v in ["gamma", "beta", "moving_mean", "moving_variance"] { weights[bn + "/" + v] = nil }
            folded += 1
        }
        return folded > 0 ? kept : nil
    }

    /// The network input for `matrices`, `[count] + inputShape`.
    public func inputs(_ matrices: [FeatureMatrix]) -> Tensor {
        let size = frames * normalizer.mean.count
        var values = [Float](repeating: 0, count: matrices.count * size)
        for (i, m) in matrices.enumerated() { normalizer.write(m, frames: frames, into: &values, at: i * size) }
        return Tensor(shape: [matrices.count] + network.inputShape, values: values)
    }

    /// Class probabilities (inference mode), one row per matrix, 32 at a time.
    public func probabilities(_ matrices: [FeatureMatrix]) -> [[Double]] {
        // A network's scratch memory grows to its largest batch and is kept: each thread borrows a
        // copy from the pool instead of allocating a fresh one per call.
        var net = spare.take() ?? network
        defer { spare.give(net) }
        guard let p = try? net.predictProbabilities(inputs(matrices), batchSize: 32) else { return [] }
        let k = net.classCount
        return (0..<matrices.count).map { i in (0..<k).map { Double(p.values[i * k + $0]) } }
    }

    private let spare = NetworkPool()
}

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
        try? fm.removeItem(atPath: path)
        try fm.moveItem(atPath: staging, toPath: path)
    }

    /// Reads a deep model folder's description, network and weights.
    static func loadDeep(path: String, data: Data) throws(SweepError) -> LoadedModel {
        let d: DeepDescription
        do { d = try JSONDecoder().decode(DeepDescription.self, from: data) } catch {
            throw SweepError("\(path)/model.json is unreadable (\(error))")
        }
        guard d.format == 1 else { throw SweepError("\(path): model format \(d.format) is newer than this intone understands (1)") }
        var specs = try d.network.layers.map { l throws(SweepError) in try l.spec() }
        do {
            var weights: [String: Tensor] = [:]
            for (name, file) in d.arrays {
                let array = try NPYFile.read(path: path + "/" + file)
                weights[name] = Tensor(shape: array.shape, values: array.values)
            }
            // A loaded model only predicts: batch normalisation is folded away before the network is
            // built, so no second copy of the weights is ever held.
            if let folded = DeepPredictor.foldBatchNormalization(&weights, layers: specs) { specs = folded }
            var network = try Network(inputShape: d.network.inputShape, layers: specs, seed: 0, initialize: false)
            try network.loadWeights(weights)
            weights = [:]
            let mean = try NPYFile.read(path: path + "/" + (d.normalizer["mean"] ?? "normalizer_mean.npy")).values
            let std = try NPYFile.read(path: path + "/" + (d.normalizer["std"] ?? "normalizer_std.npy")).values
            guard mean.count == std.count, !mean.isEmpty else { throw SweepError("\(path): the normaliser's mean and std differ in length") }
            let predictor = DeepPredictor(network: network, layers: specs, normalizer: Normalizer(mean: mean, std: std),
                                          layout: d.network.input, frames: d.network.frames)
            return LoadedModel(predictor: .deep(predictor), classes: d.classes, features: d.features, estimator: "deep")
        } catch let error as SweepError {
            throw error
        } catch let error as NeuralError {
            throw SweepError("\(path): \(error)")
        } catch {
            throw SweepError("\(path): \(error)")
        }
    }
}

