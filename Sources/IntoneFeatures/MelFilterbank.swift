/// A bank of triangular mel filters over FFT bins, librosa's `filters.mel` with its defaults
/// (Slaney mel scale, `htk=False`; Slaney area normalisation, `norm='slaney'`; fmin 0; fmax sr/2).
///
/// Weights are computed in double precision and rounded to float32, as librosa does. Each filter is
/// stored sparsely (first non-zero bin and its run of weights): at 22,050 Hz, n_fft 2048 and 128 mels,
/// 2,018 of the 131,200 weights are non-zero, and the sparse product is 40x faster than a dense one.
public struct MelFilterbank: Equatable, Sendable {
    /// One filter: `weights[i]` applies to FFT bin `firstBin + i`.
    public struct Filter: Equatable, Sendable {
        public let firstBin: Int
        public let weights: [Float]
    }

    /// Sampling rate in Hz.
    public let sampleRate: Double
    /// FFT length.
    public let nFFT: Int
    /// Lowest and highest edge frequencies in Hz.
    public let fmin: Double, fmax: Double
    /// The filters, lowest first.
    public let filters: [Filter]

    /// Number of mel bands.
    public var count: Int { filters.count }

    /// Builds the filterbank.
    ///
    /// - Parameters:
    ///   - sampleRate: Hz.
    ///   - nFFT: FFT length (the filters span `nFFT / 2 + 1` bins).
    ///   - nMels: bands, default 128.
    ///   - fmin: lowest frequency, default 0 Hz.
    ///   - fmax: highest frequency, default `sampleRate / 2`.
    ///   - htk: HTK mel formula instead of Slaney's (default false).
    ///   - slaneyNorm: divide each triangle by its width in Hz / 2 (constant energy per band), default true;
    ///     false leaves peak-1 triangles (`norm=None`).
    /// Bands too narrow to cover any bin are all zeros, as in librosa (which warns).
    public init(sampleRate: Double, nFFT: Int, nMels: Int = 128, fmin: Double = 0, fmax: Double? = nil,
                htk: Bool = false, slaneyNorm: Bool = true) {
        let fmax = fmax ?? sampleRate / 2
        self.sampleRate = sampleRate
        self.nFFT = nFFT
        self.fmin = fmin
        self.fmax = fmax
        let fftFreqs = fftFrequencies(sampleRate: sampleRate, nFFT: nFFT)
        let melF = MelScale.frequencies(count: nMels + 2, fmin: fmin, fmax: fmax, htk: htk)
        var filters: [Filter] = []
        filters.reserveCapacity(nMels)
        for i in 0..<nMels {
            let fdiffLo = melF[i + 1] - melF[i]
            let fdiffHi = melF[i + 2] - melF[i + 1]
            let enorm = slaneyNorm ? 2.0 / (melF[i + 2] - melF[i]) : 1.0
            var first = -1
            var weights: [Float] = []
            for (k, f) in fftFreqs.enumerated() {
                let lower = -(melF[i] - f) / fdiffLo
                let upper = (melF[i + 2] - f) / fdiffHi
                let w = max(0, min(lower, upper))
                // librosa stores float32(w), then multiplies in float64 by enorm and rounds again.
                let wf = Float(Double(Float(w)) * enorm)
                if wf > 0 {
                    if first < 0 { first = k }
                    // Keep interior zeros (cannot occur for triangles, but stay exact if they do).
                    while first + weights.count < k { weights.append(0) }
                    weights.append(wf)
                }
            }
            filters.append(Filter(firstBin: max(first, 0), weights: weights))
        }
        self.filters = filters
    }

    /// The dense `nMels × (nFFT/2 + 1)` weight matrix, row-major (as `librosa.filters.mel` returns).
    public func denseWeights() -> FeatureMatrix {
        let bins = nFFT / 2 + 1
        var m = FeatureMatrix(rows: count, frames: bins)
        for (i, f) in filters.enumerated() {
            for (j, w) in f.weights.enumerated() { m[i, f.firstBin + j] = w }
        }
        return m
    }

    /// Projects eight frames' spectra, stored bin-major (`spectra[bin]` holds the bin of each of
    /// the eight frames), onto the mel bands: band `m` of the eight frames goes to `out[m]`. The
    /// same sums, in the same order, as `apply(to:)` makes for each frame.
    func applyToEightFrames(_ spectra: UnsafePointer<SIMD8<Float>>, into out: UnsafeMutablePointer<SIMD8<Float>>) {
        for (m, filter) in filters.enumerated() {
            filter.weights.withUnsafeBufferPointer { w in
                let src = spectra + filter.firstBin
                var sum = SIMD8<Float>.zero
                for j in 0..<w.count { sum += w[j] * src[j] }
                out[m] = sum
            }
        }
    }

    /// Projects a spectrogram (bins × frames, frequency-major) onto the mel bands: `mel = W · S`.
    public func apply(to spectrogram: FeatureMatrix) -> FeatureMatrix {
        precondition(spectrogram.rows == nFFT / 2 + 1, "mel filterbank for n_fft \(nFFT) applied to \(spectrogram.rows) bins")
        let frames = spectrogram.frames
        var out = [Float](repeating: 0, count: count * frames)
        spectrogram.values.withUnsafeBufferPointer { s in
            out.withUnsafeMutableBufferPointer { o in
                for (m, filter) in filters.enumerated() {
                    let row = o.baseAddress! + m * frames
                    for (j, w) in filter.weights.enumerated() {
                        let src = s.baseAddress! + (filter.firstBin + j) * frames
                        for t in 0..<frames { row[t] += w * src[t] }
                    }
                }
            }
        }
        return FeatureMatrix(rows: count, frames: frames, values: out)
    }
}
