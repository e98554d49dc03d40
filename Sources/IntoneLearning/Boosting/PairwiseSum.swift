/// numpy's pairwise summation (`DOUBLE_pairwise_sum`, blocks of 128 with 8 accumulators), which
/// `np.sum` and `np.mean` use on contiguous float64: reproduces their rounding exactly.
func numpyPairwiseSum(_ a: UnsafePointer<Double>, count n: Int) -> Double {
    if n < 8 {
        var r = 0.0
        for i in 0..<n { r += a[i] }
        return r
    } else if n <= 128 {
        var r0 = a[0], r1 = a[1], r2 = a[2], r3 = a[3], r4 = a[4], r5 = a[5], r6 = a[6], r7 = a[7]
        var i = 8
        while i < n - n % 8 {
            r0 += a[i]; r1 += a[i + 1]; r2 += a[i + 2]; r3 += a[i + 3]
            r4 += a[i + 4]; r5 += a[i + 5]; r6 += a[i + 6]; r7 += a[i + 7]
            i += 8
        }
        var res = ((r0 + r1) + (r2 + r3)) + ((r4 + r5) + (r6 + r7))
        while i < n { res += a[i]; i += 1 }
        return res
    } else {
        var half = n / 2
        half -= half % 8
        return numpyPairwiseSum(a, count: half) + numpyPairwiseSum(a + half, count: n - half)
    }
}
