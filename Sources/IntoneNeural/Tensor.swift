/// A float32 array with a shape, row-major: the last axis varies fastest.
///
/// The layers use channels-last layouts: a batch of sequences is `[batch, time, channels]`, a batch of
/// feature vectors `[batch, features]`. This is storage, not an algebra: the layers compute on raw
/// buffers, and `Tensor` only carries data across the API.
public struct Tensor: Equatable, Sendable {
    /// Extent of each axis.
    public var shape: [Int]
    /// `shape.reduce(1, *)` values, row-major.
    public var values: [Float]

    /// Wraps `values` (row-major).
    ///
    /// - Precondition: every extent is ≥ 0 and `values.count` is their product.
    public init(shape: [Int], values: [Float]) {
        precondition(shape.allSatisfy { $0 >= 0 }, "Tensor: negative extent in \(shape)")
        precondition(values.count == shape.reduce(1, *), "Tensor: \(values.count) values for shape \(shape)")
        self.shape = shape
        self.values = values
    }

    /// A tensor of `shape` filled with `value` (default 0).
    public init(shape: [Int], repeating value: Float = 0) {
        self.init(shape: shape, values: [Float](repeating: value, count: shape.reduce(1, *)))
    }

    /// Number of values.
    public var count: Int { values.count }

    /// Number of axes.
    public var rank: Int { shape.count }
}
