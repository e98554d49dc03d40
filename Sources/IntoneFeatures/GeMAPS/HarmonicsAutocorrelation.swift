import Foundation

/// The autocorrelation `cHarmonics::computeAcf` derives from a magnitude spectrum: the squared
/// magnitudes are packed as a real spectrum (imaginary parts zero), inverse-transformed with a
/// single-precision Ooura `rdft(N, -1, …)` (no 2/N scaling), and the first `bins` absolute values
/// are divided by `bins`.
///
/// This is Ooura's radix-4 `fft4g.c` in `Float`. The shipped `libSMILEapi.so` of the opensmile
/// Python package links Ooura's split-radix `fftsg.c` instead (its exported symbols are
/// `cftrec4`, `cftleaf`, `cftb1st`, …), which sums in a different order: ACF values therefore agree
/// with openSMILE to float rounding (~1e-7 relative) but not bit for bit, and the HNR read from
/// them agrees to a few 1e-6 relative.
struct HarmonicsSpectralAutocorrelation {
    /// FFT length N = 2 · (bins − 1).
    let length: Int
    private let ip: [Int]
    private let w: [Float]

    /// Prepares tables for spectra of `bins` = N/2 + 1 values; nil if N is not a power of two ≥ 8
    /// (openSMILE refuses such input).
    init?(bins: Int) {
        let n = (bins - 1) * 2
        guard n >= 8, n & (n - 1) == 0 else { return nil }
        length = n
        var ip = [Int](repeating: 0, count: n + 2)
        var w = [Float](repeating: 0, count: (n * 5) / 4 + 2)
        let nw = n >> 2
        Self.makewt(nw, &ip, &w)
        let nc = n >> 2
        Self.makect(nc, &ip, &w, offset: nw)
        self.ip = ip
        self.w = w
    }

    /// The ACF of `magnitudes` (N/2 + 1 values), `bins` values long.
    func acf(of magnitudes: [Float]) -> [Float] {
        let n = length
        let bins = n / 2 + 1
        var a = [Float](repeating: 0, count: n)
        a[0] = magnitudes[0] * magnitudes[0]
        a[1] = magnitudes[bins - 1] * magnitudes[bins - 1]
        var i = 2
        while i < n - 1 {
            let m = magnitudes[i >> 1]
            a[i] = m * m
            a[i + 1] = 0
            i += 2
        }
        inverseRealDFT(&a)
        var out = [Float](repeating: 0, count: bins)
        for k in 0..<min(n, bins) {
            out[k] = abs(a[k]) / Float(bins)
        }
        return out
    }

    /// `rdft(n, -1, a, ip, w)` with tables already made.
    private func inverseRealDFT(_ a: inout [Float]) {
        let n = length
        let nw = n >> 2
        let nc = n >> 2
        a[1] = 0.5 * (a[0] - a[1])
        a[0] -= a[1]
        var ipWork = ip
        w.withUnsafeBufferPointer { wb in
            let wp = wb.baseAddress!
            a.withUnsafeMutableBufferPointer { ab in
                let ap = ab.baseAddress!
                // n ≥ 8 (init refuses less), so fft4g's n == 4 branch (cftfsub) never runs.
                Self.rftbsub(n, ap, nc, wp + nw)
                ipWork.withUnsafeMutableBufferPointer { ipb in
                    Self.bitrv2(n, ipb.baseAddress! + 2, ap)
                }
                Self.cftbsub(n, ap, wp)
            }
        }
    }

    // MARK: - Ooura fft4g (single precision), only the routines the inverse real DFT needs.

    private static func makewt(_ nw: Int, _ ip: inout [Int], _ w: inout [Float]) {
        ip[0] = nw
        ip[1] = 1
        if nw > 2 {
            let nwh = nw >> 1
            let delta = Float(atan(1.0) / Double(nwh))
            w[0] = 1
            w[1] = 0
            w[nwh] = Float(cos(Double(delta * Float(nwh))))
            w[nwh + 1] = w[nwh]
            if nwh > 2 {
                var j = 2
                while j < nwh {
                    let x = Float(cos(Double(delta * Float(j))))
                    let y = Float(sin(Double(delta * Float(j))))
                    w[j] = x
                    w[j + 1] = y
                    w[nw - j] = y
                    w[nw - j + 1] = x
                    j += 2
                }
                ip.withUnsafeMutableBufferPointer { ipb in
                    w.withUnsafeMutableBufferPointer { wb in
                        bitrv2(nw, ipb.baseAddress! + 2, wb.baseAddress!)
                    }
                }
            }
        }
    }

