import IntoneRandom

/// scikit-learn's `MLPClassifier` with the stochastic solvers: a fully connected network trained on
/// mini-batches to minimise cross-entropy plus an L2 penalty (see
/// `MultilayerPerceptron.lossAndGradients` for the exact objective and gradient).
///
/// Training, per epoch: shuffle the training rows (seeded), cut them into batches of `batch_size`
/// (the last one shorter), and take one optimiser step per batch. After the epoch the mean batch
/// loss, or with `early_stopping` the accuracy on the held-out rows, is compared with the best so
/// far; when `n_iter_no_change + 1` epochs in a row fail to improve it by `tol` (scikit-learn counts
/// strictly more than `n_iter_no_change`), training stops, or the adaptive `sgd` schedule divides the
/// step by 5. With `early_stopping` the weights of the best validation epoch are kept.
///
/// Initialisation is scikit-learn's Glorot uniform: weights, then intercepts, of each layer from
/// `U(−b, b)`, `b = sqrt(factor / (fan_in + fan_out))`, factor 6 (2 for logistic). Randomness comes
/// from named streams of the seed (`mlp/init`, `mlp/shuffle`, `mlp/validation`), so a seed replays bit
/// for bit (for a given OpenBLAS build and thread count); the draws differ from numpy's, so weights do
/// not equal scikit-learn's for any `random_state`.
///
/// Two classes use a single logistic output, more use softmax, as scikit-learn; a class without
/// training samples still has an output. Features are used as given: standardise them first.
/// Not provided: `lbfgs`, `warm_start`, sample weights.
public struct MLPClassifier: Estimator {
    /// `hidden_layer_sizes`, each ≥ 1; empty means no hidden layer (multinomial logistic regression). Default [100].
    public var hiddenLayerSizes: [Int]
    /// `activation` of the hidden layers, default relu.
    public var activation: MLPActivation
    /// `solver`, default adam.
    public var solver: MLPSolver
    /// `alpha` ≥ 0: L2 strength, `alpha/(2·n_batch)·Σ‖W‖²` in the loss. Default 1e-4.
    public var alpha: Double
    /// `batch_size`: rows per step, clipped to [1, n]; nil is `"auto"`, `min(200, n)`. Default nil.
    public var batchSize: Int?
    /// `learning_rate`: the `sgd` solver's schedule (ignored by adam, as in scikit-learn). Default constant.
    public var learningRate: MLPLearningRate
    /// `learning_rate_init` > 0. Default 1e-3.
    public var learningRateInit: Double
    /// `power_t` ≥ 0 for `invscaling`. Default 0.5.
    public var powerT: Double
    /// `max_iter` ≥ 1: epochs at most. Default 200.
    public var maxIter: Int
    /// `shuffle` rows each epoch (seeded). Default true.
    public var shuffle: Bool
    /// `tol` ≥ 0: the improvement that counts. Default 1e-4.
    public var tol: Double
    /// `momentum` in [0, 1] for `sgd`. Default 0.9.
    public var momentum: Double
    /// `nesterovs_momentum` for `sgd`. Default true.
    public var nesterovsMomentum: Bool
    /// `early_stopping`: hold out a stratified `validation_fraction` (scikit-learn's
    /// `train_test_split(stratify=y)`, seeded; every class present needs at least 2 samples) and stop
    /// on its accuracy, keeping the best epoch's weights. Default false.
    public var earlyStopping: Bool
    /// `validation_fraction` in (0, 1) when early stopping. Default 0.1.
    public var validationFraction: Double
    /// `beta_1` in [0, 1) for adam. Default 0.9.
    public var beta1: Double
    /// `beta_2` in [0, 1) for adam. Default 0.999.
    public var beta2: Double
    /// `epsilon` > 0 for adam. Default 1e-8.
    public var epsilon: Double
    /// `n_iter_no_change` ≥ 1. Default 10.
    public var nIterNoChange: Int

    public var name: String { "MLPClassifier" }

