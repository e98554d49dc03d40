/// `smileMath_quadFrom3pts`: vertex of the parabola through three points; `peakValue` receives
/// the parabola's value there. Falls back to the largest point when no parabola exists.
/// Shared by `GeMAPSHarmonics` (harmonic peaks), `GeMAPSJitterShimmer` (period peaks) and the
/// subharmonic-summation pitch (candidate peaks), as in openSMILE.
func quadraticPeak(
    _ x1: Double, _ y1: Double, _ x2: Double, _ y2: Double, _ x3: Double, _ y3: Double,
    peakValue: inout Double
) -> Double {
    let den = x1 * x1 * x2 + x2 * x2 * x3 + x3 * x3 * x1 - x3 * x3 * x2 - x2 * x2 * x1 - x1 * x1 * x3
    if den != 0.0 {
        let a = (y1 * x2 + y2 * x3 + y3 * x1 - y3 * x2 - y2 * x1 - y1 * x3) / den
        let b = (x1 * x1 * y2 + x2 * x2 * y3 + x3 * x3 * y1 - x3 * x3 * y2 - x2 * x2 * y1 - x1 * x1 * y3) / den
        let c = (x1 * x1 * x2 * y3 + x2 * x2 * x3 * y1 + x3 * x3 * x1 * y2 - x3 * x3 * x2 * y1
            - x2 * x2 * x1 * y3 - x1 * x1 * x3 * y2) / den
        if a != 0.0 {
            let x = -b / (2.0 * a)
            peakValue = c - a * x * x
            return x
        }
    }
    if y1 > y2 && y1 > y3 { peakValue = y1; return x1 }
    if y2 > y1 && y2 > y3 { peakValue = y2; return x2 }
    if y3 > y1 && y3 > y2 { peakValue = y3; return x3 }
    peakValue = y1
    return x1
}
