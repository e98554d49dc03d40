/// How a convolution or pooling window treats the sequence ends (Keras's `padding`).
public enum Padding: String, Sendable, Codable, CaseIterable {
    /// No padding: only windows that fit entirely, `T_out = floor((T − k) / stride) + 1`.
    case valid
    /// Zero padding (−∞ for max pooling) so `T_out = ceil(T / stride)`: in total
    /// `max((T_out − 1)·stride + k − T, 0)` steps, the smaller half on the left as in TensorFlow.
    case same
}

/// A parameter-free element-wise activation (or softmax over the last axis).
public enum Activation: Sendable, Equatable, Codable {
    /// `max(x, 0)`.
    case relu
    /// `x` for x > 0, else `alpha·(eˣ − 1)` (Keras default alpha 1).
    case elu(alpha: Float = 1)
    /// `x` for x ≥ 0, else `negativeSlope·x` (Keras 3 default 0.3).
    case leakyReLU(negativeSlope: Float = 0.3)
    /// `eˣ / Σ eˣ` over the last axis. Only as the network's last layer, where it pairs with the
    /// cross-entropy loss.
    case softmax
}

/// One layer of a `Network`, as Keras's `Sequential` lists them. Build with the static functions
/// (`.conv1D(filters: 32, kernelSize: 5, padding: .same, activation: .relu)`); `name` overrides the
/// Keras-style automatic name (`conv1d`, `conv1d_1`, …) that prefixes the layer's variable names.
public struct LayerSpec: Sendable, Equatable {
    /// What the layer computes.
    public enum Kind: Sendable, Equatable {
        /// 1-D convolution over time, kernel `[kernelSize, inChannels, filters]` + bias `[filters]`.
        case conv1D(filters: Int, kernelSize: Int, strides: Int, padding: Padding)
        /// Maximum over windows of `poolSize` steps; `strides` nil means `poolSize`.
        case maxPool1D(poolSize: Int, strides: Int?, padding: Padding)
        /// Batch normalisation over the last axis (gamma, beta trainable; moving mean, variance state).
        case batchNormalization(momentum: Float, epsilon: Float)
        /// Inverted dropout with drop probability `rate` in training, identity in inference.
        case dropout(rate: Float)
        /// Fully connected on the last axis, kernel `[in, units]` + bias `[units]`.
        case dense(units: Int)
        /// All axes but the batch into one.
        case flatten
        /// Long short-term memory (Keras gate order i, f, c, o), full sequence or last step out.
        case lstm(units: Int, returnSequences: Bool)
        /// Mean over time: `[T, C]` → `[C]`.
        case globalAveragePooling1D
        /// An element-wise activation or the final softmax.
        case activation(Activation)
    }

    /// What the layer computes.
    public var kind: Kind
    /// Keras layer name; nil for the automatic one.
    public var name: String?
    /// An activation applied after the layer (Keras's `activation=` argument of Conv1D and Dense).
    public var activation: Activation?

    /// A layer of `kind`.
    public init(_ kind: Kind, name: String? = nil, activation: Activation? = nil) {
        self.kind = kind
        self.name = name
        self.activation = activation
    }

    /// Keras `Conv1D(filters, kernel_size, strides, padding, activation)`.
    public static func conv1D(filters: Int, kernelSize: Int, strides: Int = 1, padding: Padding = .valid,
                              activation: Activation? = nil, name: String? = nil) -> LayerSpec {
        LayerSpec(.conv1D(filters: filters, kernelSize: kernelSize, strides: strides, padding: padding), name: name, activation: activation)
    }

    /// Keras `MaxPooling1D(pool_size=2, strides=None, padding="valid")`.
    public static func maxPool1D(poolSize: Int = 2, strides: Int? = nil, padding: Padding = .valid, name: String? = nil) -> LayerSpec {
        LayerSpec(.maxPool1D(poolSize: poolSize, strides: strides, padding: padding), name: name)
    }

    /// Keras `BatchNormalization(momentum=0.99, epsilon=1e-3)`.
    public static func batchNormalization(momentum: Float = 0.99, epsilon: Float = 1e-3, name: String? = nil) -> LayerSpec {
        LayerSpec(.batchNormalization(momentum: momentum, epsilon: epsilon), name: name)
    }

    /// Keras `Dropout(rate)`.
    public static func dropout(_ rate: Float, name: String? = nil) -> LayerSpec {
        LayerSpec(.dropout(rate: rate), name: name)
    }

    /// Keras `Dense(units, activation)`.
    public static func dense(_ units: Int, activation: Activation? = nil, name: String? = nil) -> LayerSpec {
        LayerSpec(.dense(units: units), name: name, activation: activation)
    }

    /// Keras `Flatten()`.
    public static var flatten: LayerSpec { LayerSpec(.flatten) }

    /// Keras `LSTM(units, return_sequences)` (tanh / sigmoid, unit forget bias).
    public static func lstm(_ units: Int, returnSequences: Bool = false, name: String? = nil) -> LayerSpec {
        LayerSpec(.lstm(units: units, returnSequences: returnSequences), name: name)
    }

    /// Keras `GlobalAveragePooling1D()`.
    public static var globalAveragePooling1D: LayerSpec { LayerSpec(.globalAveragePooling1D) }

    /// Keras `ReLU()`.
    public static var relu: LayerSpec { LayerSpec(.activation(.relu)) }

    /// Keras `ELU(alpha)`.
    public static func elu(alpha: Float = 1) -> LayerSpec { LayerSpec(.activation(.elu(alpha: alpha))) }

    /// Keras `LeakyReLU(negative_slope)`.
    public static func leakyReLU(negativeSlope: Float = 0.3) -> LayerSpec { LayerSpec(.activation(.leakyReLU(negativeSlope: negativeSlope))) }

    /// Keras `Softmax()` (the last layer).
    public static var softmax: LayerSpec { LayerSpec(.activation(.softmax)) }
}
