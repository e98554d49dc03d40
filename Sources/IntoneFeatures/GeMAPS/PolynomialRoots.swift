import Foundation

/// openSMILE's polynomial root finder (`src/smileutil/zerosolve.cpp`, used by `cFormantLpc`):
/// the roots are the eigenvalues of the companion matrix, balanced by powers of two and then
/// reduced by the Francis double-shift QR iteration (at most 70 iterations per root, an
/// exceptional shift every 10, deflation when a sub-diagonal element is ≤ ε·(|neighbours|) with
/// ε = 2.2204460492503131e-16). Ported operation by operation in `Double`, so roots come out in
/// the same order and with the same rounding as openSMILE's.
public enum GeMAPSPolynomialRoots {
    /// openSMILE's `ZEROSOLVER_DBL_EPSILON`.
    static let epsilon = 2.2204460492503131e-16

    /// Finds the roots of a[0] + a[1]·x + … + a[n]·x^n.
    ///
    /// - Parameters:
    ///   - coefficients: `a`, lowest power first (`n + 1` values, `a[n] ≠ 0`).
    ///   - roots: interleaved (re, im) pairs, `2n` values; overwritten with the roots in openSMILE's
    ///     order (the QR iteration deflates from the bottom of the matrix, so root `n − 1` is found
    ///     first). If the iteration does not converge, roots found before that are written and the
    ///     rest of the buffer is left as it was, exactly as openSMILE leaves its reused buffer.
    /// - Returns: `true` if every root converged; `false` on failure or invalid input (then
    ///   `roots` is untouched except for roots already found).
    @discardableResult
    public static func solve(coefficients a: [Double], roots: inout [Double]) -> Bool {
        let n = a.count
        guard n >= 2, a[n - 1] != 0 else { return false }
        let nCol = n - 1
        if roots.count < 2 * nCol {
            roots += [Double](repeating: 0, count: 2 * nCol - roots.count)
        }
        var matrix = companionMatrix(a, nCol: nCol)
        balance(&matrix, nCol: nCol)
        return qrEigenvalues(&matrix, nc: nCol, roots: &roots)
    }

    /// `zerosolveSetCmatrix`: row-major nCol×nCol companion matrix, ones on the sub-diagonal and
    /// −a[i]/a[nCol] in the last column.
    static func companionMatrix(_ a: [Double], nCol: Int) -> [Double] {
        var m = [Double](repeating: 0, count: nCol * nCol)
        if nCol > 1 {
            for i in 1..<nCol { m[i * nCol + i - 1] = 1.0 }
        }
        for i in 0..<nCol { m[i * nCol + nCol - 1] = -a[i] / a[nCol] }
        return m
    }

    /// `zerosolveBalanceCmatrix`: balances the companion matrix with powers of the radix 2.
    static func balance(_ m: inout [Double], nCol: Int) {
        let radix = 2.0
        let radix2 = radix * radix
        var converged = false
        while !converged {
            converged = true
            for i in 0..<nCol {
                var normedCol: Double
                if i != nCol - 1 {
                    normedCol = abs(m[(i + 1) * nCol + i])
                } else {
                    normedCol = 0.0
                    var j = 0
                    while j < nCol - 1 {
                        normedCol += abs(m[j * nCol + nCol - 1])
                        j += 1
                    }
                }
                let normedRow: Double
                if i == 0 {
                    normedRow = abs(m[nCol - 1])
                } else if i == nCol - 1 {
                    normedRow = abs(m[i * nCol + i - 1])
                } else {
                    normedRow = abs(m[i * nCol + i - 1]) + abs(m[i * nCol + nCol - 1])
                }
                if normedCol == 0.0 || normedRow == 0.0 { continue }

                var tmp2 = 1.0
                var tmp1 = normedRow / radix
                let tmp3 = normedCol + normedRow
                while normedCol < tmp1 {
                    tmp2 *= radix
                    normedCol *= radix2
                }
                tmp1 = normedRow * radix
                while normedCol > tmp1 {
                    tmp2 /= radix
                    normedCol /= radix2
                }
                if (normedRow + normedCol) < 0.95 * tmp3 * tmp2 {
                    converged = false
                    tmp1 = 1.0 / tmp2
                    if i == 0 {
                        m[nCol - 1] *= tmp1
                    } else {
                        m[i * nCol + i - 1] *= tmp1
                        m[i * nCol + nCol - 1] *= tmp1
                    }
                    if i == nCol - 1 {
                        for j in 0..<nCol { m[j * nCol + i] *= tmp2 }
                    } else {
                        m[(i + 1) * nCol + i] *= tmp2
                    }
                }
            }
        }
    }

