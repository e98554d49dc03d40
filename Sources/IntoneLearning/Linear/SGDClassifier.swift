import IntoneRandom

/// scikit-learn's `SGDClassifier` for dense features: a linear model fitted by plain stochastic
/// gradient descent, one sample at a time, with the `optimal` learning rate.
///
/// It minimises, for each binary problem,
///
///     (1/n) Σᵢ loss(yᵢ, w·xᵢ + b) + alpha · ((1 − ρ)/2 · ‖w‖² + ρ · ‖w‖₁)
///
/// with `ρ = l1_ratio` for `elasticnet` (0 for `l2`, 1 for `l1`); see `BinarySGD` for the update
/// and the step size `η = 1/(alpha·(t₀ + t − 1))`.
///
/// Several classes are fitted one-vs-rest: one binary problem per class, that class +1 and every
/// other −1, each with its own seeded shuffle (stream `sgd/class/<k>`); two classes give a single
/// problem with class 1 positive, as scikit-learn. A class without training samples still gets a
/// problem (all −1), so it is never predicted unless everything else is less likely.
///
/// `predict` is the argmax of the decision values (`LinearModel.predict`). Probabilities are
/// scikit-learn's `predict_proba` for `log_loss` (normalised one-vs-rest logistic) and
/// `modified_huber` (clipped linear); `hinge` has none in scikit-learn, so here it gives the softmax of
/// the decision values, which ranks classes as `predict` does but is not calibrated.
///
/// Not supported: `learning_rate` other than `optimal`, `average`, `early_stopping`, `class_weight`,
/// sample weights. The features are used as given: standardise them first (scikit-learn's advice,
/// and needed here too).
public struct SGDClassifier: Estimator {
    /// `loss`, default `hinge`.
    public var loss: SGDLoss
    /// `penalty`, default `l2`.
    public var penalty: SGDPenalty
    /// `alpha`: regularisation strength and the scale of the learning-rate schedule; > 0. Default 1e-4.
    public var alpha: Double
    /// `l1_ratio` in [0, 1]: the L1 share of `elasticnet` (ignored by `l2` and `l1`). Default 0.15.
    public var l1Ratio: Double
    /// `max_iter`: epochs (passes over the data) at most; ≥ 1. Default 1000.
    public var maxIter: Int
    /// `tol`: stop once `n_iter_no_change` epochs in a row fail to lower the mean training objective
    /// by `tol`; `nil` (scikit-learn's `None`) always runs `max_iter` epochs. Default 1e-3.
    public var tol: Double?
    /// `n_iter_no_change`, ≥ 1. Default 5.
    public var nIterNoChange: Int
    /// `fit_intercept`, default true.
    public var fitIntercept: Bool
    /// `shuffle` the samples before each epoch (seeded), default true.
    public var shuffle: Bool

    public var name: String { "SGDClassifier" }

    public init(loss: SGDLoss = .hinge, penalty: SGDPenalty = .l2, alpha: Double = 1e-4, l1Ratio: Double = 0.15,
                maxIter: Int = 1000, tol: Double? = 1e-3, nIterNoChange: Int = 5, fitIntercept: Bool = true,
                shuffle: Bool = true) {
        self.loss = loss
        self.penalty = penalty
        self.alpha = alpha
        self.l1Ratio = l1Ratio
        self.maxIter = maxIter
        self.tol = tol
        self.nIterNoChange = nIterNoChange
        self.fitIntercept = fitIntercept
        self.shuffle = shuffle
    }

    /// Checks the hyper-parameters, with scikit-learn's ranges.
    public func validate() throws(LearningError) {
        guard alpha.isFinite, alpha > 0 else {
            throw LearningError("SGDClassifier: alpha must be positive with the 'optimal' learning rate (got \(alpha))")
        }
        guard l1Ratio >= 0, l1Ratio <= 1 else { throw LearningError("SGDClassifier: l1_ratio must be in [0, 1] (got \(l1Ratio))") }
        guard maxIter >= 1 else { throw LearningError("SGDClassifier: max_iter must be at least 1 (got \(maxIter))") }
        guard nIterNoChange >= 1 else { throw LearningError("SGDClassifier: n_iter_no_change must be at least 1 (got \(nIterNoChange))") }
        if let tol, tol.isNaN { throw LearningError("SGDClassifier: tol must be a number or nil") }
    }

    public func fit(_ data: Dataset, seed: UInt64) throws(LearningError) -> any TrainedClassifier {
        try fitLinear(data, seed: seed)
    }

    /// `fit`, returning the concrete model (decision values, coefficients).
    public func fitLinear(_ data: Dataset, seed: UInt64) throws(LearningError) -> LinearModel {
        try validate()
        guard data.count > 0 else { throw LearningError("SGDClassifier: cannot fit on no samples") }
        guard data.features.values.allSatisfy(\.isFinite) else {
            throw LearningError("SGDClassifier: the features contain NaN or infinity")
        }
        guard Set(data.labels).count >= 2 else {
            throw LearningError("SGDClassifier: needs samples of at least two classes (got \(Set(data.labels).count))")
        }
        let d = data.featureCount
        let x = data.features.values.map(Double.init)
        let problem = BinarySGD(loss: loss, penalty: penalty, alpha: alpha, l1Ratio: l1Ratio, maxIter: maxIter, tol: tol,
                                nIterNoChange: nIterNoChange, fitIntercept: fitIntercept, shuffle: shuffle)
        let positives = data.classCount == 2 ? [1] : Array(0..<data.classCount)
        var coefficients: [Double] = [], intercepts: [Double] = [], iterations = 0
        for k in positives {
            var random = SeededRandom(seed: seed, stream: "sgd/class/\(k)")
            let y = data.labels.map { $0 == k ? 1.0 : -1.0 }
            let result = try problem.fit(x: x, y: y, featureCount: d, random: &random)
            coefficients += result.weights
            intercepts.append(result.intercept)
            iterations = max(iterations, result.epochs)
        }
        let mapping: LinearModel.ProbabilityMapping = switch loss {
        case .logLoss: .normalisedLogistic
        case .modifiedHuber: .clippedLinear
        case .hinge: .softmax
        }
        return LinearModel(coefficients: coefficients, intercepts: intercepts, featureCount: d,
                           classCount: data.classCount, mapping: mapping, iterations: iterations)
    }
}
