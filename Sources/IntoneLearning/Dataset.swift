/// A labelled design matrix: `samples × features` float32 values, an integer class per sample, and a
/// group (speaker) per sample for grouped cross-validation.
public struct Dataset: Sendable, Equatable {
    /// Row-major features, one row per sample.
    public var features: Matrix
    /// Class index per sample, in `0..<classCount`.
    public var labels: [Int]
    /// Number of classes (labels may not use them all).
    public var classCount: Int
    /// Group key per sample (speaker), or empty.
    public var groups: [String]

    public init(features: Matrix, labels: [Int], classCount: Int, groups: [String] = []) {
        precondition(features.rows == labels.count, "Dataset: \(features.rows) rows for \(labels.count) labels")
        precondition(labels.allSatisfy { $0 >= 0 && $0 < classCount }, "Dataset: label out of range")
        precondition(groups.isEmpty || groups.count == labels.count, "Dataset: groups must match samples")
        self.features = features
        self.labels = labels
        self.classCount = classCount
        self.groups = groups
    }

    /// Number of samples.
    public var count: Int { labels.count }
    /// Number of features per sample.
    public var featureCount: Int { features.columns }

    /// The samples at `indices`, in that order (repeats allowed).
    /// The same rows with only the feature `columns`, in that order.
    public func selectingFeatures(_ columns: [Int]) -> Dataset {
        var values = [Float](repeating: 0, count: count * columns.count)
        let d = featureCount, w = columns.count
        for i in 0..<count {
            for (k, c) in columns.enumerated() { values[i * w + k] = features.values[i * d + c] }
        }
        return Dataset(features: Matrix(rows: count, columns: w, values: values), labels: labels, classCount: classCount, groups: groups)
    }

    public func subset(_ indices: [Int]) -> Dataset {
        var values = [Float](repeating: 0, count: indices.count * featureCount)
        let d = featureCount
        features.values.withUnsafeBufferPointer { src in
            values.withUnsafeMutableBufferPointer { dst in
                for (k, i) in indices.enumerated() {
                    for j in 0..<d { dst[k * d + j] = src[i * d + j] }
                }
            }
        }
        return Dataset(features: Matrix(rows: indices.count, columns: d, values: values),
                       labels: indices.map { labels[$0] }, classCount: classCount,
                       groups: groups.isEmpty ? [] : indices.map { groups[$0] })
    }

    /// Row `i` of the features.
    public func row(_ i: Int) -> ArraySlice<Float> { features.values[(i * featureCount)..<((i + 1) * featureCount)] }
}
