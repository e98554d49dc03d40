/// Local derivative of each row over frames, `librosa.feature.delta(data, width=width, order=order)`
/// (librosa 0.11, `axis=-1, mode='interp'`), which is `scipy.signal.savgol_filter(data, window_length=width,
/// polyorder=order, deriv=order, mode='interp')` along frames.
///
/// The maths: around each frame `t`, a polynomial of degree `order` is fitted by least squares to the
/// `width` values centred on `t`, and its `order`-th derivative at `t` is the output. That is a fixed
/// FIR filter (Savitzky–Golay): `y[t] = Σₘ c[m] · x[t + m − h]` for `m = 0..<width`, `h = width / 2`, with
/// `c = order! · row_order of (VᵀV)⁻¹Vᵀ`, `V[j][i] = (j − h)ⁱ`. For `width = 9, order = 1` this is
/// `c[m] = (m − 4) / 60`, the classic regression delta.
///
/// Edges (`mode='interp'`): for the first and last `h` frames, one polynomial of degree `order` is
/// fitted to the first (last) `width` frames and differentiated at each of those frames' positions
/// (for `order = 1` every edge frame gets the slope of that line; for `order = 2` the constant second
/// derivative of that parabola).
///
/// Coefficients are computed generically in double precision (normal equations, solved by Gaussian
/// elimination with partial pivoting, positions centred for conditioning) and applied in double
/// precision, the result rounded to float32. scipy applies the interior filter in double precision too,
/// but solves the edge fits in float32 LAPACK for float32 input, so edge frames agree with librosa only
/// to about 1e-6 of the data's magnitude; interior frames agree to float32 rounding.
///
/// - Parameters:
///   - x: rows × frames (e.g. MFCC).
///   - width: odd window length, at least 3; default 9.
///   - order: derivative order (1 = delta, 2 = delta-delta), positive and less than `width`; default 1.
/// - Returns: a matrix the shape of `x`.
/// - Throws: as librosa, checked in its order: `FeatureError.signalTooShort` when `x` has fewer than
///   `width` frames (so an empty matrix throws too); `FeatureError.invalidParameter` when `width` is even
///   or below 3, when `order` is not positive, or when `order ≥ width` (scipy's `polyorder` check).
public func delta(_ x: FeatureMatrix, width: Int = 9, order: Int = 1) throws(FeatureError) -> FeatureMatrix {
    guard width <= x.frames else { throw .signalTooShort(samples: x.frames, needed: width) }
    guard width >= 3, width % 2 == 1 else {
        throw .invalidParameter("delta width must be an odd integer >= 3 (got \(width))")
    }
    guard order > 0 else { throw .invalidParameter("delta order must be a positive integer (got \(order))") }
    guard order < width else {
        throw .invalidParameter("delta order (Savitzky-Golay polyorder) must be less than width (got order \(order), width \(width))")
    }
    let h = width / 2
    let n = x.frames
    // Centred positions -h...h of the window's samples.
    let positions = (0..<width).map { Double($0 - h) }
    let interior = savitzkyGolayWeights(positions: positions, degree: order, derivative: order, at: 0)
    let leftEdge = (0..<h).map { savitzkyGolayWeights(positions: positions, degree: order, derivative: order, at: Double($0 - h)) }
    let rightEdge = (1...h).map { savitzkyGolayWeights(positions: positions, degree: order, derivative: order, at: Double($0)) }
    var out = [Float](repeating: 0, count: x.values.count)
    x.values.withUnsafeBufferPointer { v in
        for r in 0..<x.rows {
            let row = v.baseAddress! + r * n
            let dst = r * n
            for t in h..<(n - h) {
                var s = 0.0
                for m in 0..<width { s += interior[m] * Double(row[t + m - h]) }
                out[dst + t] = Float(s)
            }
            for t in 0..<h {
                var s = 0.0
                for j in 0..<width { s += leftEdge[t][j] * Double(row[j]) }
                out[dst + t] = Float(s)
            }
            for i in 0..<h {
                var s = 0.0
                for j in 0..<width { s += rightEdge[i][j] * Double(row[n - width + j]) }
                out[dst + n - h + i] = Float(s)
            }
        }
    }
    return FeatureMatrix(rows: x.rows, frames: n, values: out)
}

/// Weights `e` such that `Σⱼ e[j] · v[j]` is the `derivative`-th derivative, at `z`, of the least-squares
/// polynomial of `degree` through the points `(positions[j], v[j])`.
///
/// Solves the normal equations `(VᵀV) A = Vᵀ` (`V[j][i] = positions[j]ⁱ`) for the `(degree+1) × n` matrix
/// `A` mapping values to polynomial coefficients, then `e[j] = Σᵢ (dᵈ/dzᵈ zⁱ) · A[i][j]`.
func savitzkyGolayWeights(positions: [Double], degree: Int, derivative: Int, at z: Double) -> [Double] {
    let n = positions.count, m = degree + 1
    if derivative > degree { return [Double](repeating: 0, count: n) }
    var powers = [[Double]](repeating: [Double](repeating: 1, count: m), count: n)   // V, n × m
    for j in 0..<n {
        for i in 1..<m { powers[j][i] = powers[j][i - 1] * positions[j] }
    }
    // Augmented system [VᵀV | Vᵀ], m × (m + n).
    var a = [[Double]](repeating: [Double](repeating: 0, count: m + n), count: m)
    for i in 0..<m {
        for k in 0..<m {
            var s = 0.0
            for j in 0..<n { s += powers[j][i] * powers[j][k] }
            a[i][k] = s
        }
        for j in 0..<n { a[i][m + j] = powers[j][i] }
    }
    // Gauss-Jordan elimination with partial pivoting.
    for col in 0..<m {
        var pivot = col
        for r in (col + 1)..<m where abs(a[r][col]) > abs(a[pivot][col]) { pivot = r }
        a.swapAt(col, pivot)
        let p = a[col][col]
        precondition(p != 0, "Savitzky-Golay: singular system (fewer distinct positions than degree + 1)")
        for k in col..<(m + n) { a[col][k] /= p }
        for r in 0..<m where r != col {
            let f = a[r][col]
            if f == 0 { continue }
            for k in col..<(m + n) { a[r][k] -= f * a[col][k] }
        }
    }
    // d^derivative/dz^derivative of z^i = i!/(i-derivative)! z^(i-derivative).
    var basis = [Double](repeating: 0, count: m)
    for i in derivative..<m {
        var factor = 1.0
        var q = i
        while q > i - derivative { factor *= Double(q); q -= 1 }
        var zp = 1.0
        for _ in 0..<(i - derivative) { zp *= z }
        basis[i] = factor * zp
    }
    return (0..<n).map { j in
        var s = 0.0
        for i in 0..<m { s += basis[i] * a[i][m + j] }
        return s
    }
}
