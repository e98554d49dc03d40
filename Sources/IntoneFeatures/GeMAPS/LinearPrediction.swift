import Foundation

/// openSMILE's `cLpc` with `method = acf` as eGeMAPSv02 configures it (`gemapsv01b_lpc`: `p = 11`,
/// `saveLPCoeff = 1`, no gain, no reflection coefficients, no residual, no LP spectrum):
/// autocorrelation of the frame (`smileDsp_autoCorr`) followed by the Levinson–Durbin recursion
/// (`smileDsp_calcLpcAcf`).
///
/// The coefficients a₁ … a_p follow openSMILE's sign convention, the prediction-error filter
/// A(z) = 1 + Σ a_k z⁻ᵏ (so a₁ ≈ −1 for a strongly low-pass frame). Everything is computed in
/// `Float` (`FLOAT_DMEM`) in openSMILE's order, so values round as openSMILE's do. A frame whose
/// zero-lag autocorrelation is 0 (silence) gives all-zero coefficients; if the prediction error
/// reaches exactly 0 the remaining coefficients are 0, as in openSMILE.
public enum GeMAPSLinearPrediction {
    /// The eGeMAPS predictor order (`p = 11`).
    public static let eGeMAPSOrder = 11

    /// Autocorrelation r[0 ..< lags] of `frame` (openSMILE `smileDsp_autoCorr`), accumulated in `Float`.
    public static func autocorrelation(_ frame: [Float], lags: Int) -> [Float] {
        var r = [Float](repeating: 0, count: max(lags, 0))
        var lag = r.count
        let n = frame.count
        while lag > 0 {
            lag -= 1
            var sum: Float = 0
            var i = lag
            while i < n {
                sum += frame[i] * frame[i - lag]
                i += 1
            }
            r[lag] = sum
        }
        return r
    }

    /// Levinson–Durbin recursion on an autocorrelation `r[0 ... order]` (openSMILE `smileDsp_calcLpcAcf`).
    /// Returns the `order` predictor coefficients and the final prediction error (openSMILE's lpGain;
    /// 0 when r[0] is 0).
    public static func durbin(autocorrelation r: [Float], order: Int) -> (coefficients: [Float], error: Float) {
        let p = max(order, 0)
        var a = [Float](repeating: 0, count: p + 1)
        guard p > 0, r.count > p else { return ([Float](repeating: 0, count: p), 0) }
        if r[0] == 0 { return ([Float](repeating: 0, count: p), 0) }
        var e = r[0]
        var m = 1
        while m <= p {
            var sum: Float = 1.0 * r[m]
            var i = 1
            while i < m {
                sum += a[i - 1] * r[m - i]
                i += 1
            }
            let km = (Float(-1.0) / e) * sum
            a[m - 1] = km
            i = 1
            while i <= m / 2 {
                let x = a[i - 1]
                a[i - 1] += km * a[m - i - 1]
                if i < m / 2 || (m & 1) == 1 { a[m - i - 1] += km * x }
                i += 1
            }
            e *= (Float(1.0) - km * km)
            if e == 0 {
                var j = m
                while j <= p { a[j] = 0; j += 1 }
                break
            }
            m += 1
        }
        return (Array(a[0..<p]), e)
    }

    /// The `order` LP coefficients of one frame (one row of `gemapsv01b_lpc` from one row of
    /// `gemapsv01b_outpR`).
    public static func coefficients(of frame: [Float], order: Int = eGeMAPSOrder) -> [Float] {
        let r = autocorrelation(frame, lags: order + 1)
        return durbin(autocorrelation: r, order: order).coefficients
    }

    /// LP coefficients for every frame of a track (`gemapsv01b_outpR` → `gemapsv01b_lpc`).
    public static func track(frames: [[Float]], order: Int = eGeMAPSOrder) -> [[Float]] {
        frames.map { coefficients(of: $0, order: order) }
    }
}