    private static func makect(_ nc: Int, _ ip: inout [Int], _ w: inout [Float], offset: Int) {
        ip[1] = nc
        if nc > 1 {
            let nch = nc >> 1
            let delta = Float(atan(1.0) / Double(nch))
            w[offset] = Float(cos(Double(delta * Float(nch))))
            w[offset + nch] = Float(0.5 * Double(w[offset]))
            for j in 1..<nch {
                w[offset + j] = Float(0.5 * cos(Double(delta * Float(j))))
                w[offset + nc - j] = Float(0.5 * sin(Double(delta * Float(j))))
            }
        }
    }

    private static func bitrv2(_ n: Int, _ ip: UnsafeMutablePointer<Int>, _ a: UnsafeMutablePointer<Float>) {
        ip[0] = 0
        var l = n
        var m = 1
        while (m << 3) < l {
            l >>= 1
            for j in 0..<m { ip[m + j] = ip[j] + l }
            m <<= 1
        }
        let m2 = 2 * m
        @inline(__always) func swap(_ j1: Int, _ k1: Int) {
            let xr = a[j1], xi = a[j1 + 1]
            let yr = a[k1], yi = a[k1 + 1]
            a[j1] = yr; a[j1 + 1] = yi
            a[k1] = xr; a[k1 + 1] = xi
        }
        if (m << 3) == l {
            for k in 0..<m {
                for j in 0..<k {
                    var j1 = 2 * j + ip[k]
                    var k1 = 2 * k + ip[j]
                    swap(j1, k1)
                    j1 += m2; k1 += 2 * m2
                    swap(j1, k1)
                    j1 += m2; k1 -= m2
                    swap(j1, k1)
                    j1 += m2; k1 += 2 * m2
                    swap(j1, k1)
                }
                let j1 = 2 * k + m2 + ip[k]
                let k1 = j1 + m2
                swap(j1, k1)
            }
        } else {
            for k in 1..<max(m, 1) {
                for j in 0..<k {
                    var j1 = 2 * j + ip[k]
                    var k1 = 2 * k + ip[j]
                    swap(j1, k1)
                    j1 += m2; k1 += m2
                    swap(j1, k1)
                }
            }
        }
    }

    private static func cftbsub(_ n: Int, _ a: UnsafeMutablePointer<Float>, _ w: UnsafePointer<Float>) {
        var l = 2
        if n > 8 {
            cft1st(n, a, w)
            l = 8
            while (l << 2) < n {
                cftmdl(n, l, a, w)
                l <<= 2
            }
        }
        if (l << 2) == n {
            var j = 0
            while j < l {
                let j1 = j + l, j2 = j1 + l, j3 = j2 + l
                let x0r = a[j] + a[j1], x0i = -a[j + 1] - a[j1 + 1]
                let x1r = a[j] - a[j1], x1i = -a[j + 1] + a[j1 + 1]
                let x2r = a[j2] + a[j3], x2i = a[j2 + 1] + a[j3 + 1]
                let x3r = a[j2] - a[j3], x3i = a[j2 + 1] - a[j3 + 1]
                a[j] = x0r + x2r; a[j + 1] = x0i - x2i
                a[j2] = x0r - x2r; a[j2 + 1] = x0i + x2i
                a[j1] = x1r - x3i; a[j1 + 1] = x1i - x3r
                a[j3] = x1r + x3i; a[j3 + 1] = x1i + x3r
                j += 2
            }
        } else {
            var j = 0
            while j < l {
                let j1 = j + l
                let x0r = a[j] - a[j1], x0i = -a[j + 1] + a[j1 + 1]
                a[j] += a[j1]; a[j + 1] = -a[j + 1] - a[j1 + 1]
                a[j1] = x0r; a[j1 + 1] = x0i
                j += 2
            }
        }
    }

