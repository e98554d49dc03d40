/// A fitted classification tree: internal nodes test `x[feature] <= threshold` (go left) and leaves
/// hold class probabilities. Stored as flat arrays (scikit-learn's `tree_` layout), so it serialises
/// to arrays Python can read.
public struct DecisionTree: Codable, Equatable, Sendable {
    /// Per node: feature index, or -1 for a leaf.
    public var feature: [Int32]
    /// Per node: threshold (float64, as scikit-learn stores it).
    public var threshold: [Double]
    /// Per node: left child index (-1 for a leaf).
    public var left: [Int32]
    /// Per node: right child index (-1 for a leaf).
    public var right: [Int32]
    /// Per node: class probabilities (`classCount` values, row-major by node).
    public var value: [Double]
    /// Classes.
    public var classCount: Int

    /// Number of nodes.
    public var nodeCount: Int { feature.count }

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

    /// The leaf reached by `x` (a row of features).
    @inline(__always)
    public func leaf(for x: UnsafePointer<Float>) -> Int {
        var n = 0
        while feature[n] >= 0 {
            n = Double(x[Int(feature[n])]) <= threshold[n] ? Int(left[n]) : Int(right[n])
        }
        return n
    }

    /// Adds `weight ×` the class probabilities of each row's leaf into `out` (`rows × classCount`).
    public func accumulateProbabilities(_ x: Matrix, weight: Double = 1, into out: inout [Double]) {
        precondition(out.count == x.rows * classCount)
        x.values.withUnsafeBufferPointer { p in
            for i in 0..<x.rows {
                let l = leaf(for: p.baseAddress! + i * x.columns)
                for c in 0..<classCount { out[i * classCount + c] += weight * value[l * classCount + c] }
            }
        }
    }

    /// The most probable class of each row (lowest index on ties, as numpy's argmax).
    public func predict(_ x: Matrix) -> [Int] {
        var p = [Double](repeating: 0, count: x.rows * classCount)
        accumulateProbabilities(x, into: &p)
        return argmaxRows(p, columns: classCount)
    }
}

/// Index of the largest value in each row of a row-major matrix (first on ties).
func argmaxRows(_ values: [Double], columns: Int) -> [Int] {
    guard columns > 0 else { return [] }
    return (0..<(values.count / columns)).map { r in
        var best = 0
        for c in 1..<columns where values[r * columns + c] > values[r * columns + best] { best = c }
        return best
    }
}
