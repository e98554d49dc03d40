#if canImport(Glibc)
import Glibc
#endif

/// Conversions between hertz and mels, librosa's `hz_to_mel` / `mel_to_hz`.
///
/// Slaney's scale (librosa's default, `htk=False`): linear below 1 kHz (200/3 Hz per mel),
/// logarithmic above (a factor 6.4 every 27 mels). HTK's: `2595 log10(1 + f / 700)`.
public enum MelScale {
    private static let fSp = 200.0 / 3
    private static let minLogHz = 1000.0
    private static let minLogMel = 1000.0 / (200.0 / 3)
    private static let logStep = log(6.4) / 27.0

    /// Mels for `hz` hertz.
    public static func mel(fromHz hz: Double, htk: Bool = false) -> Double {
        if htk { return 2595.0 * log10(1.0 + hz / 700.0) }
        if hz >= minLogHz { return minLogMel + log(hz / minLogHz) / logStep }
        return hz / fSp
    }

    /// Hertz for `mel` mels.
    public static func hz(fromMel mel: Double, htk: Bool = false) -> Double {
        if htk { return 700.0 * (pow(10.0, mel / 2595.0) - 1.0) }
        if mel >= minLogMel { return minLogHz * exp(logStep * (mel - minLogMel)) }
        return fSp * mel
    }

    /// `count` frequencies evenly spaced in mels from `fmin` to `fmax` (librosa's `mel_frequencies`).
    public static func frequencies(count: Int, fmin: Double, fmax: Double, htk: Bool = false) -> [Double] {
        let lo = mel(fromHz: fmin, htk: htk), hi = mel(fromHz: fmax, htk: htk)
        return linspace(lo, hi, count).map { hz(fromMel: $0, htk: htk) }
    }
}

/// `count` evenly spaced values from `start` to `stop` inclusive, computed as numpy's `linspace` does
/// (`i * step + start`, the last value set to `stop`).
public func linspace(_ start: Double, _ stop: Double, _ count: Int) -> [Double] {
    guard count > 0 else { return [] }
    guard count > 1 else { return [start] }
    let step = (stop - start) / Double(count - 1)
    var out = (0..<count).map { Double($0) * step + start }
    out[count - 1] = stop
    return out
}

/// Centre frequency in Hz of each FFT bin: `k * sr / nFFT` for k in 0...nFFT/2 (`np.fft.rfftfreq`).
public func fftFrequencies(sampleRate: Double, nFFT: Int) -> [Double] {
    let step = 1.0 / (Double(nFFT) * (1.0 / sampleRate))
    return (0...(nFFT / 2)).map { Double($0) * step }
}
