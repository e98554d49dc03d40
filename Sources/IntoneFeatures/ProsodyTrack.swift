import Glibc

extension FeatureExtractor {
    /// The pYIN settings of the `prosody` rows: speech F0 (60-500 Hz) on the STFT's frame grid
    /// (`frame_length = n_fft`, `hop_length = hop`, centred), everything else librosa's default.
    public var prosodyPitchParameters: PYINParameters {
        PYINParameters(fmin: 60, fmax: 500, frameLength: parameters.stft.nFFT, hopLength: parameters.stft.hopLength,
                       center: parameters.stft.center)
    }

    /// `librosa.pyin(y, sr=sr, fmin=C2, fmax=C7, frame_length=n_fft, hop_length=hop)`: F0 in Hz
    /// (NaN where unvoiced), the voiced flag (0 or 1) and the voicing probability, 3 rows.
    public func pitch(_ samples: [Float]) throws(FeatureError) -> FeatureMatrix {
        let settings = PYINParameters(frameLength: parameters.stft.nFFT, hopLength: parameters.stft.hopLength,
                                      center: parameters.stft.center)
        let track = try PYIN(parameters: settings, sampleRate: Double(parameters.sampleRate)).track(samples)
        return FeatureMatrix(rows: 3, frames: track.frames,
                             values: track.f0.map(Float.init) + track.voiced.map { $0 ? 1 : 0 } + track.voicedProbability.map(Float.init))
    }

    /// Prosodic low-level descriptors per frame, 3 rows, on the STFT's frame grid:
    ///
    /// 0. F0 in semitones above 27.5 Hz, `12 · log2(F0 / 27.5)`, and 0 where pYIN (60-500 Hz,
    ///    `prosodyPitchParameters`) finds the frame unvoiced: openSMILE's `F0semitoneFrom27.5Hz`
    ///    convention, so that summaries see voicing and pitch level together.
    /// 1. pYIN's voicing probability.
    /// 2. Level in dB: `20 · log10(max(rms, 1e-5))` of `librosa.feature.rms` (frame n_fft, hop).
    ///
    /// Unlike the spectral rows these survive the telephone channel: F0 (60-500 Hz) lies under the
    /// 300-3,400 Hz band but is recovered from its harmonics, and level differences within a call are
    /// kept by companding.
    public func prosody(_ samples: [Float]) throws(FeatureError) -> FeatureMatrix {
        let track = try PYIN(parameters: prosodyPitchParameters, sampleRate: Double(parameters.sampleRate)).track(samples)
        let level = rootMeanSquare(samples, frameLength: parameters.stft.nFFT, hopLength: parameters.stft.hopLength,
                                   center: parameters.stft.center)
        guard level.frames == track.frames else {
            throw .invalidParameter("prosody needs the pitch and level frames on one grid (got \(track.frames) and \(level.frames))")
        }
        var values = [Float](repeating: 0, count: 3 * track.frames)
        let frames = track.frames
        for t in 0..<frames {
            if track.voiced[t] { values[t] = Float(12 * log2(track.f0[t] / 27.5)) }
            values[frames + t] = Float(track.voicedProbability[t])
            values[2 * frames + t] = 20 * log10f(max(level.values[t], 1e-5))
        }
        return FeatureMatrix(rows: 3, frames: frames, values: values)
    }
}
