#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import IntoneLearning
import IntoneRandom

/// Keras `LSTM(units, return_sequences)` with Keras's defaults: `activation` tanh,
/// `recurrent_activation` sigmoid, zero initial state, `unit_forget_bias`.
///
/// Per step, with `z = x_t · kernel + h_{t−1} · recurrent_kernel + bias` split into four blocks of
/// `units` in Keras's order i, f, c, o:
/// `i = σ(z_i)`, `f = σ(z_f)`, `g = tanh(z_c)`, `o = σ(z_o)`, `c_t = f·c_{t−1} + i·g`, `h_t = o·tanh(c_t)`.
/// Variables: kernel `[in, 4·units]` (glorot uniform), recurrent_kernel `[units, 4·units]`
/// (orthogonal), bias `[4·units]` (zeros, forget block ones).
///
/// The input products of all steps are one gemm (`[batch·T, in] · [in, 4·units]`); each step adds its
/// recurrent gemm. The backward pass is full backpropagation through time, with the kernel, recurrent
/// kernel and input gradients again as single gemms over all steps.
struct LSTMLayer: NeuralLayer {
    let name: String
    let steps: Int, features: Int, units: Int
    let returnSequences: Bool
    /// Activated gates i, f, g, o per (sample, step): `[batch, T, 4·units]`.
    private var gates: [Float] = []
    /// Cell states `[batch, T, units]`.
    private var cells: [Float] = []
    /// Hidden states `[batch, T, units]`.
    private var hidden: [Float] = []
    /// Backward scratch: pre-activation gate gradients `[batch, T, 4·units]`, the hidden states shifted
    /// one step (`h_{t−1}`, zeros at t = 0), and the carried ∂h, ∂c `[batch, units]`.
    private var gateGradients: [Float] = []
    private var previousHidden: [Float] = []
    private var carryH: [Float] = []
    private var carryC: [Float] = []

    init(name: String, inputShape: [Int], units: Int, returnSequences: Bool) throws(LayerShapeError) {
        guard inputShape.count == 2, inputShape[0] > 0, inputShape[1] > 0 else {
            throw LayerShapeError("LSTM needs [time, features] input, got \(inputShape)")
        }
        guard units > 0 else { throw LayerShapeError("LSTM needs units ≥ 1") }
        self.name = name
        steps = inputShape[0]
        features = inputShape[1]
        self.units = units
        self.returnSequences = returnSequences
    }

    var inputShape: [Int] { [steps, features] }
    var outputShape: [Int] { returnSequences ? [steps, units] : [units] }

    var parameterSpecs: [VariableSpec] {
        [VariableSpec(name: "kernel", shape: [features, 4 * units], initializer: .glorotUniform(fanIn: features, fanOut: 4 * units)),
         VariableSpec(name: "recurrent_kernel", shape: [units, 4 * units], initializer: .orthogonal(rows: units, cols: 4 * units)),
         VariableSpec(name: "bias", shape: [4 * units], initializer: .lstmBias(units: units))]
    }

    mutating func reserve(batch: Int, training: Bool) {
        grow(&gates, to: batch * steps * 4 * units)
        grow(&cells, to: batch * steps * units)
        grow(&hidden, to: batch * steps * units)
        grow(&previousHidden, to: batch * steps * units)
        grow(&carryH, to: batch * units)
        grow(&carryC, to: batch * units)
    }

    mutating func forward(_ input: UnsafeBufferPointer<Float>, into output: UnsafeMutableBufferPointer<Float>,
                          pass: ForwardPass, random: inout SeededRandom) {
        let batch = pass.batch, u = units, g4 = 4 * units, t0 = steps
        let kernel = pass.parameters.baseAddress!
        let recurrent = kernel + features * g4
        let bias = recurrent + u * g4
        gates.withUnsafeMutableBufferPointer { gBuf in
            cells.withUnsafeMutableBufferPointer { cBuf in
                hidden.withUnsafeMutableBufferPointer { hBuf in
                    let z = gBuf.baseAddress!, c = cBuf.baseAddress!, h = hBuf.baseAddress!
                    // All steps' input products at once: z[b, t] = x[b, t] · kernel + bias.
                    BLAS.gemm(m: batch * t0, n: g4, k: features, input.baseAddress!, lda: features, kernel, ldb: g4, z, ldc: g4)
                    for r in 0..<(batch * t0) {
                        let row = z + r * g4
                        for j in 0..<g4 { row[j] += bias[j] }
                    }
                    for t in 0..<t0 {
                        if t > 0 {
                            // z[:, t] += h[:, t−1] · recurrent_kernel (rows strided by the sequence length).
                            BLAS.gemm(m: batch, n: g4, k: u, h + (t - 1) * u, lda: t0 * u, recurrent, ldb: g4,
                                      beta: 1, z + t * g4, ldc: t0 * g4)
                        }
                        for b in 0..<batch {
                            let zr = z + (b * t0 + t) * g4
                            let cr = c + (b * t0 + t) * u, hr = h + (b * t0 + t) * u
                            for k in 0..<u {
                                let i = sigmoid(zr[k]), f = sigmoid(zr[u + k])
                                let gg = tanhf(zr[2 * u + k]), o = sigmoid(zr[3 * u + k])
                                zr[k] = i; zr[u + k] = f; zr[2 * u + k] = gg; zr[3 * u + k] = o
                                let previous: Float = t > 0 ? cr[k - u] : 0
                                let cell = f * previous + i * gg
                                cr[k] = cell
                                hr[k] = o * tanhf(cell)
                            }
                        }
                    }
                    let y = output.baseAddress!
                    if returnSequences {
                        y.update(from: h, count: batch * t0 * u)
                    } else {
                        for b in 0..<batch { (y + b * u).update(from: h + (b * t0 + t0 - 1) * u, count: u) }
                    }
                }
            }
        }
    }

