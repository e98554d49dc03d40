import Testing
@testable import IntoneNeural

/// Backpropagation through every layer type against central finite differences, on tiny networks:
/// both the parameter gradients (all of them) and the gradient with respect to the input batch.
struct GradientCheckTests {
    struct Case: Sendable, CustomTestStringConvertible {
        let name: String
        let inputShape: [Int]
        let specs: [LayerSpec]
        var batch = 3
        var classWeights: [Float]? = nil
        var testDescription: String { name }
    }

    static let cases: [Case] = [
        Case(name: "conv1d same", inputShape: [7, 2], specs: [.conv1D(filters: 3, kernelSize: 3, padding: .same), .flatten, .dense(3), .softmax]),
        Case(name: "conv1d valid", inputShape: [7, 2], specs: [.conv1D(filters: 3, kernelSize: 3), .flatten, .dense(3), .softmax]),
        Case(name: "conv1d stride 2 same (uneven padding)", inputShape: [7, 2],
             specs: [.conv1D(filters: 3, kernelSize: 4, strides: 2, padding: .same), .flatten, .dense(3), .softmax]),
        Case(name: "conv1d stride 2 valid", inputShape: [8, 2],
             specs: [.conv1D(filters: 2, kernelSize: 3, strides: 2), .flatten, .dense(3), .softmax]),
        Case(name: "max pooling 1d", inputShape: [8, 3], specs: [.maxPool1D(poolSize: 2), .flatten, .dense(3), .softmax]),
        Case(name: "max pooling 1d pool 3 stride 2 same", inputShape: [7, 2],
             specs: [.maxPool1D(poolSize: 3, strides: 2, padding: .same), .flatten, .dense(3), .softmax]),
        Case(name: "batch normalization on sequences", inputShape: [5, 3], specs: [.batchNormalization(), .flatten, .dense(3), .softmax], batch: 4),
        Case(name: "batch normalization on features", inputShape: [4], specs: [.dense(5), .batchNormalization(), .dense(3), .softmax], batch: 5),
        Case(name: "dense", inputShape: [5], specs: [.dense(4), .dense(3), .softmax]),
        Case(name: "dense on sequences", inputShape: [3, 4], specs: [.dense(2), .flatten, .dense(3), .softmax]),
        Case(name: "lstm return sequences", inputShape: [5, 3], specs: [.lstm(4, returnSequences: true), .flatten, .dense(3), .softmax]),
        Case(name: "lstm last step", inputShape: [5, 3], specs: [.lstm(4), .dense(3), .softmax]),
        Case(name: "two stacked lstm", inputShape: [5, 3], specs: [.lstm(4, returnSequences: true), .lstm(3), .dense(3), .softmax]),
        Case(name: "elu", inputShape: [6], specs: [.dense(5), .elu(), .dense(3), .softmax]),
        Case(name: "leaky relu", inputShape: [6], specs: [.dense(5), .leakyReLU(negativeSlope: 0.3), .dense(3), .softmax]),
        Case(name: "relu", inputShape: [6], specs: [.dense(5), .relu, .dense(3), .softmax]),
        Case(name: "flatten", inputShape: [3, 2], specs: [.flatten, .dense(3), .softmax]),
        Case(name: "global average pooling 1d", inputShape: [5, 3],
             specs: [.conv1D(filters: 4, kernelSize: 2, padding: .same), .globalAveragePooling1D, .dense(3), .softmax]),
        Case(name: "dropout (fixed mask)", inputShape: [6], specs: [.dense(8), .dropout(0.4), .dense(3), .softmax], batch: 4),
        Case(name: "softmax cross-entropy with class weights", inputShape: [4], specs: [.dense(3), .softmax], batch: 5,
             classWeights: [0.5, 2.0, 1.3]),
        Case(name: "cnn-lstm", inputShape: [8, 2],
             specs: [.conv1D(filters: 3, kernelSize: 3, padding: .same, activation: .elu()), .batchNormalization(), .maxPool1D(poolSize: 2),
                     .dropout(0.2), .lstm(3), .dense(3), .softmax], batch: 4, classWeights: [1, 0.7, 1.6]),
    ]

    /// Parameter and input gradients agree with finite differences to 0.5 % of their norm (typical
    /// errors are 1e-5 to 3e-4), while the same gradient with one sign flipped is off by over 10 %.
    @Test(arguments: cases)
    func gradientsMatchFiniteDifferences(_ c: Case) throws {
        var check = try GradientCheck(inputShape: c.inputShape, specs: c.specs, batch: c.batch, classWeights: c.classWeights, seed: 11)
        let analytic = check.analytic()
        let numericParameters = check.numericParameters()
        let numericInputs = check.numericInputs()
        let parameterError = GradientCheck.relativeError(analytic.parameters, numericParameters)
        let inputError = GradientCheck.relativeError(analytic.inputs, numericInputs)
        #expect(parameterError < 5e-3, "\(c.name): parameter gradient relative error \(parameterError)")
        #expect(inputError < 5e-3, "\(c.name): input gradient relative error \(inputError)")
        // The tolerance means something: a gradient with one wrong sign fails it by a wide margin.
        #expect(GradientCheck.relativeError(GradientCheck.corrupted(analytic.parameters), numericParameters) > 0.1)
        #expect(GradientCheck.relativeError(GradientCheck.corrupted(analytic.inputs), numericInputs) > 0.1)
        print("gradient check \(c.name): parameters \(parameterError), inputs \(inputError)")
    }

    /// One-hot targets give the loss and (to rounding) the gradients of the equivalent integer labels.
    @Test func oneHotTargetsMatchLabels() throws {
        var a = try Network(inputShape: [4], layers: [.dense(5), .elu(), .dense(3), .softmax], seed: 3)
        var b = a
        let x = Tensor(shape: [3, 4], values: (0..<12).map { Float($0) * 0.1 - 0.5 })
        let labels = [2, 0, 1]
        var oneHot = Tensor(shape: [3, 3])
        for (i, l) in labels.enumerated() { oneHot.values[i * 3 + l] = 1 }
        let weights: [Float] = [1, 2, 0.5]
        let ra = try a.computeGradients(inputs: x, labels: labels, classWeights: weights)
        let rb = try b.computeGradients(inputs: x, targets: oneHot, classWeights: weights)
        #expect(ra.correct == rb.correct && abs(ra.loss - rb.loss) < 1e-12)
        #expect(close(a.gradients, b.gradients, tolerance: 1e-7))
    }
}
