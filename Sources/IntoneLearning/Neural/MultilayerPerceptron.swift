import Foundation

/// A fitted multi-layer perceptron (scikit-learn's `coefs_` and `intercepts_`), float32 throughout.
///
/// Layer `l` maps `aₗ` (`rows × layerUnits[l]`) to `aₗ₊₁ = f(aₗ·Wₗ + bₗ)`, with `Wₗ` of shape
/// `layerUnits[l] × layerUnits[l+1]`, `f` the hidden activation, and on the last layer softmax
/// (several classes) or the logistic function (two classes: a single output, the probability of
/// class 1), as scikit-learn's `MLPClassifier`.
public struct MultilayerPerceptron: Codable, Equatable, Sendable, TrainedClassifier {
    /// `[features, hidden…, outputs]`; outputs is 1 for two classes, else `classCount`.
    public var layerUnits: [Int]
    /// Per layer: weights, `layerUnits[l] × layerUnits[l+1]`, row-major.
    public var coefs: [[Float]]
    /// Per layer: intercepts, `layerUnits[l+1]` values.
    public var intercepts: [[Float]]
    public var activation: MLPActivation
    public var classCount: Int
    /// What training did (empty for a network built by hand).
    public var log: MLPTrainingLog

    public init(layerUnits: [Int], coefs: [[Float]], intercepts: [[Float]], activation: MLPActivation, classCount: Int,
                log: MLPTrainingLog = MLPTrainingLog()) {
        precondition(layerUnits.count >= 2 && coefs.count == layerUnits.count - 1 && intercepts.count == coefs.count,
                     "MultilayerPerceptron: one weight matrix and intercept vector per layer")
        for l in coefs.indices {
            precondition(coefs[l].count == layerUnits[l] * layerUnits[l + 1] && intercepts[l].count == layerUnits[l + 1],
                         "MultilayerPerceptron: layer \(l) shape")
        }
        precondition(layerUnits.last == (classCount == 2 ? 1 : classCount), "MultilayerPerceptron: outputs for \(classCount) classes")
        self.layerUnits = layerUnits
        self.coefs = coefs
        self.intercepts = intercepts
        self.activation = activation
        self.classCount = classCount
        self.log = log
    }

    /// Number of weight layers (hidden layers + 1).
    public var layerCount: Int { coefs.count }

    /// `Wₗ` as a matrix (shares storage; no copy).
    func weights(_ l: Int) -> Matrix { Matrix(rows: layerUnits[l], columns: layerUnits[l + 1], values: coefs[l]) }

    /// Every layer's output for the rows of `x`: `[x, a₁, …, output]`.
    func forward(_ x: Matrix) -> [Matrix] {
        precondition(x.columns == layerUnits[0], "MultilayerPerceptron: \(x.columns) features, trained on \(layerUnits[0])")
        var outputs = [x]
        for l in 0..<layerCount {
            let width = layerUnits[l + 1]
            var z = Matrix(rows: x.rows, columns: width)
            BLAS.gemm(outputs[l], weights(l), into: &z)
            z.values.withUnsafeMutableBufferPointer { v in
                intercepts[l].withUnsafeBufferPointer { b in
                    for i in 0..<x.rows { for j in 0..<width { v[i * width + j] += b[j] } }
                }
            }
            if l < layerCount - 1 { activation.apply(&z.values) } else { Self.outputActivation(&z) }
            outputs.append(z)
        }
        return outputs
    }

    /// Softmax per row (`exp(z − max z)` normalised) or, for a single output, the logistic function.
    private static func outputActivation(_ z: inout Matrix) {
        if z.columns == 1 {
            for i in z.values.indices { z.values[i] = logisticFloat(z.values[i]) }
            return
        }
        let k = z.columns
        for i in 0..<z.rows {
            var m = -Float.infinity
            for c in 0..<k { m = max(m, z.values[i * k + c]) }
            var s: Float = 0
            for c in 0..<k { let e = Foundation.exp(z.values[i * k + c] - m); z.values[i * k + c] = e; s += e }
            for c in 0..<k { z.values[i * k + c] /= s }
        }
    }

    /// scikit-learn's `predict_proba`: softmax outputs, or `[1 − p, p]` for two classes. The float32
    /// softmax rows are renormalised in double precision so that each sums to 1 to double precision.
    public func probabilities(_ x: Matrix) -> [Double] {
        let out = forward(x).last!
        if out.columns == 1 { return out.values.flatMap { [1 - Double($0), Double($0)] } }
        var p = out.values.map(Double.init)
        let k = out.columns
        for i in 0..<out.rows {
            var s = 0.0
            for c in 0..<k { s += p[i * k + c] }
            for c in 0..<k { p[i * k + c] /= s }
        }
        return p
    }

