/// One regression tree of a gradient-boosted ensemble (scikit-learn's `TreePredictor` nodes), stored
/// as flat arrays in depth-first order (a node, its left subtree, then its right subtree).
///
/// Internal nodes send `x` left iff `x[feature] ≤ threshold`, which on training data is the same as
/// `bin ≤ binThreshold`. A NaN at prediction time follows `missingGoesLeft` (towards the child that
/// had more training samples, as scikit-learn does for features without missing values in training).
/// Leaves hold their value already multiplied by the learning rate.
public struct BoostedTree: Codable, Equatable, Sendable {
    /// Per node: feature index, or −1 for a leaf.
    public var feature: [Int32]
    /// Per node: real threshold, `bin_thresholds_[feature][binThreshold]` (unused for leaves).
    public var threshold: [Double]
    /// Per node: last bin that goes left (unused for leaves).
    public var binThreshold: [UInt8]
    /// Per node: where NaN goes.
    public var missingGoesLeft: [Bool]
    /// Per node: children (−1 for leaves).
    public var left: [Int32]
    public var right: [Int32]
    /// Per node: the raw-score contribution of a leaf (0 for internal nodes).
    public var value: [Double]
    /// Per node: training samples that reached it.
    public var count: [Int32]

    /// Number of nodes.
    public var nodeCount: Int { feature.count }

    /// Number of leaves.
    public var leafCount: Int { feature.lazy.filter { $0 < 0 }.count }

    /// Depth of the deepest leaf (a lone leaf has depth 0).
    public var depth: Int {
        var best = 0
        var stack: [(Int, Int)] = [(0, 0)]
        while let (n, d) = stack.popLast() {
            best = max(best, d)
            if feature[n] >= 0 { stack.append((Int(left[n]), d + 1)); stack.append((Int(right[n]), d + 1)) }
        }
        return best
    }

    /// The value of the leaf reached by the row at `x`.
    @inline(__always)
    public func predict(_ x: UnsafePointer<Float>) -> Double {
        var n = 0
        while feature[n] >= 0 {
            let v = x[Int(feature[n])]
            let goLeft = v.isNaN ? missingGoesLeft[n] : Double(v) <= threshold[n]
            n = Int(goLeft ? left[n] : right[n])
        }
        return value[n]
    }
}
