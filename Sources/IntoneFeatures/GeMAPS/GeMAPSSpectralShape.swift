import Foundation

/// Per-frame spectral-shape descriptors of eGeMAPSv02, one value per frame each.
public struct GeMAPSSpectralShapeTrack: Sendable, Equatable {
    /// `pcm_fftMag_alphaRatioDB`: 10·log10(energy 1–5 kHz / energy 0–1 kHz).
    public let alphaRatio: [Float]
    /// `pcm_fftMag_hammarbergIndexDB`: 10·log10(peak power 0–2 kHz / peak power 2–5 kHz).
    public let hammarbergIndex: [Float]
    /// `pcm_fftMag_logSpectralSlopeOfBand0-500`: least-squares slope (dB/Hz) of the dB power spectrum 0–500 Hz.
    public let slope0to500: [Float]
    /// `pcm_fftMag_logSpectralSlopeOfBand500-1500`: the same over 500–1500 Hz.
    public let slope500to1500: [Float]
    /// `pcm_fftMag_spectralFlux`: RMS over bins 0 … <5 kHz of the magnitude change from the previous frame (0 on the first).
    public let spectralFlux: [Float]

    /// Wraps already computed tracks.
    public init(alphaRatio: [Float], hammarbergIndex: [Float], slope0to500: [Float],
                slope500to1500: [Float], spectralFlux: [Float]) {
        self.alphaRatio = alphaRatio
        self.hammarbergIndex = hammarbergIndex
        self.slope0to500 = slope0to500
        self.slope500to1500 = slope500to1500
        self.spectralFlux = spectralFlux
    }
}

/// openSMILE's `cSpectral` as eGeMAPSv02 configures it twice on the Hamming 20 ms magnitude
/// spectrum `gemapsv01b_fftmagH25`: `gemapsv01b_logSpectral` (alphaRatio, hammarbergIndex,
/// slopes 0-500 and 500-1500) and `egemapsv02_logSpectral_flux` (flux), both with
/// `squareInput = 1`, `useLogSpectrum = 1`, `normBandEnergies = 1`, `freqRange = 0-5000`,
/// `oldSlopeScale = 0`, `specFloor = 1e-7` (default).
///
/// Faithful to openSMILE's arithmetic: the power spectrum is `Float(m·m)`, its dB version
/// `Float(10/ln 10) · logf(p)` (floored at `10·log10(1e-14)` dB), the alpha-ratio sums and
/// Hammarberg maxima are kept in `Float`, slopes are weighted least squares in `Double` on the
/// frequency axis of `OpenSMILEFFTAxis`, and the flux is `sqrt(Σ Δm² / nBins)` in `Double`.
public enum GeMAPSSpectralShape {
    /// Computes all five descriptors for a whole track.
    /// - Parameters:
    ///   - magnitudes: one row per frame, exactly openSMILE's `pcm_fftMag` of `gemapsv01b_fftmagH25`:
    ///     `|X(k)|`, k = 0 … fftLength/2 (unnormalised FFT of the Hamming-windowed, zero-padded
    ///     20 ms frame). Rows of any other length give 0 for that frame (and reset the flux history).
    ///   - sampleRate: sampling rate in Hz.
    ///   - fftLength: FFT length (next power of two ≥ round(0.020 · sampleRate)).
    ///   - frameSizeSeconds: the framer's `frameSize` (0.020 for eGeMAPS).
    public static func track(magnitudes: [[Float]], sampleRate: Double, fftLength: Int,
                             frameSizeSeconds: Double = 0.020) -> GeMAPSSpectralShapeTrack {
        let analyser = GeMAPSSpectralShapeAnalyser(
            axis: OpenSMILEFFTAxis(sampleRate: sampleRate, fftLength: fftLength,
                                   frameSizeSeconds: frameSizeSeconds))
        var alpha: [Float] = [], hammarberg: [Float] = [], slopeLow: [Float] = []
        var slopeHigh: [Float] = [], flux: [Float] = []
        alpha.reserveCapacity(magnitudes.count)
        hammarberg.reserveCapacity(magnitudes.count)
        slopeLow.reserveCapacity(magnitudes.count)
        slopeHigh.reserveCapacity(magnitudes.count)
        flux.reserveCapacity(magnitudes.count)
        var previous: [Float]? = nil
        for row in magnitudes {
            guard row.count == analyser.axis.binCount, row.count > 0 else {
                alpha.append(0); hammarberg.append(0); slopeLow.append(0); slopeHigh.append(0)
                flux.append(0)
                previous = nil
                continue
            }
            let power = row.map { $0 * $0 }
            let logPower = power.map { analyser.decibels($0) }
            alpha.append(analyser.alphaRatio(power: power))
            hammarberg.append(analyser.hammarbergIndex(power: power))
            slopeLow.append(analyser.slope(logPower: logPower, band: analyser.slopeBands[0]))
            slopeHigh.append(analyser.slope(logPower: logPower, band: analyser.slopeBands[1]))
            flux.append(previous.map { analyser.flux(current: row, previous: $0) } ?? 0)
            previous = row
        }
        return GeMAPSSpectralShapeTrack(alphaRatio: alpha, hammarbergIndex: hammarberg,
                                        slope0to500: slopeLow, slope500to1500: slopeHigh,
                                        spectralFlux: flux)
    }
}

