import Foundation
import IntoneRandom

/// The voice source: a train of Rosenberg glottal-flow pulses, one per period, with the period and
/// amplitude perturbed period by period (jitter, shimmer) and occasional creaky periods.
///
/// Rosenberg's (1971) pulse over one period T, open phase `Tp + Tn = OQ·T`, speed quotient `SQ = Tp/Tn`:
///
///     g(t) = ½·(1 − cos(π·t/Tp))          0 ≤ t < Tp       (opening)
///     g(t) = cos(π/2 · (t − Tp)/Tn)        Tp ≤ t < Tp + Tn (closing)
///     g(t) = 0                             closed phase
///
/// Its spectrum falls at about −12 dB per octave; the closing phase's abruptness sets the high
/// frequencies. Tenseness τ ∈ [0, 1] moves from lax voice (OQ 0.78, SQ 1.5: soft, breathy, steep
/// tilt) to pressed voice (OQ 0.40, SQ 4.0: sharp closure, flat tilt).
///
/// Each period draws `T = fs/f0 · e^(jitter·N)` and amplitude `1 + shimmer·N` (N standard normal).
/// With probability `0.35·creak` a period is creaky: 1.4–2.2× longer, 0.35–0.8× as strong, with a
/// short open phase; when creak exceeds 0.2, alternate periods are also weakened (diplophonia).
struct GlottalSource: Sendable {
    private let sampleRate: Double
    private let tenseness: Double
    private let jitter: Double
    private let shimmer: Double

    private var position = 0.0
    private var period = 0.0
    private var amplitude = 0.0
    private var rise = 1.0
    private var fall = 1.0
    private var alternate = false

    /// - Parameters:
    ///   - tenseness: 0 (lax) … 1 (pressed).
    ///   - jitter: relative standard deviation of the period (0.01 = 1 %).
    ///   - shimmer: relative standard deviation of the pulse amplitude.
    init(sampleRate: Double, tenseness: Double, jitter: Double, shimmer: Double) {
        self.sampleRate = sampleRate
        self.tenseness = min(max(tenseness, 0), 1)
        self.jitter = jitter
        self.shimmer = shimmer
    }

    /// Relative position in the current period's open phase (0 when closed, peaking at 1): the
    /// glottal opening, which modulates aspiration noise.
    private(set) var opening = 0.0

    /// The next flow sample (peak about 1 for a normal period).
    ///
    /// - Parameters:
    ///   - f0: the fundamental frequency wanted now, Hz (read at each period start).
    ///   - creak: 0…1, chance and strength of creaky periods now.
    @inline(__always) mutating func next(f0: Double, creak: Double, rng: inout SeededRandom) -> Double {
        if position >= period { startPeriod(f0: f0, creak: creak, rng: &rng) }
        let t = position
        position += 1
        let g: Double
        if t < rise {
            g = 0.5 * (1 - cos(Double.pi * t / rise))
        } else if t < rise + fall {
            g = cos(0.5 * Double.pi * (t - rise) / fall)
        } else {
            g = 0
        }
        opening = g
        return g * amplitude
    }

    private mutating func startPeriod(f0: Double, creak: Double, rng: inout SeededRandom) {
        position -= period
        if position < 0 || position >= 1 { position = 0 }
        var length = sampleRate / max(f0, 30) * exp(jitter * rng.normal())
        var strength = max(0.2, 1 + shimmer * rng.normal())
        var openQuotient = 0.78 - 0.38 * tenseness
        let speedQuotient = 1.5 + 2.5 * tenseness
        if rng.uniform() < 0.35 * creak {
            length *= rng.uniform(1.4, 2.2)
            strength *= rng.uniform(0.35, 0.8)
            openQuotient *= 0.6
        }
        if creak > 0.2 {
            alternate.toggle()
            if alternate { strength *= 1 - 0.4 * creak }
        }
        period = max(length, 2)
        amplitude = strength
        let open = openQuotient * period
        rise = max(open * speedQuotient / (1 + speedQuotient), 1)
        fall = max(open / (1 + speedQuotient), 1)
    }
}
