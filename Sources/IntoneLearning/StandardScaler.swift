/// scikit-learn's `StandardScaler`: subtract each feature's mean and divide by its standard deviation,
/// both measured on the training data only (population standard deviation, `ddof=0`; a constant
/// feature keeps scale 1, as scikit-learn does). Means and variances are accumulated in double precision.
public struct StandardScaler: Codable, Equatable, Sendable {
    public var mean: [Double]
    public var scale: [Double]

    /// Measures `x` (rows = samples).
    public init(fitting x: Matrix) {
        let n = Double(max(x.rows, 1)), d = x.columns
        var mean = [Double](repeating: 0, count: d)
        for i in 0..<x.rows { for j in 0..<d { mean[j] += Double(x.values[i * d + j]) } }
        for j in 0..<d { mean[j] /= n }
        var variance = [Double](repeating: 0, count: d)
        for i in 0..<x.rows { for j in 0..<d { let v = Double(x.values[i * d + j]) - mean[j]; variance[j] += v * v } }
        self.mean = mean
        self.scale = variance.map { v in
            let s = (v / n).squareRoot()
            return s < 10 * Double.ulpOfOne ? 1 : s
        }
    }

    public init(mean: [Double], scale: [Double]) {
        self.mean = mean
        self.scale = scale
    }

    /// `(x − mean) / scale`, column-wise.
    public func transform(_ x: Matrix) -> Matrix {
        var out = x
        let d = x.columns
        for i in 0..<x.rows {
            for j in 0..<d { out.values[i * d + j] = Float((Double(x.values[i * d + j]) - mean[j]) / scale[j]) }
        }
        return out
    }
}
