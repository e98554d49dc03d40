import Foundation

/// MFCC 1–4 of every frame (eGeMAPSv02 `egemapsv02_mfcc`, fields `mfcc[1]` … `mfcc[4]`).
public struct GeMAPSMFCCTrack: Sendable, Equatable {
    /// `coefficients[k - 1][frame]` is `mfcc[k]` of that frame, k = 1 … 4.
    public let coefficients: [[Float]]

    /// Wraps already computed coefficient tracks (one array per coefficient).
    public init(coefficients: [[Float]]) {
        self.coefficients = coefficients
    }
}

/// openSMILE's eGeMAPSv02 MFCC chain on `gemapsv01b_fftmagH25`: `cMelspec egemapsv02_melspecMfcc`
/// (26 Mel power bands 20–8000 Hz, `htkcompatible = 1`, i.e. scaled by `Float(32767²)`) →
/// `cMfcc egemapsv02_mfcc` (`firstMfcc = 1`, `lastMfcc = 4`, `cepLifter = 22`,
/// `htkcompatible = 1` so `melfloor = 1`): `ln` of the bands floored at 1, a DCT-II with
/// `Float` cosine table, sum accumulated in `Float`, then × `Float(1 + 11·sin(πk/22)) · √(2/26)`.
public struct GeMAPSMFCC: Sendable {
    /// The HTK-scaled Mel filterbank feeding the DCT.
    public let filterbank: OpenSMILEMelFilterbank
    /// First and last coefficient index (1 and 4 in eGeMAPS).
    public let firstCoefficient: Int
    public let lastCoefficient: Int
    /// `costable[(k - first) * nBands + m]`.
    private let cosineTable: [Float]
    /// Lifter weight of each coefficient.
    private let lifter: [Float]

    /// Sets the chain up for rows of `fftLength / 2 + 1` magnitudes at `sampleRate`.
    public init(sampleRate: Double, fftLength: Int, frameSizeSeconds: Double = 0.020,
                firstCoefficient: Int = 1, lastCoefficient: Int = 4, cepstralLifter: Float = 22) {
        let axis = OpenSMILEFFTAxis(sampleRate: sampleRate, fftLength: fftLength,
                                    frameSizeSeconds: frameSizeSeconds)
        filterbank = OpenSMILEMelFilterbank(axis: axis)
        self.firstCoefficient = firstCoefficient
        self.lastCoefficient = max(lastCoefficient, firstCoefficient - 1)
        let nBands = filterbank.bandCount
        let fnM = Double(nBands)
        var table: [Float] = []
        var lift: [Float] = []
        if self.lastCoefficient >= firstCoefficient {
            for k in firstCoefficient...self.lastCoefficient {
                let fk = Double(k)
                for m in 0..<nBands {
                    table.append(Float(Foundation.cos(Double.pi * (fk / fnM) * (Double(m) + 0.5))))
                }
                if cepstralLifter > 0 {
                    let s = Foundation.sin(Float(Double.pi) * Float(k) / cepstralLifter)
                    lift.append(Float(1.0) + cepstralLifter / Float(2.0) * s)
                } else {
                    lift.append(1)
                }
            }
        }
        cosineTable = table
        lifter = lift
    }

    /// The coefficients `first … last` of one magnitude row (zeros for a row of the wrong length).
    public func coefficients(magnitudes: [Float]) -> [Float] {
        let count = lifter.count
        guard magnitudes.count == filterbank.binCount else { return [Float](repeating: 0, count: count) }
        let bands = filterbank.bandEnergies(magnitudes: magnitudes, htkCompatible: true)
        let nBands = bands.count
        let melFloor: Float = 1
        let logBands = bands.map { $0 < melFloor ? Foundation.log(melFloor) : Foundation.log($0) }
        let factor = Float((2.0 / Double(nBands)).squareRoot())
        var out = [Float](repeating: 0, count: count)
        for k in 0..<count {
            var acc: Float = 0
            let base = k * nBands
            for m in 0..<nBands { acc += logBands[m] * cosineTable[base + m] }
            acc *= lifter[k] * factor
            out[k] = acc
        }
        return out
    }

    /// MFCC 1–4 of every frame.
    /// - Parameters:
    ///   - magnitudes: one row per frame, exactly openSMILE's `pcm_fftMag` of `gemapsv01b_fftmagH25`
    ///     (`fftLength / 2 + 1` unnormalised FFT magnitudes of the Hamming-windowed 20 ms frame).
    ///   - sampleRate: sampling rate in Hz.
    ///   - fftLength: FFT length of those rows.
    public static func track(magnitudes: [[Float]], sampleRate: Double, fftLength: Int,
                             frameSizeSeconds: Double = 0.020) -> GeMAPSMFCCTrack {
        let mfcc = GeMAPSMFCC(sampleRate: sampleRate, fftLength: fftLength,
                              frameSizeSeconds: frameSizeSeconds)
        var tracks = [[Float]](repeating: [], count: mfcc.lifter.count)
        for k in 0..<tracks.count { tracks[k].reserveCapacity(magnitudes.count) }
        for row in magnitudes {
            let c = mfcc.coefficients(magnitudes: row)
            for k in 0..<tracks.count { tracks[k].append(c[k]) }
        }
        return GeMAPSMFCCTrack(coefficients: tracks)
    }
}
