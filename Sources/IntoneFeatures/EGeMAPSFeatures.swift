extension FeatureExtractor {
    /// The 88 eGeMAPSv02 functionals of the whole clip (``EGeMAPS``) as an 88 × 1 matrix, computed
    /// at `parameters.sampleRate`: openSMILE's values for a file at its own rate are matched when
    /// the rate is the file's.
    public func egemaps(_ samples: [Float]) -> FeatureMatrix {
        let values = EGeMAPS.functionals(samples: samples, sampleRate: Double(parameters.sampleRate))
        // The functionals are finite for any finite input (silence included); a non-finite sample
        // would spread, so it is written as 0 rather than poisoning a model.
        return FeatureMatrix(rows: values.count, frames: 1, values: values.map { $0.isFinite ? $0 : 0 })
    }

    /// The MFCC rows, then the 88 eGeMAPS functionals of the clip repeated on every frame: the
    /// row means are the MFCC means followed by the functionals (classic models), and deep models
    /// see the functionals as constant channels beside the spectral envelope.
    public func mfccWithEGeMAPS(_ samples: [Float]) throws(FeatureError) -> FeatureMatrix {
        let spectral = try mfcc(samples)
        let functionals = egemaps(samples)
        var broadcast = FeatureMatrix(rows: functionals.rows, frames: spectral.frames)
        for r in 0..<functionals.rows {
            for t in 0..<spectral.frames { broadcast[r, t] = functionals.values[r] }
        }
        return FeatureMatrix.stacked([spectral, broadcast])
    }
}