    public init(hiddenLayerSizes: [Int] = [100], activation: MLPActivation = .relu, solver: MLPSolver = .adam,
                alpha: Double = 1e-4, batchSize: Int? = nil, learningRate: MLPLearningRate = .constant,
                learningRateInit: Double = 1e-3, powerT: Double = 0.5, maxIter: Int = 200, shuffle: Bool = true,
                tol: Double = 1e-4, momentum: Double = 0.9, nesterovsMomentum: Bool = true, earlyStopping: Bool = false,
                validationFraction: Double = 0.1, beta1: Double = 0.9, beta2: Double = 0.999, epsilon: Double = 1e-8,
                nIterNoChange: Int = 10) {
        self.hiddenLayerSizes = hiddenLayerSizes
        self.activation = activation
        self.solver = solver
        self.alpha = alpha
        self.batchSize = batchSize
        self.learningRate = learningRate
        self.learningRateInit = learningRateInit
        self.powerT = powerT
        self.maxIter = maxIter
        self.shuffle = shuffle
        self.tol = tol
        self.momentum = momentum
        self.nesterovsMomentum = nesterovsMomentum
        self.earlyStopping = earlyStopping
        self.validationFraction = validationFraction
        self.beta1 = beta1
        self.beta2 = beta2
        self.epsilon = epsilon
        self.nIterNoChange = nIterNoChange
    }

    /// Checks the hyper-parameters against scikit-learn's ranges.
    public func validate() throws(LearningError) {
        func check(_ ok: Bool, _ message: @autoclosure () -> String) throws(LearningError) {
            if !ok { throw LearningError("MLPClassifier: " + message()) }
        }
        try check(hiddenLayerSizes.allSatisfy { $0 >= 1 }, "hidden_layer_sizes must all be at least 1 (got \(hiddenLayerSizes))")
        try check(alpha >= 0 && alpha.isFinite, "alpha must be non-negative (got \(alpha))")
        try check(batchSize.map { $0 >= 1 } ?? true, "batch_size must be at least 1 (got \(batchSize ?? 0))")
        try check(learningRateInit > 0 && learningRateInit.isFinite, "learning_rate_init must be positive (got \(learningRateInit))")
        try check(powerT >= 0, "power_t must be non-negative (got \(powerT))")
        try check(maxIter >= 1, "max_iter must be at least 1 (got \(maxIter))")
        try check(tol >= 0, "tol must be non-negative (got \(tol))")
        try check(momentum >= 0 && momentum <= 1, "momentum must be in [0, 1] (got \(momentum))")
        try check(validationFraction >= 0 && validationFraction < 1, "validation_fraction must be in [0, 1) (got \(validationFraction))")
        try check(!earlyStopping || validationFraction > 0, "validation_fraction must be positive with early_stopping")
        try check(beta1 >= 0 && beta1 < 1, "beta_1 must be in [0, 1) (got \(beta1))")
        try check(beta2 >= 0 && beta2 < 1, "beta_2 must be in [0, 1) (got \(beta2))")
        try check(epsilon > 0, "epsilon must be positive (got \(epsilon))")
        try check(nIterNoChange >= 1, "n_iter_no_change must be at least 1 (got \(nIterNoChange))")
    }

    public func fit(_ data: Dataset, seed: UInt64) throws(LearningError) -> any TrainedClassifier {
        try fitNetwork(data, seed: seed)
    }

