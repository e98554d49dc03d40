import IntoneRandom

/// How a variable starts, as Keras initialises it (the random ones draw from `SeededRandom`, so the
/// values follow Keras's distributions but not its random numbers).
enum Initializer: Sendable {
    case zeros
    case ones
    /// Keras `glorot_uniform`: U(−l, l) with `l = sqrt(6 / (fanIn + fanOut))`. For a Conv1D kernel
    /// `[k, in, out]` Keras takes `fanIn = k·in`, `fanOut = k·out`.
    case glorotUniform(fanIn: Int, fanOut: Int)
    /// Keras `orthogonal` (gain 1) for a `[rows, cols]` matrix: QR of a `[max, min]` standard normal
    /// matrix, columns of Q signed so R's diagonal is positive, transposed when rows < cols.
    case orthogonal(rows: Int, cols: Int)
    /// Keras LSTM bias with `unit_forget_bias`: zeros except ones for the forget gate `[units, 2·units)`.
    case lstmBias(units: Int)

    /// Fills `buffer` (row-major, the variable's shape) from `random`.
    func fill(_ buffer: UnsafeMutableBufferPointer<Float>, random: inout SeededRandom) {
        switch self {
        case .zeros:
            buffer.update(repeating: 0)
        case .ones:
            buffer.update(repeating: 1)
        case let .glorotUniform(fanIn, fanOut):
            let limit = (6.0 / Double(max(1, fanIn + fanOut))).squareRoot()
            for i in buffer.indices { buffer[i] = Float(random.uniform(-limit, limit)) }
        case let .orthogonal(rows, cols):
            let q = Self.orthogonalMatrix(rows: rows, cols: cols, random: &random)
            for i in buffer.indices { buffer[i] = Float(q[i]) }
        case let .lstmBias(units):
            buffer.update(repeating: 0)
            for i in units..<(2 * units) { buffer[i] = 1 }
        }
    }

    /// A `rows × cols` matrix with orthonormal rows (rows ≤ cols) or columns (rows ≥ cols), row-major.
    static func orthogonalMatrix(rows: Int, cols: Int, random: inout SeededRandom) -> [Double] {
        let tall = max(rows, cols), wide = min(rows, cols)
        // a: tall × wide standard normal, column j at a[i * wide + j].
        var a = (0..<(tall * wide)).map { _ in random.normal() }
        // Modified Gram–Schmidt on the columns: Q with R's diagonal positive, the same Q as Householder
        // QR followed by Keras's `q *= sign(diag(r))`.
        for j in 0..<wide {
            for p in 0..<j {
                var dot = 0.0
                for i in 0..<tall { dot += a[i * wide + p] * a[i * wide + j] }
                for i in 0..<tall { a[i * wide + j] -= dot * a[i * wide + p] }
            }
            var norm = 0.0
            for i in 0..<tall { norm += a[i * wide + j] * a[i * wide + j] }
            norm = norm.squareRoot()
            for i in 0..<tall { a[i * wide + j] /= norm }
        }
        if rows >= cols { return a }
        // rows < cols: the transpose, rows × cols.
        var t = [Double](repeating: 0, count: rows * cols)
        for i in 0..<tall { for j in 0..<wide { t[j * cols + i] = a[i * wide + j] } }
        return t
    }
}
