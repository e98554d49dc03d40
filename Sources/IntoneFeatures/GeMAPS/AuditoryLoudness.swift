import Foundation

/// eGeMAPSv02 loudness (`gemapsv01b_loudness`, field `loudness`): the chain
/// `cMelspec gemapsv01b_melspec1` (26 Mel power bands 20–8000 Hz, `htkcompatible = 0`) →
/// `cPlp gemapsv01b_audspec` (`doAud = 1` only, `htkcompatible = 0`: Hermansky equal-loudness
/// weighting of every band at its centre frequency, then the power law `x^0.33`) →
/// `cVectorOperation gemapsv01b_audspecSum` (`operation = ll1`: the mean of the 26 values,
/// summed and divided in `Float`).
public enum GeMAPSAuditoryLoudness {
    /// Loudness of every frame.
    /// - Parameters:
    ///   - magnitudes: one row per frame, exactly openSMILE's `pcm_fftMag` of `gemapsv01b_fftmagH25`
    ///     (`fftLength / 2 + 1` unnormalised FFT magnitudes of the Hamming-windowed 20 ms frame).
    ///     Rows of any other length give 0.
    ///   - sampleRate: sampling rate in Hz.
    ///   - fftLength: FFT length of those rows.
    ///   - frameSizeSeconds: the framer's `frameSize` (0.020 for eGeMAPS).
    public static func track(magnitudes: [[Float]], sampleRate: Double, fftLength: Int,
                             frameSizeSeconds: Double = 0.020) -> [Float] {
        let model = GeMAPSAuditorySpectrum(sampleRate: sampleRate, fftLength: fftLength,
                                           frameSizeSeconds: frameSizeSeconds)
        return magnitudes.map { row in
            guard row.count == model.filterbank.binCount else { return 0 }
            return loudness(auditorySpectrum: model.auditorySpectrum(magnitudes: row))
        }
    }

    /// `cVectorOperation` `ll1`: Σ x / N in `Float` (0 for an empty vector).
    public static func loudness(auditorySpectrum: [Float]) -> Float {
        var sum: Float = 0
        for x in auditorySpectrum { sum += x }
        if !auditorySpectrum.isEmpty { sum /= Float(auditorySpectrum.count) }
        return sum
    }
}

/// openSMILE's auditory spectrum for eGeMAPS loudness: `cMelspec` (`gemapsv01b_melspec1`) followed
/// by `cPlp` with only `doAud = 1` (`gemapsv01b_audspec`, output field `audSpec[0…25]`).
public struct GeMAPSAuditorySpectrum: Sendable {
    /// The Mel filterbank (`nBands = 26`, 20–8000 Hz, power input, not HTK-scaled).
    public let filterbank: OpenSMILEMelFilterbank
    /// Equal-loudness weight of each band (`smileDsp_equalLoudnessWeight` at the band centre, `Float`).
    public let equalLoudnessWeights: [Float]
    /// `melfloor` default of cPlp (`Float(9.3e-10)`), the floor applied before weighting.
    public let melFloor: Float = Float(0.00000000093)
    /// `compression` (`Float(0.33)`).
    public let compression: Float = Float(0.33)

    /// Sets the chain up for rows of `fftLength / 2 + 1` magnitudes at `sampleRate`.
    public init(sampleRate: Double, fftLength: Int, frameSizeSeconds: Double = 0.020) {
        let axis = OpenSMILEFFTAxis(sampleRate: sampleRate, fftLength: fftLength,
                                    frameSizeSeconds: frameSizeSeconds)
        filterbank = OpenSMILEMelFilterbank(axis: axis)
        equalLoudnessWeights = filterbank.centerFrequencies.map {
            Float(Self.equalLoudnessWeight(frequency: $0))
        }
    }

    /// The 26 auditory-spectrum values of one magnitude row.
    public func auditorySpectrum(magnitudes: [Float]) -> [Float] {
        let bands = filterbank.bandEnergies(magnitudes: magnitudes, htkCompatible: false)
        let exponent = Double(compression)
        var out = [Float](repeating: 0, count: bands.count)
        for i in 0..<bands.count {
            var x = bands[i]
            if i < equalLoudnessWeights.count {
                if x < melFloor { x = melFloor }
                x *= equalLoudnessWeights[i]
            }
            out[i] = Float(Foundation.pow(Double(x), exponent))
        }
        return out
    }

    /// `smileDsp_equalLoudnessWeight`: Hermansky (1990) equal-loudness curve, scaled to max ≈ 1.
    static func equalLoudnessWeight(frequency: Double) -> Double {
        let w = 2.0 * Double.pi * frequency
        let w2 = w * w
        let c = w2 + 6300000.0
        guard c > 0 else { return 0 }
        return 1e32 * ((w2 + 56.8e6) * w2 * w2) / (c * c * (w2 + 0.38e9) * (w2 * w2 * w2 * w + 1.7e31))
    }
}
