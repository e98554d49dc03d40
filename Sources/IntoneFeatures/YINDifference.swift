/// YIN's cumulative mean normalised difference of one frame, as
/// `librosa.core.pitch._cumulative_mean_normalized_difference` computes it.
///
/// The autocorrelation is an FFT one (`librosa.autocorrelate`: a real FFT of `next_fast_len(2L - 1)`
/// points, the power spectrum, the inverse) in float32, and so are the frame's running energy and
/// the difference function `d(k) = 2 (r(0) - r(k)) - Σ_{m<k} y(m)²`, where librosa zeroes the energy
/// of the first sample before using it (so `d(1) = 2 (r(0) - r(1))`). The running mean of `d` is
/// summed in float32 and divided by `k` in float64, as numpy's promotion of a float32 array divided
/// by an integer one does; the result is float64.
///
/// Holds FFT scratch buffers: one per thread.
final class YINDifference {
    let frameLength: Int
    let minPeriod: Int
    let maxPeriod: Int
    private let forward: RealFFT
    private let inverse: RealInverseFFT
    private let input: FFTBuffer
    private let spectrum: FFTBuffer
    private let correlation: FFTBuffer
    private var difference: [Float]

    init(frameLength: Int, minPeriod: Int, maxPeriod: Int, fftSize: Int) {
        self.frameLength = frameLength
        self.minPeriod = minPeriod
        self.maxPeriod = maxPeriod
        forward = RealFFT.plan(size: fftSize)
        inverse = RealInverseFFT.plan(size: fftSize)
        input = FFTBuffer(count: fftSize)
        spectrum = FFTBuffer(count: 2 * (fftSize / 2 + 1))
        correlation = FFTBuffer(count: fftSize)
        difference = [Float](repeating: 0, count: maxPeriod + 1)
    }

    /// Writes the normalised difference for periods `minPeriod...maxPeriod` of `frame`
    /// (`frameLength` samples) into `yin` (`maxPeriod - minPeriod + 1` values).
    func normalizedDifference(_ frame: UnsafeBufferPointer<Float>, into yin: inout [Double]) {
        let size = forward.size
        let x = input.pointer
        x.update(from: frame.baseAddress!, count: frameLength)
        (x + frameLength).update(repeating: 0, count: size - frameLength)
        forward.forward(input, into: spectrum)
        let s = spectrum.pointer
        for b in 0..<(size / 2 + 1) {
            let re = s[2 * b], im = s[2 * b + 1]
            s[2 * b] = re * re + im * im
            s[2 * b + 1] = 0
        }
        inverse.inverse(destroying: spectrum, into: correlation)
        let r = correlation.pointer

        // d(0) = 0; d(k) = 2 (r0 - rk) - E(k - 1), with E the running energy and E(0) set to 0 first.
        difference[0] = 0
        var energy: Float = 0
        let r0 = r[0]
        for k in 1...maxPeriod {
            let previous = frame[k - 1]
            energy += previous * previous
            let e = k == 1 ? 0 : energy
            difference[k] = 2 * (r0 - r[k]) - e
        }
        var running: Float = 0
        var k = 1
        while k < minPeriod {
            running += difference[k]
            k += 1
        }
        let tiny = Double.leastNormalMagnitude
        while k <= maxPeriod {
            running += difference[k]
            let mean = Double(running) / Double(k)
            yin[k - minPeriod] = Double(difference[k]) / (mean + tiny)
            k += 1
        }
    }
}