/// The fixed per-level state of openSMILE's `cSpectral` for one FFT geometry: frequency axis,
/// `freqRange` bins and the fractional bin edges of the slope bands.
struct GeMAPSSpectralShapeAnalyser: Sendable {
    /// Fractional band edges of one `slopes[n]` entry, resolved against the frequency axis.
    struct SlopeBand: Sendable {
        var idxL: Double
        var weightL: Double
        var idxR: Double
        var weightR: Double
    }

    let axis: OpenSMILEFFTAxis
    /// `specFloor²` as openSMILE stores it (`Float`).
    let specFloor: Float
    /// `10·log10(specFloor)` in dB (`Float`).
    let logSpecFloor: Float
    /// `Float(10 / ln 10)`.
    let logSpecFactor: Float
    /// First and last bin of `freqRange = 0-5000`.
    let rangeLowerBin: Int
    let rangeUpperBin: Int
    /// `slopes[0] = 0-500`, `slopes[1] = 500-1500`.
    let slopeBands: [SlopeBand]

    init(axis: OpenSMILEFFTAxis, rangeLowHz: Int = 0, rangeHighHz: Int = 5000,
         slopeRangesHz: [(Int, Int)] = [(0, 500), (500, 1500)]) {
        self.axis = axis
        let floorValue = Float(0.0000001)
        let squaredFloor = floorValue * floorValue
        specFloor = squaredFloor
        logSpecFloor = Float(10.0 * Double(Foundation.log(squaredFloor)) / Foundation.log(10.0))
        logSpecFactor = Float(10.0 / Foundation.log(10.0))

        let frq = axis.frequencies
        let nSrc = frq.count
        var lower = -1, upper = -1
        if rangeLowHz == 0 && rangeHighHz == 0 {
            lower = 1
            upper = nSrc - 1
        } else {
            for i in 0..<nSrc {
                if Double(rangeLowHz) >= frq[i] { lower = i }
                if Double(rangeHighHz) > frq[i] { upper = i }
            }
            if upper == -1 || upper >= nSrc { upper = nSrc - 1 }
            if lower < 0 { lower = 0 }
        }
        rangeLowerBin = lower
        rangeUpperBin = upper

        slopeBands = slopeRangesHz.map { Self.resolve(lowHz: $0.0, highHz: $0.1, frq: frq) }
    }

    /// Maps a slope band in Hz to fractional bin edges the way cSpectral does when the input
    /// level carries a frequency axis.
    private static func resolve(lowHz: Int, highHz: Int, frq: [Double]) -> SlopeBand {
        let nScale = frq.count
        let nSrc = frq.count
        var ii = 0
        while ii < nScale, !(frq[ii] > Double(lowHz)) { ii += 1 }
        var weightL = (ii < nScale && ii > 0) ? (frq[ii] - Double(lowHz)) / (frq[ii] - frq[ii - 1]) : 1.0
        var idxL = Double(ii) - 1.0
        if idxL < 0 { idxL = 0 }
        if idxL >= Double(nSrc) { idxL = Double(nSrc) }

        let highF = Double(Float(highHz))
        ii = 0
        while ii < nScale, !(frq[ii] >= highF) { ii += 1 }
        var weightR = (ii < nScale && ii > 0) ? (Double(highHz) - frq[ii - 1]) / (frq[ii] - frq[ii - 1]) : 1.0
        let idxR0 = (ii < nScale && frq[ii] == highF) ? Double(ii) : Double(ii) - 1.0
        let idxR = idxR0 >= Double(nSrc) ? Double(nSrc - 1) : idxR0
        if weightL == 0 { weightL = 1 }
        if weightR == 0 { weightR = 1 }
        return SlopeBand(idxL: idxL, weightL: weightL, idxR: idxR, weightR: weightR)
    }

