import Foundation
import IntoneRandom

/// Klatt's two-pole digital resonator (Klatt 1980, *J. Acoust. Soc. Am.* 67, 971):
///
///     y[n] = A·x[n] + B·y[n−1] + C·y[n−2],   r = e^(−π·BW/fs),
///     C = −r²,  B = 2r·cos(2π·F/fs),  A = 1 − B − C
///
/// a resonance at `F` Hz with −3 dB bandwidth `BW` Hz and unity gain at DC, so a cascade of them
/// keeps the source's low-frequency level whatever the formants. Coefficients may be changed between
/// samples (the state carries over), which is how formants move.
struct FormantResonator: Sendable {
    private var a = 1.0, b = 0.0, c = 0.0
    private var y1 = 0.0, y2 = 0.0

    /// Sets the resonance. Frequencies at or above 0.45·fs make it a pass-through (the formant does
    /// not exist at this sampling rate).
    mutating func tune(frequency: Double, bandwidth: Double, sampleRate: Double) {
        guard frequency < 0.45 * sampleRate, frequency > 0 else { a = 1; b = 0; c = 0; return }
        let r = exp(-Double.pi * bandwidth / sampleRate)
        c = -r * r
        b = 2 * r * cos(2 * Double.pi * frequency / sampleRate)
        a = 1 - b - c
    }

    @inline(__always) mutating func process(_ x: Double) -> Double {
        let y = a * x + b * y1 + c * y2
        y2 = y1
        y1 = y
        return y
    }
}

/// A two-pole band-pass with zeros at DC and Nyquist and unit gain at its centre:
///
///     y[n] = g·(x[n] − x[n−2]) + B·y[n−1] + C·y[n−2],   g = (1 − r²)/2
///
/// (B, C as in `FormantResonator`). Shapes white noise into frication and stop bursts, which carry no
/// energy at DC.
struct FricationBandPass: Sendable {
    private var g = 0.0, b = 0.0, c = 0.0
    private var x1 = 0.0, x2 = 0.0, y1 = 0.0, y2 = 0.0

    /// Centre frequency (limited to 0.42·fs, so a high fricative still sounds at 16 kHz) and bandwidth, Hz.
    mutating func tune(centre: Double, bandwidth: Double, sampleRate: Double) {
        let f = min(centre, 0.42 * sampleRate)
        let r = exp(-Double.pi * min(bandwidth, 0.4 * sampleRate) / sampleRate)
        c = -r * r
        b = 2 * r * cos(2 * Double.pi * f / sampleRate)
        g = (1 - r * r) / 2
    }

    @inline(__always) mutating func process(_ x: Double) -> Double {
        let y = g * (x - x2) + b * y1 + c * y2
        x2 = x1
        x1 = x
        y2 = y1
        y1 = y
        return y
    }
}

/// One-pole low-pass `y[n] = (1 − a)·x[n] + a·y[n−1]`, `a = e^(−2π·fc/fs)`: unity gain at DC,
/// −3 dB at `fc`, then −6 dB per octave. Used as the glottal source's extra spectral tilt.
struct SynthesisLowPass: Sendable {
    private let a: Double
    private var y1 = 0.0

    init(cutoff: Double, sampleRate: Double) {
        a = exp(-2 * Double.pi * min(cutoff, 0.45 * sampleRate) / sampleRate)
    }

    @inline(__always) mutating func process(_ x: Double) -> Double {
        y1 = (1 - a) * x + a * y1
        return y1
    }
}

/// White noise, uniform on [−1, 1) (variance 1/3), from a seeded generator: the source of
/// aspiration, frication, bursts and the recording's noise floor.
struct SynthesisNoise: Sendable {
    private var rng: SeededRandom

    init(_ rng: SeededRandom) { self.rng = rng }

    @inline(__always) mutating func next() -> Double {
        Double(Int64(bitPattern: rng.next())) * 0x1.0p-63
    }
}
