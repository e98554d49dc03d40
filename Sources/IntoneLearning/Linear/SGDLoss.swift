import Foundation

/// The loss an `SGDClassifier` minimises (scikit-learn's `loss`), for a label `y ∈ {−1, +1}` and a
/// decision value `p = w·x + b`.
///
/// scikit-learn encodes the label as `{0, 1}` for `log_loss` (its `CyHalfBinomialLoss`); with
/// `y = 2·y01 − 1` the formulas below are the same function and gradient.
public enum SGDLoss: String, Codable, Sendable, CaseIterable {
    /// `max(0, 1 − y·p)`: a linear SVM. Subgradient `−y` where `y·p ≤ 1`, else 0.
    case hinge
    /// `log(1 + exp(−y·p))`: logistic regression. Gradient `−y / (1 + exp(y·p))`.
    case logLoss = "log_loss"
    /// Zhang's quadratically smoothed hinge, with `z = y·p`: 0 for `z ≥ 1`, `(1 − z)²` for
    /// `−1 ≤ z < 1`, `−4z` below. Gradient 0, `−2y(1 − z)`, `−4y`.
    case modifiedHuber = "modified_huber"

    /// The loss for label `y` (±1) and decision value `p`.
    @inline(__always)
    public func loss(_ y: Double, _ p: Double) -> Double {
        let z = y * p
        switch self {
        case .hinge:
            return z <= 1 ? 1 - z : 0
        case .logLoss:
            // log(1 + exp(−z)) without overflow.
            return z > 0 ? Foundation.log1p(Foundation.exp(-z)) : -z + Foundation.log1p(Foundation.exp(z))
        case .modifiedHuber:
            if z >= 1 { return 0 }
            if z >= -1 { return (1 - z) * (1 - z) }
            return -4 * z
        }
    }

    /// ∂loss/∂p for label `y` (±1) and decision value `p`.
    @inline(__always)
    public func gradient(_ y: Double, _ p: Double) -> Double {
        let z = y * p
        switch self {
        case .hinge:
            return z <= 1 ? -y : 0
        case .logLoss:
            // −y · σ(−z), evaluated on the side where exp cannot overflow.
            if z > 0 { let e = Foundation.exp(-z); return -y * e / (1 + e) }
            return -y / (1 + Foundation.exp(z))
        case .modifiedHuber:
            if z >= 1 { return 0 }
            if z >= -1 { return -2 * y * (1 - z) }
            return -4 * y
        }
    }
}

/// The regulariser of an `SGDClassifier` (scikit-learn's `penalty`), scaled by `alpha`:
/// `alpha · ((1 − ρ)/2 · ‖w‖² + ρ · ‖w‖₁)` with `ρ = l1_ratio` (0 for `l2`, 1 for `l1`).
/// The intercept is never penalised.
public enum SGDPenalty: String, Codable, Sendable, CaseIterable {
    /// `alpha/2 · ‖w‖²`, applied as weight decay `w ← w · max(0, 1 − η·alpha)` before each step.
    case l2
    /// `alpha · ‖w‖₁`, applied by truncated gradient after each step (Tsuruoka et al., 2009).
    case l1
    /// Both, mixed by `l1_ratio`.
    case elasticnet

    /// The L1 share ρ for a configured `l1_ratio` (which only `elasticnet` uses).
    func l1Share(_ l1Ratio: Double) -> Double {
        switch self {
        case .l2: return 0
        case .l1: return 1
        case .elasticnet: return l1Ratio
        }
    }
}
