#if canImport(Glibc)
import Glibc
#endif

/// Analysis windows, computed in double precision and rounded to float once.
public enum Window {
    /// The periodic ("DFT-even") Hann window of `length` points:
    /// `w[n] = 0.5 - 0.5 cos(2πn / length)`, as `scipy.signal.get_window('hann', length, fftbins=True)`,
    /// which librosa uses for every STFT.
    public static func hann(length: Int) -> [Double] {
        guard length > 1 else { return [Double](repeating: 1, count: max(length, 0)) }
        // scipy: general_hamming(M + 1, 0.5, sym=True) truncated to M points.
        let m = Double(length)
        return (0..<length).map { (n: Int) -> Double in
            let phase: Double = 2 * Double.pi * Double(n) / m
            return 0.5 - 0.5 * cos(phase)
        }
    }

    /// `window` centred in `size` points with zeros either side (librosa's `util.pad_center`).
    public static func padCenter(_ window: [Double], to size: Int) -> [Double] {
        precondition(size >= window.count, "window longer than the FFT size")
        let left = (size - window.count) / 2
        var out = [Double](repeating: 0, count: size)
        for (i, w) in window.enumerated() { out[left + i] = w }
        return out
    }
}
