/// openSMILE's `cContourSmoother` as eGeMAPS configures it: a 3-frame moving average over a contour.
///
/// The window processor that feeds it repeats the first frame before the contour and the last
/// frame after it, and at the end of input it emits one more frame than it read (the last value
/// smoothed with copies of itself), so a contour of `n` frames gives `n + 1`. With `skippingZeros`
/// (openSMILE's `noZeroSma = 1`, the `sma3nz` contours) a zero frame stays zero and zero
/// neighbours are left out of the average. Sums are accumulated in `Float` in openSMILE's order
/// (centre, then left and right), so the values round the same way.
public enum GeMAPSContourSmoother {
    /// The smoothed contour (`values.count + 1` frames; empty for an empty contour).
    public static func smooth(_ values: [Float], skippingZeros: Bool) -> [Float] {
        guard let first = values.first, let last = values.last else { return [] }
        // padded[k + 1] is input frame k; one copy of the first frame before, two of the last after.
        let padded = [first] + values + [last, last]
        var smoothed = [Float](repeating: 0, count: values.count + 1)
        for n in smoothed.indices {
            let centre = padded[n + 1], left = padded[n], right = padded[n + 2]
            if skippingZeros {
                guard centre != 0 else { continue }
                var sum = centre
                var count: Float = 1
                if left != 0 { sum += left; count += 1 }
                if right != 0 { sum += right; count += 1 }
                smoothed[n] = sum / count
            } else {
                var sum = centre
                sum += left
                sum += right
                smoothed[n] = sum / 3
            }
        }
        return smoothed
    }
}
