import Testing
import IntoneFeatures
import IntoneNeural
import IntoneRandom
@testable import IntoneModels

/// A loaded deep model folds batch normalisation into the layer before it; predictions stay the same.
struct DeepPredictorTests {
    @Test func foldingBatchNormalizationKeepsThePredictions() throws {
        let layers: [LayerSpec] = [
            .conv1D(filters: 24, kernelSize: 5, padding: .same, name: "conv1"), .batchNormalization(name: "bn1"), .elu(), .maxPool1D(poolSize: 2),
            .conv1D(filters: 16, kernelSize: 3, padding: .valid, name: "conv2"), .batchNormalization(name: "bn2"), .leakyReLU(),
            .flatten, .dense(12, name: "dense1"), .batchNormalization(name: "bn3"), .relu, .dense(7, activation: .softmax, name: "output"),
        ]
        var network = try Network(inputShape: [20, 6], layers: layers, seed: 2)
        // Batch-norm parameters and statistics far from their defaults, so a wrong fold would show.
        var random = SeededRandom(seed: 5, stream: "fold-test")
        for v in network.variables where v.name.hasPrefix("bn") {
            for i in v.range {
                let value = Float(random.uniform(0.5, 2))
                if v.kind == .trainable { network.parameters[i] = v.name.hasSuffix("beta") ? value - 1.25 : value }
                else { network.state[i] = v.name.hasSuffix("moving_mean") ? value - 1.25 : value }
            }
        }
        let predictor = DeepPredictor(network: network, layers: layers, normalizer: Normalizer(mean: [Float](repeating: 0.1, count: 6), std: [Float](repeating: 2, count: 6)),
                                      layout: .frames, frames: 20)
        let folded = try #require(predictor.foldedForInference())
        #expect(folded.network.variables.allSatisfy { !$0.name.hasPrefix("bn") })
        #expect(folded.layers.count == layers.count - 3)
        let matrices = (0..<5).map { _ in FeatureMatrix(rows: 6, frames: 20, values: (0..<120).map { _ in Float(random.uniform(-3, 3)) }) }
        let a = predictor.probabilities(matrices), b = folded.probabilities(matrices)
        #expect(a.count == 5 && b.count == 5)
        for (x, y) in zip(a, b) { #expect(zip(x, y).allSatisfy { abs($0 - $1) < 1e-5 }, "\(x) vs \(y)") }
    }
}
