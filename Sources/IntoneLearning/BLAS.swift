import COpenBLAS

/// Matrix products on OpenBLAS (`cblas_sgemm`), the thin wrapper the learning code calls.
public enum BLAS {
    /// How an operand enters a product.
    public enum Transpose: Sendable {
        case none, transposed
        var cblas: CBLAS_TRANSPOSE { self == .none ? CblasNoTrans : CblasTrans }
    }

    /// `C = alpha · op(A) · op(B) + beta · C` in float32.
    ///
    /// - Precondition: the shapes agree: op(A) is m × k, op(B) is k × n and C is m × n.
    public static func gemm(_ a: Matrix, _ b: Matrix, transposeA transA: Transpose = .none, transposeB transB: Transpose = .none,
                            alpha: Float = 1, beta: Float = 0, into c: inout Matrix) {
        let m = transA == .none ? a.rows : a.columns
        let k = transA == .none ? a.columns : a.rows
        let kB = transB == .none ? b.rows : b.columns
        let n = transB == .none ? b.columns : b.rows
        precondition(k == kB, "gemm: inner dimensions \(k) and \(kB) differ")
        precondition(c.rows == m && c.columns == n, "gemm: output is \(c.rows) x \(c.columns), expected \(m) x \(n)")
        if m == 0 || n == 0 { return }
        if k == 0 {
            for i in c.values.indices { c.values[i] *= beta }
            return
        }
        a.values.withUnsafeBufferPointer { pa in
            b.values.withUnsafeBufferPointer { pb in
                c.values.withUnsafeMutableBufferPointer { pc in
                    cblas_sgemm(CblasRowMajor, transA.cblas, transB.cblas, Int32(m), Int32(n), Int32(k), alpha,
                                pa.baseAddress, Int32(max(a.columns, 1)), pb.baseAddress, Int32(max(b.columns, 1)),
                                beta, pc.baseAddress, Int32(max(n, 1)))
                }
            }
        }
    }

    /// `op(A) · op(B)` as a new matrix.
    public static func multiply(_ a: Matrix, _ b: Matrix, transposeA transA: Transpose = .none, transposeB transB: Transpose = .none) -> Matrix {
        let m = transA == .none ? a.rows : a.columns
        let n = transB == .none ? b.columns : b.rows
        var c = Matrix(rows: m, columns: n)
        gemm(a, b, transposeA: transA, transposeB: transB, into: &c)
        return c
    }

    /// Sets how many threads OpenBLAS uses for one product (its default is one per core).
    public static func setThreads(_ count: Int) { openblas_set_num_threads(Int32(max(1, count))) }

    /// Threads OpenBLAS currently uses.
    public static var threads: Int { Int(openblas_get_num_threads()) }
}
