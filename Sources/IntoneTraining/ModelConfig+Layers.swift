import IntoneNeural

extension ModelConfig {
    /// The per-clip input shape for MFCC matrices of `coefficients` rows.
    public func inputShape(coefficients: Int) -> [Int] {
        input == .frames ? [frames, coefficients] : [frames * coefficients, 1]
    }

    /// The layers, Keras-style: `conv<i>` blocks (Conv1D, BatchNormalization `bn<i>`, activation,
    /// MaxPool1D, Dropout), `lstm<i>` layers (each followed by Dropout), global average pooling over
    /// time if asked (after the LSTMs, which then all return sequences) or else Flatten when the time
    /// axis is still there, `dense<i>` layers (halving) with Dropout, and `output`, a Dense over the
    /// classes with softmax.
    public func layers(classes: Int) -> [LayerSpec] {
        var out: [LayerSpec] = []
        func dropoutLayer() { if dropout > 0 { out.append(.dropout(Float(dropout))) } }
        var filters = conv.filters
        for i in stride(from: 1, through: conv.layers, by: 1) {
            out.append(.conv1D(filters: filters, kernelSize: conv.kernelSize, padding: conv.padding, name: "conv\(i)"))
            if conv.batchNorm { out.append(.batchNormalization(name: "bn\(i)")) }
            out.append(LayerSpec(.activation(conv.activation.activation)))
            if conv.poolSize > 1 { out.append(.maxPool1D(poolSize: conv.poolSize, padding: conv.padding)) }
            dropoutLayer()
            filters *= 2
        }
        // Global pooling averages the time axis: of the convolutions' output, or of the LSTM's
        // outputs at every step when there are LSTM layers.
        if globalPooling && lstm.layers == 0 { out.append(.globalAveragePooling1D) }
        for i in stride(from: 1, through: lstm.layers, by: 1) {
            out.append(.lstm(lstm.units, returnSequences: i < lstm.layers || globalPooling, name: "lstm\(i)"))
            dropoutLayer()
        }
        if globalPooling && lstm.layers > 0 { out.append(.globalAveragePooling1D) }
        if !globalPooling && lstm.layers == 0 { out.append(.flatten) }
        var units = dense.units
        for i in stride(from: 1, through: dense.layers, by: 1) {
            out.append(.dense(units, activation: dense.activation.activation, name: "dense\(i)"))
            dropoutLayer()
            units = max(1, units / 2)
        }
        out.append(.dense(classes, activation: .softmax, name: "output"))
        return out
    }
}