    private static func cft1st(_ n: Int, _ a: UnsafeMutablePointer<Float>, _ w: UnsafePointer<Float>) {
        var x0r = a[0] + a[2], x0i = a[1] + a[3]
        var x1r = a[0] - a[2], x1i = a[1] - a[3]
        var x2r = a[4] + a[6], x2i = a[5] + a[7]
        var x3r = a[4] - a[6], x3i = a[5] - a[7]
        a[0] = x0r + x2r; a[1] = x0i + x2i
        a[4] = x0r - x2r; a[5] = x0i - x2i
        a[2] = x1r - x3i; a[3] = x1i + x3r
        a[6] = x1r + x3i; a[7] = x1i - x3r
        var wk1r = w[2]
        x0r = a[8] + a[10]; x0i = a[9] + a[11]
        x1r = a[8] - a[10]; x1i = a[9] - a[11]
        x2r = a[12] + a[14]; x2i = a[13] + a[15]
        x3r = a[12] - a[14]; x3i = a[13] - a[15]
        a[8] = x0r + x2r; a[9] = x0i + x2i
        a[12] = x2i - x0i; a[13] = x0r - x2r
        x0r = x1r - x3i; x0i = x1i + x3r
        a[10] = wk1r * (x0r - x0i); a[11] = wk1r * (x0r + x0i)
        x0r = x3i + x1r; x0i = x3r - x1i
        a[14] = wk1r * (x0i - x0r); a[15] = wk1r * (x0i + x0r)
        var k1 = 0
        var j = 16
        while j < n {
            k1 += 2
            let k2 = 2 * k1
            let wk2r = w[k1], wk2i = w[k1 + 1]
            wk1r = w[k2]
            var wk1i = w[k2 + 1]
            var wk3r = wk1r - 2 * wk2i * wk1i
            var wk3i = 2 * wk2i * wk1r - wk1i
            x0r = a[j] + a[j + 2]; x0i = a[j + 1] + a[j + 3]
            x1r = a[j] - a[j + 2]; x1i = a[j + 1] - a[j + 3]
            x2r = a[j + 4] + a[j + 6]; x2i = a[j + 5] + a[j + 7]
            x3r = a[j + 4] - a[j + 6]; x3i = a[j + 5] - a[j + 7]
            a[j] = x0r + x2r; a[j + 1] = x0i + x2i
            x0r -= x2r; x0i -= x2i
            a[j + 4] = wk2r * x0r - wk2i * x0i; a[j + 5] = wk2r * x0i + wk2i * x0r
            x0r = x1r - x3i; x0i = x1i + x3r
            a[j + 2] = wk1r * x0r - wk1i * x0i; a[j + 3] = wk1r * x0i + wk1i * x0r
            x0r = x1r + x3i; x0i = x1i - x3r
            a[j + 6] = wk3r * x0r - wk3i * x0i; a[j + 7] = wk3r * x0i + wk3i * x0r
            wk1r = w[k2 + 2]
            wk1i = w[k2 + 3]
            wk3r = wk1r - 2 * wk2r * wk1i
            wk3i = 2 * wk2r * wk1r - wk1i
            x0r = a[j + 8] + a[j + 10]; x0i = a[j + 9] + a[j + 11]
            x1r = a[j + 8] - a[j + 10]; x1i = a[j + 9] - a[j + 11]
            x2r = a[j + 12] + a[j + 14]; x2i = a[j + 13] + a[j + 15]
            x3r = a[j + 12] - a[j + 14]; x3i = a[j + 13] - a[j + 15]
            a[j + 8] = x0r + x2r; a[j + 9] = x0i + x2i
            x0r -= x2r; x0i -= x2i
            a[j + 12] = -wk2i * x0r - wk2r * x0i; a[j + 13] = -wk2i * x0i + wk2r * x0r
            x0r = x1r - x3i; x0i = x1i + x3r
            a[j + 10] = wk1r * x0r - wk1i * x0i; a[j + 11] = wk1r * x0i + wk1i * x0r
            x0r = x1r + x3i; x0i = x1i - x3r
            a[j + 14] = wk3r * x0r - wk3i * x0i; a[j + 15] = wk3r * x0i + wk3i * x0r
            j += 16
        }
    }