    /// `fit`, returning the concrete network (weights, training log).
    public func fitNetwork(_ data: Dataset, seed: UInt64) throws(LearningError) -> MultilayerPerceptron {
        try validate()
        guard data.count > 0 else { throw LearningError("MLPClassifier: cannot fit on no samples") }
        guard data.features.values.allSatisfy(\.isFinite) else {
            throw LearningError("MLPClassifier: the features contain NaN or infinity")
        }
        guard Set(data.labels).count >= 2 else {
            throw LearningError("MLPClassifier: needs samples of at least two classes (got \(Set(data.labels).count))")
        }
        var network = initialNetwork(features: data.featureCount, classCount: data.classCount, seed: seed)

        var train = data, validation: Dataset? = nil
        if earlyStopping {
            // Stratify over the classes present (the split wants every class it is told of).
            let present = Array(Set(data.labels)).sorted()
            var compact = [Int](repeating: 0, count: data.classCount)
            for (i, c) in present.enumerated() { compact[c] = i }
            var random = SeededRandom(seed: seed, stream: "mlp/validation")
            let split: (train: [Int], validation: [Int])
            do {
                split = try StratifiedHoldout.split(labels: data.labels.map { compact[$0] }, classes: present.count,
                                                    validation: .fraction(validationFraction), random: &random)
            } catch {
                throw LearningError("MLPClassifier: \(error.reason)")
            }
            guard split.validation.count >= 2 else {
                throw LearningError("MLPClassifier: the validation set is too small (\(split.validation.count) samples); raise validation_fraction or add data")
            }
            train = data.subset(split.train)
            validation = data.subset(split.validation)
        }
        let n = train.count
        let batch = batchSize.map { min(max($0, 1), n) } ?? min(200, n)
        var optimizer = MLPOptimizer(sizes: network.coefs.map(\.count) + network.intercepts.map(\.count), solver: solver,
                                     schedule: learningRate, learningRateInit: learningRateInit, powerT: powerT,
                                     beta1: beta1, beta2: beta2, epsilon: epsilon, momentum: momentum, nesterov: nesterovsMomentum)
        var shuffler = SeededRandom(seed: seed, stream: "mlp/shuffle")
        var order = Array(0..<n)
        var log = MLPTrainingLog()
        var bestLoss = Double.infinity, bestScore = -Double.infinity, best = network
        var noImprovement = 0, seen = 0
        let layers = network.layerCount

        for _ in 0..<maxIter {
            if shuffle { order = shuffler.shuffled(order) }
            var accumulated = 0.0
            for start in stride(from: 0, to: n, by: batch) {
                let rows = Array(order[start..<min(start + batch, n)])
                let part = train.subset(rows)
                let (loss, gradients) = network.lossAndGradients(part.features, labels: part.labels, alpha: alpha)
                accumulated += loss * Double(rows.count)
                optimizer.beginStep()
                for l in 0..<layers { optimizer.update(&network.coefs[l], gradient: gradients.coefs[l], slot: l) }
                for l in 0..<layers { optimizer.update(&network.intercepts[l], gradient: gradients.intercepts[l], slot: layers + l) }
            }
            log.iterations += 1
            log.lossCurve.append(accumulated / Double(n))
            seen += n

            if let validation {
                let predicted = network.predict(validation.features)
                let correct = zip(predicted, validation.labels).filter { $0 == $1 }.count
                let score = Double(correct) / Double(validation.count)
                log.validationScores.append(score)
                noImprovement = score < bestScore + tol ? noImprovement + 1 : 0
                if score > bestScore { bestScore = score; best = network }
            } else {
                let loss = log.lossCurve.last!
                noImprovement = loss > bestLoss - tol ? noImprovement + 1 : 0
                bestLoss = min(bestLoss, loss)
            }
            optimizer.epochEnded(samplesSeen: seen)
            if noImprovement > nIterNoChange {
                if optimizer.stalled() { break }
                noImprovement = 0
            }
        }
        if earlyStopping {
            network.coefs = best.coefs
            network.intercepts = best.intercepts
        }
        guard network.coefs.allSatisfy({ $0.allSatisfy(\.isFinite) }), network.intercepts.allSatisfy({ $0.allSatisfy(\.isFinite) }) else {
            throw LearningError("MLPClassifier: training produced non-finite weights; standardise the features or lower learning_rate_init")
        }
        log.finalLearningRate = optimizer.learningRate
        network.log = log
        return network
    }

    /// The network before training: Glorot-uniform weights, then intercepts, layer by layer.
    func initialNetwork(features: Int, classCount: Int, seed: UInt64) -> MultilayerPerceptron {
        let units = [features] + hiddenLayerSizes + [classCount == 2 ? 1 : classCount]
        var random = SeededRandom(seed: seed, stream: "mlp/init")
        var coefs: [[Float]] = [], intercepts: [[Float]] = []
        for l in 0..<(units.count - 1) {
            let bound = (activation.initFactor / Double(units[l] + units[l + 1])).squareRoot()
            coefs.append((0..<(units[l] * units[l + 1])).map { _ in Float(random.uniform(-bound, bound)) })
            intercepts.append((0..<units[l + 1]).map { _ in Float(random.uniform(-bound, bound)) })
        }
        return MultilayerPerceptron(layerUnits: units, coefs: coefs, intercepts: intercepts, activation: activation, classCount: classCount)
    }
}
