import IntoneLearning
import IntoneRandom

/// Keras `Conv1D`: `y[b, t, f] = bias[f] + Σ_j Σ_c x[b, t·stride − padLeft + j, c] · kernel[j, c, f]`,
/// computed as one `cblas_sgemm` on an im2col matrix `[batch·T_out, k·C]` (steps outside the input are
/// zeros). Kernel `[kernelSize, inChannels, filters]`, bias `[filters]`, as Keras stores them.
struct Conv1DLayer: NeuralLayer {
    let name: String
    let steps: Int, channels: Int
    let filters: Int, kernelSize: Int, stride: Int
    let outSteps: Int
    /// Zero steps before the first input step (Keras/TensorFlow: the smaller half of the total).
    let padLeft: Int
    private var columns: [Float] = []
    private var columnGradients: [Float] = []

    init(name: String, inputShape: [Int], filters: Int, kernelSize: Int, stride: Int, padding: Padding) throws(LayerShapeError) {
        guard inputShape.count == 2 else { throw LayerShapeError("Conv1D needs [time, channels] input, got \(inputShape)") }
        guard filters > 0, kernelSize > 0, stride > 0 else {
            throw LayerShapeError("Conv1D needs filters, kernel_size and strides ≥ 1")
        }
        self.name = name
        steps = inputShape[0]
        channels = inputShape[1]
        self.filters = filters
        self.kernelSize = kernelSize
        self.stride = stride
        switch padding {
        case .valid:
            guard steps >= kernelSize else { throw LayerShapeError("Conv1D kernel \(kernelSize) is longer than the \(steps) input steps") }
            outSteps = (steps - kernelSize) / stride + 1
            padLeft = 0
        case .same:
            outSteps = (steps + stride - 1) / stride
            padLeft = max((outSteps - 1) * stride + kernelSize - steps, 0) / 2
        }
        guard outSteps > 0 else { throw LayerShapeError("Conv1D has no output steps for \(steps) input steps") }
    }

    var inputShape: [Int] { [steps, channels] }
    var outputShape: [Int] { [outSteps, filters] }
    private var patch: Int { kernelSize * channels }

    var parameterSpecs: [VariableSpec] {
        [VariableSpec(name: "kernel", shape: [kernelSize, channels, filters],
                      initializer: .glorotUniform(fanIn: kernelSize * channels, fanOut: kernelSize * filters)),
         VariableSpec(name: "bias", shape: [filters], initializer: .zeros)]
    }

    mutating func reserve(batch: Int, training: Bool) {
        if training || channels < 16 {
            grow(&columns, to: batch * outSteps * patch)
        } else {
            // Inference in place needs room only for one sample's padded windows and their products.
            let (first, end) = interiorSteps
            grow(&columns, to: (outSteps - (end - first)) * (patch + filters))
        }
    }

    /// Output steps whose window needs no padding: `first ..< end`.
    var interiorSteps: (Int, Int) {
        let first = min(outSteps, (padLeft + stride - 1) / stride)
        let last = steps - kernelSize + padLeft >= 0 ? (steps - kernelSize + padLeft) / stride + 1 : 0
        return (first, max(first, min(outSteps, last)))
    }

    mutating func forward(_ input: UnsafeBufferPointer<Float>, into output: UnsafeMutableBufferPointer<Float>,
                          pass: ForwardPass, random: inout SeededRandom) {
        let rows = pass.batch * outSteps, filters = filters, patch = patch
        let kernel = pass.parameters.baseAddress!
        let bias = kernel + patch * filters
        let y = output.baseAddress!
        let windows = windows
        if pass.training || channels < 16 {
            columns.withUnsafeMutableBufferPointer { cols in
                windows.im2col(input.baseAddress!, cols.baseAddress!, batch: pass.batch)
                BLAS.gemm(m: rows, n: filters, k: patch, cols.baseAddress!, lda: patch, kernel, ldb: filters, y, ldc: filters)
            }
        } else {
            // Inference with many channels: the convolution as a sum over kernel offsets j of
            // (input shifted by j steps) · kernel[j], each product reading the input in place
            // (row stride `stride · channels`); only output steps whose window reaches into the
            // padding go through copied windows.
            let (first, end) = interiorSteps
            let x = input.baseAddress!
            columns.withUnsafeMutableBufferPointer { cols in
                for b in 0..<pass.batch {
                    let sample = x + b * steps * channels, out = y + b * outSteps * filters
                    if end > first {
                        for j in 0..<kernelSize {
                            BLAS.gemm(m: end - first, n: filters, k: channels, sample + ((first * stride - padLeft + j) * channels), lda: stride * channels,
                                      kernel + j * channels * filters, ldb: filters, beta: j == 0 ? 0 : 1, out + first * filters, ldc: filters)
                        }
                    }
                    let edges = Array(0..<first) + Array(end..<outSteps)
                    if edges.isEmpty { continue }
                    let scratch = cols.baseAddress!, products = scratch + edges.count * patch
                    for (i, t) in edges.enumerated() { windows.window(sample, step: t, into: scratch + i * patch) }
                    BLAS.gemm(m: edges.count, n: filters, k: patch, scratch, lda: patch, kernel, ldb: filters, products, ldc: filters)
                    for (i, t) in edges.enumerated() { (out + t * filters).update(from: products + i * filters, count: filters) }
                }
            }
        }
        for r in 0..<rows {
            let row = y + r * filters
            for f in 0..<filters { row[f] += bias[f] }
        }
    }

