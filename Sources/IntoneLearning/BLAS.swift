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

    /// `C = alpha · op(A) · op(B) + beta · C` in float32 on raw row-major storage, for callers that keep
    /// their operands in larger buffers (a time step of a sequence, a layer's slice of a parameter buffer).
    ///
    /// op(A) is m × k, op(B) is k × n and C is m × n; `lda`, `ldb` and `ldc` are the row strides of A, B
    /// and C *as stored* (so A stored k × m when transposed). With k = 0 the product is empty and C is
    /// only scaled by beta; with m = 0 or n = 0 nothing is touched.
    public static func gemm(m: Int, n: Int, k: Int, alpha: Float = 1,
                            _ a: UnsafePointer<Float>, lda: Int, transposeA transA: Transpose = .none,
                            _ b: UnsafePointer<Float>, ldb: Int, transposeB transB: Transpose = .none,
                            beta: Float = 0, _ c: UnsafeMutablePointer<Float>, ldc: Int) {
        if m == 0 || n == 0 { return }
        if k == 0 {
            for r in 0..<m {
                for j in 0..<n { c[r * ldc + j] = beta == 0 ? 0 : c[r * ldc + j] * beta }
            }
            return
        }
        cblas_sgemm(CblasRowMajor, transA.cblas, transB.cblas, Int32(m), Int32(n), Int32(k), alpha,
                    a, Int32(lda), b, Int32(ldb), beta, c, Int32(ldc))
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
