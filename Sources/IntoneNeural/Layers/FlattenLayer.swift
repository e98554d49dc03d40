import IntoneRandom

/// Keras `Flatten`: a sample's values unchanged, seen as one axis (row-major, so `[T, C]` becomes
/// `[T·C]` with channels fastest, as Keras's channels-last reshape).
struct FlattenLayer: NeuralLayer {
    let name: String
    let inputShape: [Int]

    var outputShape: [Int] { [inputShape.reduce(1, *)] }

    mutating func forward(_ input: UnsafeBufferPointer<Float>, into output: UnsafeMutableBufferPointer<Float>,
                          pass: ForwardPass, random: inout SeededRandom) {
        _ = output.update(fromContentsOf: input)
    }

    mutating func backward(_ pass: BackwardPass) {
        _ = pass.inputGradient?.update(fromContentsOf: pass.outputGradient)
    }
}
