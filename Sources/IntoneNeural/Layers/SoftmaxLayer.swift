#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import IntoneRandom

/// Keras `Softmax` over the last axis, `y = exp(x − max x) / Σ exp(x − max x)`.
///
/// As the network's last layer its backward pass is never called: the network starts backpropagation
/// at the softmax's input with the combined softmax + cross-entropy gradient (`CrossEntropy`). The
/// general Jacobian product `dx = y ⊙ (dy − Σ dy·y)` is here for completeness.
struct SoftmaxLayer: NeuralLayer {
    let name: String
    let shape: [Int]

    var inputShape: [Int] { shape }
    var outputShape: [Int] { shape }
    var classes: Int { shape.last ?? 1 }

    mutating func forward(_ input: UnsafeBufferPointer<Float>, into output: UnsafeMutableBufferPointer<Float>,
                          pass: ForwardPass, random: inout SeededRandom) {
        Self.softmax(input.baseAddress!, output.baseAddress!, rows: input.count / classes, classes: classes)
    }

    mutating func backward(_ pass: BackwardPass) {
        guard let dx = pass.inputGradient else { return }
        let y = pass.output, dy = pass.outputGradient
        for r in 0..<(dx.count / classes) {
            let o = r * classes
            var dot: Float = 0
            for k in 0..<classes { dot += dy[o + k] * y[o + k] }
            for k in 0..<classes { dx[o + k] = y[o + k] * (dy[o + k] - dot) }
        }
    }

    /// Row-wise softmax of `rows × classes` values.
    static func softmax(_ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, rows: Int, classes: Int) {
        for r in 0..<rows {
            let zx = x + r * classes, zy = y + r * classes
            var top = zx[0]
            for k in 1..<classes { top = max(top, zx[k]) }
            var sum: Float = 0
            for k in 0..<classes { let e = expf(zx[k] - top); zy[k] = e; sum += e }
            let inv = 1 / sum
            for k in 0..<classes { zy[k] *= inv }
        }
    }
}
