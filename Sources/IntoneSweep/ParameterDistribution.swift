import Foundation
import IntoneLearning
import IntoneRandom

/// A parameter drawn at random rather than listed: `{loguniform: [1.0e-4, 1.0e-2]}`,
/// `{uniform: [0.1, 0.5]}` or `{randint: [16, 65]}` in a spec (scipy.stats' names; `randint`'s high
/// end is exclusive, as scipy's). Only with `search: random`, which then draws `n_samples`
/// configurations as scikit-learn's `ParameterSampler` does: a grid at random, then each of its
/// parameters (a listed one uniformly from its list).
public enum ParameterDistribution: Equatable, Sendable {
    case uniform(low: Double, high: Double)
    case logUniform(low: Double, high: Double)
    case randomInteger(low: Int, high: Int)

    public static let names = ["uniform", "loguniform", "randint"]

    /// One draw.
    func draw(_ random: inout SeededRandom) -> ParameterValue {
        switch self {
        case .uniform(let lo, let hi): return .double(random.uniform(lo, hi))
        case .logUniform(let lo, let hi): return .double(exp(random.uniform(log(lo), log(hi))))
        case .randomInteger(let lo, let hi): return .int(lo + random.integer(below: hi - lo))
        }
    }

    /// The ends of its range (what the spec check builds the estimator with).
    var extremes: [ParameterValue] {
        switch self {
        case .uniform(let lo, let hi), .logUniform(let lo, let hi): return [.double(lo), .double(hi)]
        case .randomInteger(let lo, let hi): return [.int(lo), .int(hi - 1)]
        }
    }
}

extension SweepSpec {
    /// Whether any grid draws a parameter from a distribution.
    public var hasDistributions: Bool { estimators.contains { !$0.distributions.isEmpty } }

    /// `n` configurations drawn as scikit-learn's ParameterSampler draws from a list of grids with
    /// distributions (with replacement): estimator index and parameters, in draw order.
    public func sampledConfigurations(_ n: Int) -> [(grid: Int, parameters: [String: ParameterValue])] {
        var random = SeededRandom(seed: seed, stream: "sweep/random-search/distributions")
        return (0..<n).map { _ in
            let g = random.integer(below: estimators.count)
            var p: [String: ParameterValue] = [:]
            for axis in estimators[g].axes { p[axis.name] = axis.values[random.integer(below: axis.values.count)] }
            for name in estimators[g].distributions.keys.sorted() { p[name] = estimators[g].distributions[name]!.draw(&random) }
            return (g, p)
        }
    }
}
