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
        switch function {
        case .relu:
            for i in input.indices { output[i] = max(input[i], 0) }
        case let .elu(alpha):
            for i in input.indices { let x = input[i]; output[i] = x > 0 ? x : alpha * expm1f(x) }
        case let .leakyReLU(slope):
            for i in input.indices { let x = input[i]; output[i] = x >= 0 ? x : slope * x }
        }
    }

    mutating func backward(_ pass: BackwardPass) {
        guard let dx = pass.inputGradient else { return }
        let x = pass.input, y = pass.output, dy = pass.outputGradient
        switch function {
        case .relu:
            for i in dx.indices { dx[i] = x[i] > 0 ? dy[i] : 0 }
        case let .elu(alpha):
            for i in dx.indices { dx[i] = x[i] > 0 ? dy[i] : dy[i] * (y[i] + alpha) }
        case let .leakyReLU(slope):
            for i in dx.indices { dx[i] = x[i] >= 0 ? dy[i] : dy[i] * slope }
        }
    }
}
