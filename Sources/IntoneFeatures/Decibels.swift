#if canImport(Glibc)
import Glibc
#endif

/// Converts a power spectrogram to decibels, librosa's `power_to_db` with its defaults:
/// `10 log10(max(S, amin)) - 10 log10(max(ref, amin))`, then floored at `max - topDB`.
///
/// - Parameters:
///   - ref: reference power (0 dB), default 1.0.
///   - amin: floor on power before the log, default 1e-10 (so silence gives -100 dB before the top_db clip).
///   - topDB: dynamic range kept below the loudest value of the whole matrix, default 80 dB; `nil` keeps all.
/// NaN inputs propagate; an all-zero matrix becomes all -100 dB.
public func powerToDecibels(_ power: FeatureMatrix, ref: Float = 1.0, amin: Float = 1e-10, topDB: Float? = 80) -> FeatureMatrix {
    var out = power
    let offset = 10 * log10f(max(amin, abs(ref)))
    var peak = -Float.infinity
    out.values.withUnsafeMutableBufferPointer { v in
        for i in v.indices {
            let db = 10 * log10f(max(amin, v[i])) - offset
            v[i] = db
            if db > peak { peak = db }
        }
        if let topDB, !v.isEmpty {
            let floor = peak - topDB
            for i in v.indices where v[i] < floor { v[i] = floor }
        }
    }
    return out
}