    private static func cftmdl(_ n: Int, _ l: Int, _ a: UnsafeMutablePointer<Float>, _ w: UnsafePointer<Float>) {
        let m = l << 2
        var j = 0
        while j < l {
            let j1 = j + l, j2 = j1 + l, j3 = j2 + l
            let x0r = a[j] + a[j1], x0i = a[j + 1] + a[j1 + 1]
            let x1r = a[j] - a[j1], x1i = a[j + 1] - a[j1 + 1]
            let x2r = a[j2] + a[j3], x2i = a[j2 + 1] + a[j3 + 1]
            let x3r = a[j2] - a[j3], x3i = a[j2 + 1] - a[j3 + 1]
            a[j] = x0r + x2r; a[j + 1] = x0i + x2i
            a[j2] = x0r - x2r; a[j2 + 1] = x0i - x2i
            a[j1] = x1r - x3i; a[j1 + 1] = x1i + x3r
            a[j3] = x1r + x3i; a[j3 + 1] = x1i - x3r
            j += 2
        }
        let wk1rFirst = w[2]
        j = m
        while j < l + m {
            let j1 = j + l, j2 = j1 + l, j3 = j2 + l
            var x0r = a[j] + a[j1], x0i = a[j + 1] + a[j1 + 1]
            let x1r = a[j] - a[j1], x1i = a[j + 1] - a[j1 + 1]
            let x2r = a[j2] + a[j3], x2i = a[j2 + 1] + a[j3 + 1]
            let x3r = a[j2] - a[j3], x3i = a[j2 + 1] - a[j3 + 1]
            a[j] = x0r + x2r; a[j + 1] = x0i + x2i
            a[j2] = x2i - x0i; a[j2 + 1] = x0r - x2r
            x0r = x1r - x3i; x0i = x1i + x3r
            a[j1] = wk1rFirst * (x0r - x0i); a[j1 + 1] = wk1rFirst * (x0r + x0i)
            x0r = x3i + x1r; x0i = x3r - x1i
            a[j3] = wk1rFirst * (x0i - x0r); a[j3 + 1] = wk1rFirst * (x0i + x0r)
            j += 2
        }
        var k1 = 0
        let m2 = 2 * m
        var k = m2
        while k < n {
            k1 += 2
            let k2 = 2 * k1
            let wk2r = w[k1], wk2i = w[k1 + 1]
            var wk1r = w[k2], wk1i = w[k2 + 1]
            var wk3r = wk1r - 2 * wk2i * wk1i
            var wk3i = 2 * wk2i * wk1r - wk1i
            j = k
            while j < l + k {
                let j1 = j + l, j2 = j1 + l, j3 = j2 + l
                var x0r = a[j] + a[j1], x0i = a[j + 1] + a[j1 + 1]
                let x1r = a[j] - a[j1], x1i = a[j + 1] - a[j1 + 1]
                let x2r = a[j2] + a[j3], x2i = a[j2 + 1] + a[j3 + 1]
                let x3r = a[j2] - a[j3], x3i = a[j2 + 1] - a[j3 + 1]
                a[j] = x0r + x2r; a[j + 1] = x0i + x2i
                x0r -= x2r; x0i -= x2i
                a[j2] = wk2r * x0r - wk2i * x0i; a[j2 + 1] = wk2r * x0i + wk2i * x0r
                x0r = x1r - x3i; x0i = x1i + x3r
                a[j1] = wk1r * x0r - wk1i * x0i; a[j1 + 1] = wk1r * x0i + wk1i * x0r
                x0r = x1r + x3i; x0i = x1i - x3r
                a[j3] = wk3r * x0r - wk3i * x0i; a[j3 + 1] = wk3r * x0i + wk3i * x0r
                j += 2
            }
            wk1r = w[k2 + 2]
            wk1i = w[k2 + 3]
            wk3r = wk1r - 2 * wk2r * wk1i
            wk3i = 2 * wk2r * wk1r - wk1i
            j = k + m
            while j < l + (k + m) {
                let j1 = j + l, j2 = j1 + l, j3 = j2 + l
                var x0r = a[j] + a[j1], x0i = a[j + 1] + a[j1 + 1]
                let x1r = a[j] - a[j1], x1i = a[j + 1] - a[j1 + 1]
                let x2r = a[j2] + a[j3], x2i = a[j2 + 1] + a[j3 + 1]
                let x3r = a[j2] - a[j3], x3i = a[j2 + 1] - a[j3 + 1]
                a[j] = x0r + x2r; a[j + 1] = x0i + x2i
                x0r -= x2r; x0i -= x2i
                a[j2] = -wk2i * x0r - wk2r * x0i; a[j2 + 1] = -wk2i * x0i + wk2r * x0r
                x0r = x1r - x3i; x0i = x1i + x3r
                a[j1] = wk1r * x0r - wk1i * x0i; a[j1 + 1] = wk1r * x0i + wk1i * x0r
                x0r = x1r + x3i; x0i = x1i - x3r
                a[j3] = wk3r * x0r - wk3i * x0i; a[j3 + 1] = wk3r * x0i + wk3i * x0r
                j += 2
            }
            k += m2
        }
    }

    private static func rftbsub(_ n: Int, _ a: UnsafeMutablePointer<Float>, _ nc: Int, _ c: UnsafePointer<Float>) {
        a[1] = -a[1]
        let m = n >> 1
        let ks = 2 * nc / m
        var kk = 0
        var j = 2
        while j < m {
            let k = n - j
            kk += ks
            let wkr = 0.5 - c[nc - kk]
            let wki = c[kk]
            let xr = a[j] - a[k]
            let xi = a[j + 1] + a[k + 1]
            let yr = wkr * xr + wki * xi
            let yi = wkr * xi - wki * xr
            a[j] -= yr
            a[j + 1] = yi - a[j + 1]
            a[k] += yr
            a[k + 1] = yi - a[k + 1]
            j += 2
        }
        a[m + 1] = -a[m + 1]
    }
}
