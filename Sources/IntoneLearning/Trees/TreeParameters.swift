import Foundation

/// A count given either as a number or as a fraction of a total (scikit-learn's int-or-float parameters).
public enum CountOrFraction: Codable, Hashable, Sendable, CustomStringConvertible {
    case count(Int)
    case fraction(Double)

    /// The count for a total of `n`: `count` as is; `fraction` as `ceil(fraction × n)` (scikit-learn's
    /// rule for `min_samples_split` / `min_samples_leaf`).
    public func resolvedCeiling(of n: Int) -> Int {
        switch self {
        case .count(let c): return c
        case .fraction(let f): return Int((f * Double(n)).rounded(.up))
        }
    }

    public var description: String {
        switch self {
        case .count(let c): return String(c)
        case .fraction(let f): return String(f)
        }
    }
}

/// How many features a split may look at (scikit-learn's `max_features`).
public enum MaxFeatures: Codable, Hashable, Sendable, CustomStringConvertible {
    /// All features (`None`).
    case all
    /// `max(1, int(sqrt(n_features)))` (`"sqrt"`).
    case sqrt
    /// `max(1, int(log2(n_features)))` (`"log2"`).
    case log2
    /// Exactly this many (`int`).
    case count(Int)
    /// `max(1, int(fraction × n_features))` (`float`).
    case fraction(Double)

    /// The number of features for `n` features in all.
    public func resolved(for n: Int) -> Int {
        switch self {
        case .all: return n
        case .sqrt: return max(1, Int(Double(n).squareRoot()))
        case .log2: return max(1, Int(Foundation.log2(Double(n))))
        case .count(let c): return min(max(1, c), n)
        case .fraction(let f): return min(n, max(1, Int(f * Double(n))))
        }
    }

    public var description: String {
        switch self {
        case .all: return "None"
        case .sqrt: return "sqrt"
        case .log2: return "log2"
        case .count(let c): return String(c)
        case .fraction(let f): return String(f)
        }
    }
}

/// Settings of a CART decision tree (scikit-learn's `DecisionTreeClassifier`, Gini criterion, best splitter).
public struct TreeParameters: Codable, Hashable, Sendable {
    /// Deepest level (root is depth 0); `nil` grows until leaves are pure or too small. Default nil.
    public var maxDepth: Int?
    /// A node with fewer (weighted-unaware) samples is not split. Default 2.
    public var minSamplesSplit: CountOrFraction
    /// Each child must keep at least this many samples. Default 1.
    public var minSamplesLeaf: CountOrFraction
    /// Features examined per split (random subset, seeded). Default all.
    public var maxFeatures: MaxFeatures

    public init(maxDepth: Int? = nil, minSamplesSplit: CountOrFraction = .count(2), minSamplesLeaf: CountOrFraction = .count(1), maxFeatures: MaxFeatures = .all) {
        self.maxDepth = maxDepth
        self.minSamplesSplit = minSamplesSplit
        self.minSamplesLeaf = minSamplesLeaf
        self.maxFeatures = maxFeatures
    }
}