    /// `zerosolveQRhelper`: eigenvalues of an upper-Hessenberg matrix `h` (row-major, nc×nc) by
    /// the double-shift QR method. Indices below are 1-based as in the original (EISPACK hqr style).
    static func qrEigenvalues(_ h: inout [Double], nc: Int, roots: inout [Double]) -> Bool {
        @inline(__always) func at(_ i: Int, _ j: Int) -> Int { (i - 1) * nc + (j - 1) }
        var nIterations = 0
        var nn = nc
        var w = 0.0, s = 0.0
        var x = 0.0, y = 0.0, z = 0.0
        var p = 0.0, q = 0.0, r = 0.0
        var t = 0.0
        if nn == 0 { return true }

        while true {
            var e = nn
            while e >= 2 {
                let a1 = abs(h[at(e, e - 1)])
                let a2 = abs(h[at(e - 1, e - 1)])
                let a3 = abs(h[at(e, e)])
                if a1 <= epsilon * (a2 + a3) { break }
                e -= 1
            }
            x = h[at(nn, nn)]
            if e == nn {
                roots[2 * (nn - 1)] = x + t
                roots[2 * (nn - 1) + 1] = 0
                nn -= 1
                if nn == 0 { return true }
                nIterations = 0
                continue
            }
            y = h[at(nn - 1, nn - 1)]
            w = h[at(nn - 1, nn)] * h[at(nn, nn - 1)]
            if e == nn - 1 {
                p = (y - x) / 2
                q = p * p + w
                y = abs(q).squareRoot()
                x += t
                if q > 0 {
                    if p < 0 { y = -y }
                    y += p
                    roots[2 * (nn - 1)] = x - w / y
                    roots[2 * (nn - 1) + 1] = 0
                    roots[2 * (nn - 2)] = x + y
                    roots[2 * (nn - 2) + 1] = 0
                } else {
                    roots[2 * (nn - 1)] = x + p
                    roots[2 * (nn - 1) + 1] = -y
                    roots[2 * (nn - 2)] = x + p
                    roots[2 * (nn - 2) + 1] = y
                }
                nn -= 2
                if nn == 0 { return true }
                nIterations = 0
                continue
            }

            if nIterations == 70 { return false }
            if nIterations % 10 == 0 && nIterations > 0 {
                // exceptional shift
                t += x
                for i in 1...nn { h[at(i, i)] -= x }
                s = abs(h[at(nn, nn - 1)]) + abs(h[at(nn - 1, nn - 2)])
                y = 3.0 / 4.0 * s
                x = y
                w = -0.4375 * s * s
            }
            nIterations += 1

            var m = nn - 2
            while m >= e {
                z = h[at(m, m)]
                r = x - z
                s = y - z
                p = h[at(m, m + 1)] + (r * s - w) / h[at(m + 1, m)]
                q = h[at(m + 1, m + 1)] - z - r - s
                r = h[at(m + 2, m + 1)]
                s = abs(p) + abs(q) + abs(r)
                p /= s
                q /= s
                r /= s
                if m == e { break }
                let a1 = abs(h[at(m, m - 1)])
                let a2 = abs(h[at(m - 1, m - 1)])
                let a3 = abs(h[at(m + 1, m + 1)])
                if a1 * (abs(q) + abs(r)) <= epsilon * abs(p) * (a2 + a3) { break }
                m -= 1
            }
            var i = m + 2
            while i <= nn { h[at(i, i - 2)] = 0; i += 1 }
            i = m + 3
            while i <= nn { h[at(i, i - 3)] = 0; i += 1 }

            // double QR step
            var k = m
            while k <= nn - 1 {
                let isNotLast = k != nn - 1
                if k != m {
                    p = h[at(k, k - 1)]
                    q = h[at(k + 1, k - 1)]
                    r = isNotLast ? h[at(k + 2, k - 1)] : 0.0
                    x = abs(p) + abs(q) + abs(r)
                    if x == 0 { k += 1; continue }
                    p /= x
                    q /= x
                    r /= x
                }
                s = (p * p + q * q + r * r).squareRoot()
                if p < 0 { s = -s }
                if k != m {
                    h[at(k, k - 1)] = -s * x
                } else if e != m {
                    h[at(k, k - 1)] *= -1
                }
                p += s
                z = r / s
                y = q / s
                x = p / s
                r /= p
                q /= p

                // row modifications
                var j = k
                while j <= nn {
                    p = h[at(k, j)] + q * h[at(k + 1, j)]
                    if isNotLast {
                        p += r * h[at(k + 2, j)]
                        h[at(k + 2, j)] -= p * z
                    }
                    h[at(k + 1, j)] -= p * y
                    h[at(k, j)] -= p * x
                    j += 1
                }
                let jEnd = k + 3 < nn ? k + 3 : nn
                // column modifications
                var ii = e
                while ii <= jEnd {
                    p = x * h[at(ii, k)] + y * h[at(ii, k + 1)]
                    if isNotLast {
                        p += z * h[at(ii, k + 2)]
                        h[at(ii, k + 2)] -= p * r
                    }
                    h[at(ii, k + 1)] -= p * q
                    h[at(ii, k)] -= p
                    ii += 1
                }
                k += 1
            }
        }
    }
}