    /// Power → dB the way cSpectral builds its log spectrum.
    func decibels(_ p: Float) -> Float {
        p <= specFloor ? logSpecFloor : logSpecFactor * Foundation.log(p)
    }

    /// `alphaRatio` with `useLogSpectrum = 1`.
    func alphaRatio(power: [Float]) -> Float {
        var sumLow: Float = 0
        var sumHigh: Float = 0
        for j in 0..<power.count {
            let f = axis.frequencies[j]
            if f > 5000.0 { break }
            if f < 1000.0 { sumLow += power[j] } else { sumHigh += power[j] }
        }
        guard sumLow > 0 else { return 0 }
        if sumHigh > specFloor {
            return Float(10.0 * Double(Foundation.log(sumHigh / sumLow)) / Foundation.log(10.0))
        }
        return Float(10.0 * Double(Foundation.log(specFloor) - Foundation.log(sumLow)) / Foundation.log(10.0))
    }

    /// `hammarbergIndex` with `useLogSpectrum = 1`.
    func hammarbergIndex(power: [Float]) -> Float {
        var maxLow: Float = 0
        var maxHigh: Float = 0
        for j in 0..<power.count {
            let f = axis.frequencies[j]
            if f > 5000.0 { break }
            if f < 2000.0 {
                if power[j] > maxLow { maxLow = power[j] }
            } else if power[j] > maxHigh {
                maxHigh = power[j]
            }
        }
        guard maxHigh > 0 else { return 0 }
        if maxLow > specFloor {
            return Float(10.0 * Double(Foundation.log(maxLow / maxHigh)) / Foundation.log(10.0))
        }
        return Float(10.0 * Double(Foundation.log(specFloor) - Foundation.log(maxHigh)) / Foundation.log(10.0))
    }

    /// Least-squares slope of the dB spectrum over one band (`slopes[n]`, `oldSlopeScale = 0`).
    func slope(logPower: [Float], band: SlopeBand) -> Float {
        let frq = axis.frequencies
        let nSrc = logPower.count
        let nScale = frq.count
        guard nSrc > 0 else { return 0 }
        var weightL = band.weightL
        var weightR = band.weightR
        var iL = Int(band.idxL.rounded(.down))
        var iR = Int(band.idxR.rounded(.down))
        if iL >= nSrc { iL = nSrc - 1; iR = nSrc - 1; weightR = 0; weightL = 0 }
        if iR >= nSrc { iR = nSrc - 1; weightR = 1 }
        if iL < 0 { iL = 0 }
        if iR < 0 { iR = 0 }
        let nInd = band.idxR - band.idxL

        var sf = frq[iL] * weightL
        var s2f = sf * sf
        var sumA = frq[iL] * weightL * Double(logPower[iL])
        var sumB = weightL * Double(logPower[iL])
        var ii = iL + 1
        while ii < iR && ii < nScale {
            s2f += frq[ii] * frq[ii]
            sf += frq[ii]
            sumA += frq[ii] * Double(logPower[ii])
            sumB += Double(logPower[ii])
            ii += 1
        }
        s2f += frq[iR] * weightR * frq[iR] * weightR
        sf += frq[iR] * weightR
        sumA += frq[iR] * weightR * Double(logPower[iR])
        sumB += weightR * Double(logPower[iR])
        let denominator = nInd * s2f - sf * sf
        guard denominator != 0 else { return 0 }
        return Float((nInd * sumA - sf * sumB) / denominator)
    }

    /// Spectral flux between two magnitude rows over `freqRange` (normalisation off).
    func flux(current: [Float], previous: [Float]) -> Float {
        guard rangeLowerBin <= rangeUpperBin, rangeUpperBin < current.count,
              previous.count == current.count else { return 0 }
        let nBins = rangeUpperBin - rangeLowerBin + 1
        var sum = 0.0
        for j in rangeLowerBin...rangeUpperBin {
            let d = Double(current[j]) / 1.0 - Double(previous[j]) / 1.0
            sum += d * d
        }
        let value = sum / Double(nBins)
        return value > 0 ? Float(value.squareRoot()) : 0
    }
}
