import Foundation

/// openSMILE's `cEnergy` as eGeMAPSv02 configures `egemapsv02_energyRMS` on the unwindowed 20 ms
/// frames `gemapsv01b_frame25` (`htkcompatible = 0`, `rms = 0`, `energy2 = 1`, `log = 0`): the
/// field `pcm_SQUAREDenergy`, the mean of the squared samples (the input of eGeMAPS' equivalent
/// sound level).
public enum GeMAPSFrameEnergy {
    /// Mean squared sample of one frame: squares in `Float`, summed in `Double`, divided by the
    /// length in `Double`, rounded to `Float`. An empty frame gives 0 (openSMILE writes nothing).
    public static func meanSquare(frame: [Float]) -> Float {
        guard !frame.isEmpty else { return 0 }
        var sum = 0.0
        for x in frame { sum += Double(x * x) }
        return Float(sum / Double(frame.count))
    }

    /// `pcm_SQUAREDenergy` of every frame.
    /// - Parameter frames: one row per frame, exactly openSMILE's `gemapsv01b_frame25`: the
    ///   `round(0.020 · sampleRate)` raw samples starting every `round(0.010 · sampleRate)` samples,
    ///   no window, on openSMILE's sample scale (the opensmile Python package feeds samples × 32768/32767).
    public static func track(frames: [[Float]]) -> [Float] {
        frames.map { meanSquare(frame: $0) }
    }
}
