import IntoneFormats

/// Checks on arrays read from a model folder, which is untrusted input (a model shipped to workers
/// for scoring): every size, offset and index is checked before it is used, so a bad folder is a
/// `LearningError` naming the problem, never a trap or an out-of-bounds read.
enum ArchiveChecks {
    /// The ranges `offsets[i]..<offsets[i+1]`; offsets must start at 0, never decrease and end at `total`.
    static func ranges(_ offsets: [Int], total: Int, what: String) throws(LearningError) -> [Range<Int>] {
        guard let first = offsets.first, first == 0, offsets.last == total,
              zip(offsets, offsets.dropFirst()).allSatisfy({ $0 <= $1 }) else {
            throw LearningError("\(what) offsets do not run from 0 to \(total) without going back")
        }
        return zip(offsets, offsets.dropFirst()).map { $0..<$1 }
    }

    /// `a × b`, or an error when either is negative or the product overflows.
    static func product(_ a: Int, _ b: Int, what: String) throws(LearningError) -> Int {
        let (p, overflow) = a.multipliedReportingOverflow(by: b)
        guard a >= 0, b >= 0, !overflow else { throw LearningError("\(what): \(a) × \(b) is not a size") }
        return p
    }

    /// A class count a model may have.
    static func classCount(_ k: Int, what: String) throws(LearningError) -> Int {
        guard (1...100_000).contains(k) else { throw LearningError("\(what) has \(k) classes") }
        return k
    }

    /// Node arrays of one tree in scikit-learn's layout: a node with `feature >= 0` splits, and its
    /// children come after it and inside the tree (so every walk ends at a leaf); returns the
    /// number of feature columns it reads (the largest feature index + 1).
    static func tree(feature: ArraySlice<Int32>, left: ArraySlice<Int32>, right: ArraySlice<Int32>, what: String) throws(LearningError) -> Int {
        let n = feature.count
        guard n > 0, left.count == n, right.count == n else { throw LearningError("\(what) has node arrays of different lengths") }
        var width = 0
        for (i, (f, (l, r))) in zip(feature, zip(left, right)).enumerated() where f >= 0 {
            guard l > i, r > i, l < n, r < n else { throw LearningError("\(what) node \(i) has children outside the tree or before it") }
            width = max(width, Int(f) + 1)
        }
        return width
    }
}