    mutating func backward(_ pass: BackwardPass) {
        // Backward-only scratch, grown here so inference never allocates it.
        grow(&columnGradients, to: pass.batch * outSteps * patch)
        let rows = pass.batch * outSteps, filters = filters, patch = patch
        let kernel = pass.parameters.baseAddress!
        let dKernel = pass.gradients.baseAddress!
        let dBias = dKernel + patch * filters
        let dy = pass.outputGradient.baseAddress!
        columns.withUnsafeBufferPointer { cols in
            // dKernel += colsᵀ · dY
            BLAS.gemm(m: patch, n: filters, k: rows, cols.baseAddress!, lda: patch, transposeA: .transposed,
                      dy, ldb: filters, beta: 1, dKernel, ldc: filters)
        }
        for r in 0..<rows {
            let row = dy + r * filters
            for f in 0..<filters { dBias[f] += row[f] }
        }
        guard let dx = pass.inputGradient else { return }
        let windows = windows
        columnGradients.withUnsafeMutableBufferPointer { dCols in
            // dCols = dY · kernelᵀ, then scattered back onto the input steps.
            BLAS.gemm(m: rows, n: patch, k: filters, dy, lda: filters, kernel, ldb: filters, transposeB: .transposed,
                      dCols.baseAddress!, ldc: patch)
            windows.col2im(dCols.baseAddress!, dx.baseAddress!, batch: pass.batch)
        }
    }

    /// The layer's sliding windows, for the im2col copies.
    private var windows: Windows {
        Windows(steps: steps, channels: channels, kernelSize: kernelSize, stride: stride, outSteps: outSteps, padLeft: padLeft)
    }
}

/// The geometry of Conv1D's windows over the input steps.
private struct Windows {
    let steps: Int, channels: Int, kernelSize: Int, stride: Int, outSteps: Int, padLeft: Int
    var patch: Int { kernelSize * channels }

    /// Copies the window of output step `t` of one sample (`patch` values, zeros where it reaches
    /// past either end) to `row`.
    func window(_ sample: UnsafePointer<Float>, step t: Int, into row: UnsafeMutablePointer<Float>) {
        let start = t * stride - padLeft
        if start >= 0 && start + kernelSize <= steps {
            row.update(from: sample + start * channels, count: patch)   // one run: steps are contiguous
            return
        }
        for j in 0..<kernelSize {
            let src = start + j
            let dst = row + j * channels
            if src >= 0 && src < steps {
                dst.update(from: sample + src * channels, count: channels)
            } else {
                dst.update(repeating: 0, count: channels)
            }
        }
    }

    /// Row `(b, t)` of `cols` is the window of input steps `t·stride − padLeft ..< + k`, channels inner.
    func im2col(_ x: UnsafePointer<Float>, _ cols: UnsafeMutablePointer<Float>, batch: Int) {
        for b in 0..<batch {
            let sample = x + b * steps * channels
            for t in 0..<outSteps { window(sample, step: t, into: cols + (b * outSteps + t) * patch) }
        }
    }

    /// The adjoint of `im2col`: sums each window's gradient back onto the steps it was read from.
    func col2im(_ cols: UnsafePointer<Float>, _ dx: UnsafeMutablePointer<Float>, batch: Int) {
        dx.update(repeating: 0, count: batch * steps * channels)
        for b in 0..<batch {
            let sample = dx + b * steps * channels
            for t in 0..<outSteps {
                let row = cols + (b * outSteps + t) * patch
                let start = t * stride - padLeft
                for j in 0..<kernelSize {
                    let src = start + j
                    guard src >= 0 && src < steps else { continue }
                    let d = sample + src * channels, g = row + j * channels
                    for c in 0..<channels { d[c] += g[c] }
                }
            }
        }
    }
}
