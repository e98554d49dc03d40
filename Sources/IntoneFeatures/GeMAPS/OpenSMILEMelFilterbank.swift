import Foundation

/// openSMILE's `cMelspec` triangular Mel filterbank (standard `bwMethod = lr`, `specScale = mel`,
/// not inverse), as used by eGeMAPSv02 both for loudness (`gemapsv01b_melspec1`,
/// `htkcompatible = 0`) and for MFCCs (`egemapsv02_melspecMfcc`, `htkcompatible = 1`); both use
/// `nBands = 26`, `lofreq = 20`, `hifreq = 8000`, `usePower = 1`.
///
/// Mirrors openSMILE's single-precision filter design: band edges equidistant on
/// `1127 · ln(1 + f / 700)` between `lofreq` and `hifreq` (hifreq clamped to Nyquist), every FFT
/// bin strictly between `round(lofreq / Δf)` and `round(hifreq / Δf)` split between the two bands
/// whose centres surround it by one rising-slope weight, and the per-frame accumulation done in
/// `Float` exactly in openSMILE's order.
public struct OpenSMILEMelFilterbank: Sendable {
    /// Number of Mel bands (`nBands`).
    public let bandCount: Int
    /// Number of FFT magnitude bins expected per frame (`fftLength / 2 + 1`).
    public let binCount: Int
    /// First FFT bin of the filterbank range (`nLoF`; this bin itself is never used).
    public let lowBin: Int
    /// End (exclusive) FFT bin of the filterbank range (`nHiF`).
    public let highBin: Int
    /// Centre frequency in Hz of each band (openSMILE's frequency-axis field info for the level,
    /// read by `cPlp` for the equal-loudness curve).
    public let centerFrequencies: [Double]
    /// Band index `m − 2` each bin feeds with weight `w` (the next band gets `1 − w`); −3 = unused.
    private let channelMap: [Int]
    /// Rising-slope weight of each bin.
    private let weights: [Float]

    /// Designs the filterbank for magnitude rows of `axis.binCount` bins.
    /// - Parameters:
    ///   - axis: the FFT level's axis (its `paddedFrameSizeSeconds` is the `frameSizeSec` cMelspec reads).
    ///   - bandCount: `nBands` (26 in eGeMAPS).
    ///   - lowFrequency: `lofreq` in Hz (20).
    ///   - highFrequency: `hifreq` in Hz (8000; clamped to Nyquist like openSMILE does).
    public init(axis: OpenSMILEFFTAxis, bandCount: Int = 26, lowFrequency: Float = 20,
                highFrequency: Float = 8000) {
        let nBands = max(bandCount, 1)
        let blocksize = axis.binCount
        self.bandCount = nBands
        self.binCount = blocksize
        let frameSizeSec = axis.paddedFrameSizeSeconds > 0 ? axis.paddedFrameSizeSeconds : 1

        let nFloat = Float((blocksize - 1) * 2)
        let f0 = Float(1.0 / frameSizeSec)
        let fs = Float(Double(nFloat) / frameSizeSec)
        let bands = Float(nBands)

        var lofreq = lowFrequency
        var hifreq = highFrequency
        if lofreq < 0 || Double(lofreq) > Double(fs) / 2.0 || lofreq > hifreq { lofreq = 0 }
        if hifreq < lofreq || Double(hifreq) > Double(fs) / 2.0 || hifreq <= 0 { hifreq = fs / 2 }
        let loMel = Float(Self.mel(Double(lofreq)))
        let hiMel = Float(Self.mel(Double(hifreq)))
        var nLo = Self.frequencyToBin(lofreq, f0)
        var nHi = Self.frequencyToBin(hifreq, f0)
        nLo = min(max(nLo, 0), blocksize)
        nHi = min(max(nHi, 0), blocksize)
        lowBin = nLo
        highBin = nHi

        let halfBandwidth = (hiMel - loMel) / (bands + 1)
        var centres = [Float](repeating: 0, count: nBands + 2)
        for m in 0...(nBands + 1) {
            centres[m] = loMel + Float(m) * halfBandwidth
        }
        centerFrequencies = (1...nBands).map { Self.inverseMel(Double(centres[$0])) }

        var map = [Int](repeating: -3, count: max(blocksize, 0))
        var m = 0
        for n in 0..<max(blocksize, 0) {
            if n <= nLo || n >= nHi { continue }
            let binMel = Self.binToMel(n, f0)
            while m < centres.count, centres[m] < binMel {
                if m > nBands { break }
                m += 1
            }
            map[n] = m - 2
        }
        channelMap = map

        var w = [Float](repeating: 0, count: max(blocksize, 0))
        m = 0
        if nLo < nHi {
            for n in nLo..<nHi {
                let binMel = Self.binToMel(n, f0)
                while m + 2 < centres.count, binMel > centres[m + 1], m <= nBands { m += 1 }
                let denominator = centres[m + 1] - centres[m]
                w[n] = (centres[m + 1] - binMel) / denominator
            }
        }
        weights = w
    }

    /// Mel band energies of one magnitude row (cMelspec `processVectorFloat`, `usePower = 1`):
    /// the magnitudes are squared in `Float`, filtered, and with `htkCompatible` multiplied by
    /// `Float(32767²)` (HTK's 16-bit sample scale). Rows of the wrong length give zeros.
    public func bandEnergies(magnitudes: [Float], htkCompatible: Bool) -> [Float] {
        var out = [Float](repeating: 0, count: bandCount)
        guard magnitudes.count == binCount else { return out }
        if lowBin < highBin {
            for n in lowBin..<highBin {
                let m = channelMap[n]
                guard m > -2 else { continue }
                let power = magnitudes[n] * magnitudes[n]
                let a = Double(power) * Double(weights[n])
                if m > -1 { out[m] += Float(a) }
                if m < bandCount - 1 { out[m + 1] += power - Float(a) }
            }
        }
        if htkCompatible {
            let scale = Float(32767.0 * 32767.0)
            for m in 0..<bandCount { out[m] *= scale }
        }
        return out
    }

    /// `smileDsp_specScaleTransfFwd(x, SPECTSCALE_MEL)`: 1127 · ln(1 + x / 700), 0 for x ≤ 0.
    static func mel(_ x: Double) -> Double {
        x > 0 ? 1127.0 * Foundation.log(1.0 + x / 700.0) : 0
    }

    /// `smileDsp_specScaleTransfInv(x, SPECTSCALE_MEL)`: 700 · (e^(x / 1127) − 1).
    static func inverseMel(_ x: Double) -> Double {
        700.0 * (Foundation.exp(x / 1127.0) - 1.0)
    }

    /// cMelspec `FtoN`: round(f / Δf) with the division in `Float`.
    private static func frequencyToBin(_ hz: Float, _ base: Float) -> Int {
        let ratio = Double(hz / base)
        guard ratio.isFinite else { return 0 }
        return Int(ratio.rounded())
    }

    /// cMelspec `NtoFmel`: Mel value of bin `n`, as `Float`.
    private static func binToMel(_ n: Int, _ base: Float) -> Float {
        Float(mel(Double(Float(n) * base)))
    }
}
