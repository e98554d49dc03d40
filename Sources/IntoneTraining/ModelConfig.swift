import IntoneNeural

/// A deep model and how to train it, as `intone train --config` reads it from YAML (see
/// data/models/*.yaml and docs/TRAINING.md). The knobs mirror the original Keras tool's: conv
/// blocks with a starting filter count that doubles, kernel 5, pool 5; LSTM layers; dense layers
/// with a starting width that halves; dropout; the optimizer, epochs and batch size.
public struct ModelConfig: Equatable, Sendable {
    /// How a clip's MFCC matrix (coefficients × frames) becomes the network's input.
    public enum InputLayout: String, Sendable, CaseIterable {
        /// `[frames, coefficients]`: convolution over time with the coefficients as channels.
        case frames
        /// `[frames · coefficients, 1]`: the sequence flattened frame by frame into one long
        /// one-channel signal, as the original tool's CNN convolves it.
        case flat
    }

    /// Activations the config can name.
    public enum ActivationName: String, Sendable, CaseIterable {
        case relu, elu
        case leakyReLU = "leaky_relu"

        var activation: Activation {
            switch self {
            case .relu: return .relu
            case .elu: return .elu()
            case .leakyReLU: return .leakyReLU()
            }
        }
    }

    /// The optimizers.
    public enum OptimizerName: String, Sendable, CaseIterable {
        case rmsprop, adam, sgd
    }

    /// Convolution blocks: Conv1D → [BatchNormalization] → activation → MaxPool1D → [Dropout].
    public struct Convolution: Equatable, Sendable {
        public var layers = 2
        /// Filters of the first block; each next block doubles them.
        public var filters = 64
        public var kernelSize = 5
        public var poolSize = 5
        public var padding: Padding = .same
        public var batchNorm = true
        public var activation: ActivationName = .leakyReLU

        public init() {}
    }

    /// LSTM layers after the convolutions (all but the last return sequences).
    public struct Recurrent: Equatable, Sendable {
        public var layers = 0
        public var units = 64
        public init() {}
    }

    /// Dense layers before the softmax: the first has `units`, each next one half as many.
    public struct Dense: Equatable, Sendable {
        public var layers = 1
        public var units = 128
        public var activation: ActivationName = .elu
        public init() {}
    }

    /// Keras's ReduceLROnPlateau on `val_loss`.
    public struct ReduceLR: Equatable, Sendable {
        public var factor = 0.5
        public var patience = 5
        public var minDelta = 1e-4
        public var minLR = 1e-5
        public init() {}
    }

    /// Keras's EarlyStopping on `val_loss`. (The model kept is always the epoch with the best
    /// validation accuracy, as `ModelCheckpoint(save_best_only=True)` keeps it.)
    public struct EarlyStop: Equatable, Sendable {
        public var patience = 15
        public var minDelta = 0.0
        public init() {}
    }

    /// A name for the run's reports.
    public var name = "model"
    public var input: InputLayout = .frames
    /// Frames per clip: shorter clips are padded with zeros, longer ones cut (130 = 3 s at 22,050 Hz, hop 512).
    public var frames = 130
    public var conv = Convolution()
    /// Mean over time instead of flattening: of the convolutions' output, or of every step of the
    /// LSTM layers when there are some.
    public var globalPooling = false
    public var lstm = Recurrent()
    public var dense = Dense()
    /// Dropout after each conv block, LSTM layer and dense layer (0: none).
    public var dropout = 0.2
    public var optimizer: OptimizerName = .rmsprop
    public var learningRate = 0.001
    /// SGD's momentum.
    public var momentum = 0.9
    public var epochs = 50
    public var batchSize = 32
    /// Weight classes inversely to their frequency in the training split (Keras `class_weight`).
    public var classWeights = false
    /// nil: no learning-rate schedule.
    public var reduceLR: ReduceLR? = ReduceLR()
    /// nil: train all epochs.
    public var earlyStopping: EarlyStop? = EarlyStop()
    public var seed: UInt64 = 1

    public init() {}
}
