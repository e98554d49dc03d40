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
                  let f = kernel.shape.last, f > 0, kernel.values.count % f == 0,
                  [bias, gamma, beta, mean, variance].allSatisfy({ $0.values.count == f }) else { return nil }
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
