import IntoneLearning
import IntoneRandom

/// Keras `Dense(units)` on the last axis: `y = x · kernel + bias`, kernel `[in, units]` (glorot
/// uniform), bias `[units]` (zeros). Leading axes (time, for a `[T, F]` input) are rows like the batch.
struct DenseLayer: NeuralLayer {
    let name: String
    let leading: [Int]
    let inFeatures: Int, units: Int

    init(name: String, inputShape: [Int], units: Int) throws(LayerShapeError) {
        guard let f = inputShape.last, f > 0 else { throw LayerShapeError("Dense needs a feature axis, got \(inputShape)") }
        guard units > 0 else { throw LayerShapeError("Dense needs units ≥ 1") }
        self.name = name
        leading = Array(inputShape.dropLast())
        inFeatures = f
        self.units = units
    }

    var inputShape: [Int] { leading + [inFeatures] }
    var outputShape: [Int] { leading + [units] }

    var parameterSpecs: [VariableSpec] {
        [VariableSpec(name: "kernel", shape: [inFeatures, units], initializer: .glorotUniform(fanIn: inFeatures, fanOut: units)),
         VariableSpec(name: "bias", shape: [units], initializer: .zeros)]
    }

    mutating func forward(_ input: UnsafeBufferPointer<Float>, into output: UnsafeMutableBufferPointer<Float>,
                          pass: ForwardPass, random: inout SeededRandom) {
        let rows = pass.batch * leading.reduce(1, *)
        let kernel = pass.parameters.baseAddress!, bias = kernel + inFeatures * units
        let y = output.baseAddress!
        BLAS.gemm(m: rows, n: units, k: inFeatures, input.baseAddress!, lda: inFeatures, kernel, ldb: units, y, ldc: units)
        for r in 0..<rows {
            let row = y + r * units
            for u in 0..<units { row[u] += bias[u] }
        }
    }

    mutating func backward(_ pass: BackwardPass) {
        let rows = pass.batch * leading.reduce(1, *)
        let kernel = pass.parameters.baseAddress!
        let dKernel = pass.gradients.baseAddress!, dBias = dKernel + inFeatures * units
        let dy = pass.outputGradient.baseAddress!
        BLAS.gemm(m: inFeatures, n: units, k: rows, pass.input.baseAddress!, lda: inFeatures, transposeA: .transposed,
                  dy, ldb: units, beta: 1, dKernel, ldc: units)
        for r in 0..<rows {
            let row = dy + r * units
            for u in 0..<units { dBias[u] += row[u] }
        }
        guard let dx = pass.inputGradient?.baseAddress else { return }
        BLAS.gemm(m: rows, n: inFeatures, k: units, dy, lda: units, kernel, ldb: units, transposeB: .transposed, dx, ldc: inFeatures)
    }
}