    mutating func backward(_ pass: BackwardPass) {
        // Backward-only scratch, grown here so inference never allocates it.
        grow(&gateGradients, to: pass.batch * steps * 4 * units)
        let batch = pass.batch, u = units, g4 = 4 * units, t0 = steps
        let kernel = pass.parameters.baseAddress!
        let recurrent = kernel + features * g4
        let dKernel = pass.gradients.baseAddress!
        let dRecurrent = dKernel + features * g4
        let dBias = dRecurrent + u * g4
        let dy = pass.outputGradient.baseAddress!
        let returnSequences = returnSequences
        gates.withUnsafeBufferPointer { gBuf in
        cells.withUnsafeBufferPointer { cBuf in
        hidden.withUnsafeBufferPointer { hBuf in
        gateGradients.withUnsafeMutableBufferPointer { dzBuf in
        previousHidden.withUnsafeMutableBufferPointer { hpBuf in
        carryH.withUnsafeMutableBufferPointer { dhBuf in
        carryC.withUnsafeMutableBufferPointer { dcBuf in
            let z = gBuf.baseAddress!, c = cBuf.baseAddress!, h = hBuf.baseAddress!
            let dz = dzBuf.baseAddress!, hp = hpBuf.baseAddress!
            let dhNext = dhBuf.baseAddress!, dcNext = dcBuf.baseAddress!
            dhNext.update(repeating: 0, count: batch * u)
            dcNext.update(repeating: 0, count: batch * u)
            for t in stride(from: t0 - 1, through: 0, by: -1) {
                for b in 0..<batch {
                    let zr = z + (b * t0 + t) * g4, dzr = dz + (b * t0 + t) * g4
                    let cr = c + (b * t0 + t) * u
                    let dyr: UnsafePointer<Float>? = returnSequences ? UnsafePointer(dy + (b * t0 + t) * u)
                        : (t == t0 - 1 ? UnsafePointer(dy + b * u) : nil)
                    let dhr = dhNext + b * u, dcr = dcNext + b * u
                    for k in 0..<u {
                        let i = zr[k], f = zr[u + k], gg = zr[2 * u + k], o = zr[3 * u + k]
                        let dh = (dyr?[k] ?? 0) + dhr[k]
                        let tc = tanhf(cr[k])
                        let dc = dh * o * (1 - tc * tc) + dcr[k]
                        let previous: Float = t > 0 ? cr[k - u] : 0
                        dzr[k] = dc * gg * i * (1 - i)
                        dzr[u + k] = dc * previous * f * (1 - f)
                        dzr[2 * u + k] = dc * i * (1 - gg * gg)
                        dzr[3 * u + k] = dh * tc * o * (1 - o)
                        dcr[k] = dc * f
                    }
                }
                if t > 0 {
                    // ∂h_{t−1} = ∂z_t · recurrent_kernelᵀ.
                    BLAS.gemm(m: batch, n: u, k: g4, dz + t * g4, lda: t0 * g4, recurrent, ldb: g4, transposeB: .transposed,
                              dhNext, ldc: u)
                }
            }
            // h_{t−1} for every (b, t), zeros at t = 0, so ∂recurrent_kernel is one gemm over all steps.
            for b in 0..<batch {
                (hp + b * t0 * u).update(repeating: 0, count: u)
                if t0 > 1 { (hp + (b * t0 + 1) * u).update(from: h + b * t0 * u, count: (t0 - 1) * u) }
            }
            let rows = batch * t0
            BLAS.gemm(m: u, n: g4, k: rows, hp, lda: u, transposeA: .transposed, dz, ldb: g4, beta: 1, dRecurrent, ldc: g4)
            BLAS.gemm(m: features, n: g4, k: rows, pass.input.baseAddress!, lda: features, transposeA: .transposed,
                      dz, ldb: g4, beta: 1, dKernel, ldc: g4)
            for r in 0..<rows {
                let row = dz + r * g4
                for j in 0..<g4 { dBias[j] += row[j] }
            }
            if let dx = pass.inputGradient?.baseAddress {
                BLAS.gemm(m: rows, n: features, k: g4, dz, lda: g4, kernel, ldb: g4, transposeB: .transposed, dx, ldc: features)
            }
        }}}}}}}
    }
}

@inline(__always)
private func sigmoid(_ x: Float) -> Float { 1 / (1 + expf(-x)) }
