#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import IntoneRandom

/// An element-wise activation: Keras `ReLU`, `ELU(alpha)`, `LeakyReLU(negative_slope)`.
///
/// Derivatives: ReLU 1 for x > 0 else 0; ELU 1 for x > 0 else `y + alpha` (= alpha·eˣ); LeakyReLU 1
/// for x ≥ 0 else the slope. At the kink x = 0 the one-sided values above are used.
struct ActivationLayer: NeuralLayer {
    enum Function: Sendable {
        case relu
        case elu(alpha: Float)
        case leakyReLU(slope: Float)
    }

    let name: String
    let shape: [Int]
    let function: Function

    var inputShape: [Int] { shape }
    var outputShape: [Int] { shape }

    mutating func forward(_ input: UnsafeBufferPointer<Float>, into output: UnsafeMutableBufferPointer<Float>,
                          pass: ForwardPass, random: inout SeededRandom) {
        let x = input.baseAddress!, y = output.baseAddress!
        let function = function
        Parallelism.forRanges(input.count) { r in
            switch function {
            case .relu:
                for i in r { y[i] = max(x[i], 0) }
            case let .elu(alpha):
                for i in r { let v = x[i]; y[i] = v > 0 ? v : alpha * expm1f(v) }
            case let .leakyReLU(slope):
                for i in r { let v = x[i]; y[i] = v >= 0 ? v : slope * v }
            }
        }
    }

    mutating func backward(_ pass: BackwardPass) {
        guard let dx = pass.inputGradient else { return }
        let x = pass.input.baseAddress!, y = pass.output.baseAddress!, dy = pass.outputGradient.baseAddress!, d = dx.baseAddress!
        let function = function
        Parallelism.forRanges(dx.count) { r in
            switch function {
            case .relu:
                for i in r { d[i] = x[i] > 0 ? dy[i] : 0 }
            case let .elu(alpha):
                for i in r { d[i] = x[i] > 0 ? dy[i] : dy[i] * (y[i] + alpha) }
            case let .leakyReLU(slope):
                for i in r { d[i] = x[i] >= 0 ? dy[i] : dy[i] * slope }
            }
        }
    }
}
