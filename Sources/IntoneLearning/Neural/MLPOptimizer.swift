import Foundation

/// The solver of an `MLPClassifier` (scikit-learn's `solver`; `lbfgs` is not provided).
public enum MLPSolver: String, Codable, Sendable, CaseIterable {
    /// Adam (Kingma & Ba): per batch `t ← t + 1`, `m ← β₁m + (1 − β₁)g`, `v ← β₂v + (1 − β₂)g²`,
    /// `θ ← θ − η·sqrt(1 − β₂ᵗ)/(1 − β₁ᵗ) · m / (sqrt(v) + ε)` with `η = learning_rate_init`.
    /// scikit-learn ignores `learning_rate` (the schedule) with Adam, and so does this.
    case adam
    /// Stochastic gradient descent with momentum μ: `v ← μv − η·g`, then `θ ← θ + v`, or with
    /// Nesterov's momentum `θ ← θ + μv − η·g`. The step η follows `learning_rate`.
    case sgd
}

/// How the `sgd` solver's step size changes (scikit-learn's `learning_rate`; unused by `adam`).
public enum MLPLearningRate: String, Codable, Sendable, CaseIterable {
    /// `η = learning_rate_init` throughout.
    case constant
    /// After each epoch `η = learning_rate_init / (t + 1)^power_t`, `t` the samples seen so far.
    case invscaling
    /// `η` stays at `learning_rate_init` while training improves; each time `n_iter_no_change + 1`
    /// epochs in a row fail to improve the training loss (or the validation score, with early
    /// stopping) by `tol`, η is divided by 5, and training stops once η would start at or below 1e-6.
    case adaptive
}

/// The state of scikit-learn's `AdamOptimizer` / `SGDOptimizer`: one moment (or velocity) buffer per
/// parameter array, float32 like the parameters.
struct MLPOptimizer {
    let solver: MLPSolver
    let schedule: MLPLearningRate
    let learningRateInit: Double
    let powerT: Double
    let beta1: Double, beta2: Double, epsilon: Double
    let momentum: Double, nesterov: Bool
    /// The current step size (for Adam, the bias-corrected one of the last step).
    private(set) var learningRate: Double
    private var step = 0
    private var first: [[Float]]
    private var second: [[Float]]

    /// State for parameter arrays of the given sizes.
    init(sizes: [Int], solver: MLPSolver, schedule: MLPLearningRate, learningRateInit: Double, powerT: Double,
         beta1: Double, beta2: Double, epsilon: Double, momentum: Double, nesterov: Bool) {
        self.solver = solver
        self.schedule = schedule
        self.learningRateInit = learningRateInit
        self.powerT = powerT
        self.beta1 = beta1
        self.beta2 = beta2
        self.epsilon = epsilon
        self.momentum = momentum
        self.nesterov = nesterov
        self.learningRate = learningRateInit
        first = sizes.map { [Float](repeating: 0, count: $0) }
        second = solver == .adam ? first : []
    }

    /// Starts a batch's update (Adam advances its time step and bias correction).
    mutating func beginStep() {
        guard solver == .adam else { return }
        step += 1
        let t = Double(step)
        learningRate = learningRateInit * (1 - Foundation.pow(beta2, t)).squareRoot() / (1 - Foundation.pow(beta1, t))
    }

    /// Applies the update for parameter array number `slot` (coefs first, then intercepts).
    mutating func update(_ parameter: inout [Float], gradient: [Float], slot: Int) {
        precondition(parameter.count == gradient.count && first[slot].count == gradient.count)
        let eta = Float(learningRate)
        switch solver {
        case .adam:
            let b1 = Float(beta1), b2 = Float(beta2), eps = Float(epsilon)
            for i in parameter.indices {
                let g = gradient[i]
                let m = b1 * first[slot][i] + (1 - b1) * g
                let v = b2 * second[slot][i] + (1 - b2) * (g * g)
                first[slot][i] = m
                second[slot][i] = v
                parameter[i] += -eta * m / (v.squareRoot() + eps)
            }
        case .sgd:
            let mu = Float(momentum)
            for i in parameter.indices {
                let g = gradient[i]
                let velocity = mu * first[slot][i] - eta * g
                first[slot][i] = velocity
                parameter[i] += nesterov ? mu * velocity - eta * g : velocity
            }
        }
    }

    /// End of an epoch after `samplesSeen` samples in all: `invscaling` recomputes the step.
    mutating func epochEnded(samplesSeen: Int) {
        if solver == .sgd && schedule == .invscaling {
            learningRate = learningRateInit / Foundation.pow(Double(samplesSeen + 1), powerT)
        }
    }

    /// Called when progress has stalled: true to stop; `adaptive` SGD instead divides the step by 5
    /// (unless it is already ≤ 1e-6) and returns false.
    mutating func stalled() -> Bool {
        guard solver == .sgd, schedule == .adaptive else { return true }
        if learningRate <= 1e-6 { return true }
        learningRate /= 5
        return false
    }
}
