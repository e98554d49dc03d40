/// The three networks `intone train` ships in data/models, embedded so that a sweep spec can name
/// them (`cnn`, `cnn-lstm`, `default`) wherever the binary runs. A test checks that each is the
/// text of its file in data/models.
public enum BuiltInModels {
    /// Names a sweep spec can use, in this order.
    public static let names = ["cnn", "cnn-lstm", "default"]

    /// The config text of `name`, as in data/models/NAME.yaml.
    public static func text(_ name: String) -> String? {
        switch name {
        case "cnn":
            return """
            # The original tool's baseline CNN: the MFCC sequence flattened frame by frame into one long
            # one-channel signal (130 frames × 40 coefficients = 5,200 steps), convolved with kernel 5,
            # pooled by 5; filters start at 64 and double; dense layers start at 256 and halve; RMSprop.
            # (On a speaker-independent split this design does poorly; see docs/TRAINING.md.)
            name: cnn
            input: flat
            frames: 130
            conv:
              layers: 2
              filters: 64
              kernel_size: 5
              pool_size: 5
              padding: same
              batch_norm: true
              activation: leaky_relu
            lstm:
              layers: 0
            dense:
              layers: 2
              units: 256
              activation: elu
            dropout: 0.2
            optimizer: rmsprop
            learning_rate: 0.001
            epochs: 50
            batch_size: 32
            reduce_lr:
              factor: 0.5
              patience: 5
              min_lr: 0.00001
            early_stopping:
              patience: 15
            seed: 1

            """
        case "cnn-lstm":
            return """
            # The original tool's CNN-LSTM: conv blocks over the MFCC frames (time × 40 coefficients as
            # channels), kernel 5, pool 5, filters starting at 64 and doubling; an LSTM of 64 units over the
            # pooled sequence; dense layers starting at 128 and halving; RMSprop.
            name: cnn-lstm
            input: frames
            frames: 130
            conv:
              layers: 2
              filters: 64
              kernel_size: 5
              pool_size: 5
              padding: same
              batch_norm: true
              activation: leaky_relu
            lstm:
              layers: 1
              units: 64
            dense:
              layers: 1
              units: 128
              activation: elu
            dropout: 0.2
            optimizer: rmsprop
            learning_rate: 0.001
            epochs: 50
            batch_size: 32
            reduce_lr:
              factor: 0.5
              patience: 5
              min_lr: 0.00001
            early_stopping:
              patience: 15
            seed: 1

            """
        case "default":
            return """
            # Intone's default: convolution over time with the 40 coefficients as channels (no flattening),
            # three conv blocks (32, 64, 128 filters, kernel 5, pool 2), then the mean over time (global
            # average pooling) instead of flattening, one dense layer, Adam. See docs/TRAINING.md for how it
            # compares with the original tool's designs on the synthetic corpus.
            name: default
            input: frames
            frames: 130
            conv:
              layers: 3
              filters: 32
              kernel_size: 5
              pool_size: 2
              padding: same
              batch_norm: true
              activation: elu
            global_pooling: true
            lstm:
              layers: 0
            dense:
              layers: 1
              units: 64
              activation: elu
            dropout: 0.3
            optimizer: adam
            learning_rate: 0.001
            epochs: 60
            batch_size: 32
            reduce_lr:
              factor: 0.5
              patience: 5
              min_lr: 0.00001
            early_stopping:
              patience: 15
            seed: 1

            """
        default:
            return nil
        }
    }

    /// The parsed config of `name`.
    public static func config(_ name: String) -> ModelConfig? {
        text(name).flatMap { try? ModelConfig.parse($0, file: "data/models/\(name).yaml") }
    }
}
