import IntoneFormats
import IntoneNeural

extension NetworkPool {
    /// A network for a training config's text on `inputShape` inputs, as gradient and replica tasks
    /// need: one this pool holds for the same config and shape, or one built from the config. Give
    /// it back with `give(network, key)`.
    public func takeTraining(config: String, inputShape: [Int]) throws -> (network: Network, key: String) {
        let key = SHA256.hex(of: Array(config.utf8)) + "\(inputShape)"
        if let held = take(key) { return (held, key) }
        let parsed = try ModelConfig.parse(config, file: "the training config")
        return (try Network(inputShape: inputShape, layers: parsed.layers(classes: SequenceData.classes.count), seed: parsed.seed), key)
    }
}
