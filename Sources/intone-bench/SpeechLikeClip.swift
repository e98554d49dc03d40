import Foundation

/// A deterministic speech-like test signal: a gliding harmonic "voice" with syllable-rate
/// amplitude modulation, plus a little noise. Good enough to exercise decoding and features.
enum SpeechLikeClip {
    static func make(seed: UInt64, rate: Int, seconds: Double) -> [Float] {
        var state = seed &* 0x9E3779B97F4A7C15
        func uniform() -> Double {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Double(state >> 11) / Double(1 << 53)
        }
        let n = Int(Double(rate) * seconds)
        let f0 = 100 + 150 * uniform()
        let syllableRate = 3 + 3 * uniform()
        var phase = 0.0
        return (0..<n).map { i in
            let t = Double(i) / Double(rate)
            let f = f0 * (1 + 0.15 * sin(2 * Double.pi * 0.7 * t))
            phase += 2 * Double.pi * f / Double(rate)
            var v = 0.0
            for h in 1...8 where Double(h) * f < Double(rate) / 2 { v += sin(Double(h) * phase) / Double(h) }
            let envelope = max(0, sin(Double.pi * syllableRate * t))
            return Float(0.25 * v * envelope + 0.01 * (uniform() - 0.5))
        }
    }
}
