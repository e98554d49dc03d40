import Testing
import IntoneLearning

/// `BLAS.gemm` against the obvious triple loop.
struct BLASTests {
    /// Deterministic pseudo-random values in [-1, 1) (a 64-bit LCG).
    static func matrix(_ rows: Int, _ columns: Int, seed: UInt64) -> Matrix {
        var state = seed
        let values = (0..<(rows * columns)).map { _ -> Float in
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Float(Double(state >> 11) / Double(1 << 53)) * 2 - 1
        }
        return Matrix(rows: rows, columns: columns, values: values)
    }

    static func naive(_ a: Matrix, _ b: Matrix) -> Matrix {
        var c = Matrix(rows: a.rows, columns: b.columns)
        for i in 0..<a.rows { for j in 0..<b.columns {
            var s = 0.0
            for k in 0..<a.columns { s += Double(a[i, k]) * Double(b[k, j]) }
            c[i, j] = Float(s)
        } }
        return c
    }

    @Test(arguments: [(1, 1, 1), (3, 5, 7), (64, 33, 17), (128, 128, 128)])
    func productMatchesTripleLoop(_ m: Int, _ k: Int, _ n: Int) {
        let a = Self.matrix(m, k, seed: 1), b = Self.matrix(k, n, seed: 2)
        let c = BLAS.multiply(a, b)
        let ref = Self.naive(a, b)
        for i in c.values.indices {
            // float32 accumulation over k terms of magnitude ≤ 1: error ≤ k · 2⁻²³ · small constant.
            #expect(abs(c.values[i] - ref.values[i]) <= Float(k) * 3e-7)
        }
    }

    @Test func transposedOperandsAndAccumulate() {
        let a = Self.matrix(6, 4, seed: 3), b = Self.matrix(5, 6, seed: 4)
        // (aᵀ)(bᵀ) = (b a)ᵀ
        let c = BLAS.multiply(a, b, transposeA: .transposed, transposeB: .transposed)
        let ref = Self.naive(b, a).transposed()
        #expect(c.rows == 4 && c.columns == 5)
        for i in c.values.indices { #expect(abs(c.values[i] - ref.values[i]) < 1e-5) }
        var acc = Matrix(rows: 4, columns: 5, repeating: 1)
        BLAS.gemm(a, b, transposeA: .transposed, transposeB: .transposed, alpha: 2, beta: 0.5, into: &acc)
        for i in acc.values.indices { #expect(abs(acc.values[i] - (2 * ref.values[i] + 0.5)) < 1e-5) }
    }

    @Test func emptyInnerDimensionScalesOutput() {
        var c = Matrix(rows: 2, columns: 2, repeating: 4)
        BLAS.gemm(Matrix(rows: 2, columns: 0), Matrix(rows: 0, columns: 2), beta: 0.25, into: &c)
        #expect(c.values == [1, 1, 1, 1])
    }
}