    /// The objective scikit-learn's `_backprop` minimises on a batch of `n` rows, and its gradient:
    ///
    ///     loss = −(1/n) Σᵢ Σₖ yᵢₖ log clip(pᵢₖ, ε, 1 − ε) + alpha/(2n) · Σₗ ‖Wₗ‖²
    ///
    /// with `ε` float32's machine epsilon (for two classes, the binary cross-entropy of the single
    /// output). The output error is `δ = p − y`, back-propagated as `δₗ₋₁ = (δₗ·Wₗᵀ) ⊙ f′`, and
    ///
    ///     ∂loss/∂Wₗ = (aₗᵀ·δₗ + alpha·Wₗ) / n,    ∂loss/∂bₗ = Σᵢ δₗ,ᵢ / n.
    ///
    /// Intercepts are not penalised. The loss is summed in double precision.
    public func lossAndGradients(_ x: Matrix, labels: [Int], alpha: Double) -> (loss: Double, gradients: MLPGradients) {
        precondition(labels.count == x.rows, "MultilayerPerceptron: \(labels.count) labels for \(x.rows) rows")
        let n = x.rows, outputsCount = layerUnits.last!
        let acts = forward(x)
        let p = acts.last!
        var delta = p
        var loss = 0.0
        let eps = Double(Float.ulpOfOne)
        for i in 0..<n {
            if outputsCount == 1 {
                let q = min(max(Double(p.values[i]), eps), 1 - eps)
                loss -= labels[i] == 1 ? Foundation.log(q) : Foundation.log(1 - q)
                if labels[i] == 1 { delta.values[i] -= 1 }
            } else {
                let q = min(max(Double(p.values[i * outputsCount + labels[i]]), eps), 1 - eps)
                loss -= Foundation.log(q)
                delta.values[i * outputsCount + labels[i]] -= 1
            }
        }
        var squares = 0.0
        for w in coefs { for v in w { squares += Double(v) * Double(v) } }
        loss = loss / Double(n) + 0.5 * alpha * squares / Double(n)

        var coefGrads = [[Float]](repeating: [], count: layerCount)
        var interceptGrads = [[Float]](repeating: [], count: layerCount)
        let scale = 1 / Float(n), decay = Float(alpha)
        for l in stride(from: layerCount - 1, through: 0, by: -1) {
            var g = Matrix(rows: layerUnits[l], columns: layerUnits[l + 1])
            BLAS.gemm(acts[l], delta, transposeA: .transposed, into: &g)
            for j in g.values.indices { g.values[j] = (g.values[j] + decay * coefs[l][j]) * scale }
            coefGrads[l] = g.values
            var b = [Float](repeating: 0, count: layerUnits[l + 1])
            let width = b.count
            for i in 0..<n { for j in 0..<width { b[j] += delta.values[i * width + j] } }
            interceptGrads[l] = b.map { $0 * scale }
            if l > 0 {
                var previous = Matrix(rows: n, columns: layerUnits[l])
                BLAS.gemm(delta, weights(l), transposeB: .transposed, into: &previous)
                activation.multiplyByDerivative(output: acts[l].values, &previous.values)
                delta = previous
            }
        }
        return (loss, MLPGradients(coefs: coefGrads, intercepts: interceptGrads))
    }
}

/// Gradients of the loss with respect to each layer's weights and intercepts (shapes as the network's).
public struct MLPGradients: Equatable, Sendable {
    public var coefs: [[Float]]
    public var intercepts: [[Float]]
}

/// What `MLPClassifier.fit` did: scikit-learn's `loss_curve_`, `validation_scores_`, `n_iter_`.
public struct MLPTrainingLog: Codable, Equatable, Sendable {
    /// Mean training loss per epoch (including the L2 term as each batch saw it).
    public var lossCurve: [Double] = []
    /// Validation accuracy per epoch (early stopping only).
    public var validationScores: [Double] = []
    /// Epochs run.
    public var iterations: Int = 0
    /// Learning rate at the end (changes with the `sgd` solver's `invscaling` or `adaptive` schedules).
    public var finalLearningRate: Double = 0

    public init(lossCurve: [Double] = [], validationScores: [Double] = [], iterations: Int = 0, finalLearningRate: Double = 0) {
        self.lossCurve = lossCurve
        self.validationScores = validationScores
        self.iterations = iterations
        self.finalLearningRate = finalLearningRate
    }
}
