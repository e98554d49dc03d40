import Foundation

/// The hidden-layer activation of an `MLPClassifier` (scikit-learn's `activation`), applied element-wise.
public enum MLPActivation: String, Codable, Sendable, CaseIterable {
    /// `f(z) = z`.
    case identity
    /// `f(z) = 1 / (1 + exp(−z))`.
    case logistic
    /// `f(z) = tanh(z)`.
    case tanh
    /// `f(z) = max(0, z)`.
    case relu

    /// The Glorot-uniform factor of scikit-learn's `_init_coef`: weights and intercepts of a layer
    /// are drawn from `U(−b, b)` with `b = sqrt(factor / (fan_in + fan_out))`; 2 for `logistic`,
    /// 6 otherwise.
    public var initFactor: Double { self == .logistic ? 2 : 6 }

    /// Replaces every value `z` with `f(z)`.
    func apply(_ values: inout [Float]) {
        switch self {
        case .identity: break
        case .logistic: for i in values.indices { values[i] = logisticFloat(values[i]) }
        case .tanh: for i in values.indices { values[i] = Foundation.tanh(values[i]) }
        case .relu: for i in values.indices where !(values[i] > 0) { values[i] = 0 }
        }
    }

    /// Multiplies `delta` by `f′`, expressed through the layer's output `a = f(z)` as scikit-learn does:
    /// `a(1 − a)` for logistic, `1 − a²` for tanh, and for relu 0 where `a == 0` (1 elsewhere).
    func multiplyByDerivative(output a: [Float], _ delta: inout [Float]) {
        precondition(a.count == delta.count)
        switch self {
        case .identity: break
        case .logistic: for i in delta.indices { delta[i] *= a[i] * (1 - a[i]) }
        case .tanh: for i in delta.indices { delta[i] *= 1 - a[i] * a[i] }
        case .relu: for i in delta.indices where a[i] == 0 { delta[i] = 0 }
        }
    }
}

/// `1 / (1 + exp(−z))` in float32 without overflow.
@inline(__always)
func logisticFloat(_ z: Float) -> Float {
    z >= 0 ? 1 / (1 + Foundation.exp(-z)) : Foundation.exp(z) / (1 + Foundation.exp(z))
}
