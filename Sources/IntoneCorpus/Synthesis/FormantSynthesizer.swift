import Foundation
import IntoneRandom

/// A Klatt-style cascade formant synthesizer (Klatt 1980; Klatt & Klatt 1990) rendering control
/// tracks to a pressure waveform, directly at the corpus's sampling rate, in double precision.
///
/// Per sample:
///
///     u   = LP_tilt(g(t)) · AV + LP_1k(n₁) · (AH + β·AV·(0.25 + 0.75·opening))·k_asp   (glottal flow + breath)
///     v   = R₈(…R₂(R₁(u)))                                                      (vocal-tract cascade, F1–F8)
///     out = (v[n] − v[n−1]) · fs/16000 + BP(BP(n₂ · AF · k_fric))               (lip radiation + frication)
///
/// - `g` is the Rosenberg flow of `GlottalSource`; `LP_tilt` a one-pole low-pass whose corner falls
///   from 6 kHz (pressed voice) to 600 Hz (lax voice), `fc = (600 + 5400·τ^1.5)·2^(E/8)` Hz with
///   vocal effort `E` in dB (loud voices have flatter spectra: an octave per 8 dB).
/// - `β` is the breathiness; aspiration is pitch-synchronous (strongest while the glottis is open)
///   and low-passed at 1 kHz, as in Klatt's synthesizer, so that after radiation it is flat rather
///   than rising.
/// - F1–F4 move with the tracks; F5–F8 are fixed at (4.5, 5.5, 6.5, 7.5 kHz) × the speaker's tract
///   scale, bandwidths 300–600 Hz, standing in for the tract's higher poles (without them the cascade
///   would fall at −60 dB per octave above F5 and voiced speech would sound muffled at 44.1 and
///   48 kHz); poles at or above 0.45·fs are left out.
/// - Frication goes through two identical band-passes in cascade (skirts of −12 dB per octave, like
///   the steep low side of a real /s/).
/// - The noises `n₁`, `n₂` (white) are scaled by `√(fs/16000)` and the radiation difference by
///   `fs/16000`, so the spectrum below 8 kHz is the same at every sampling rate.
///
/// Resonator coefficients change once per control frame; source amplitudes are interpolated
/// linearly within it. The output's scale is arbitrary (levelling is the caller's job); silences
/// are the decaying ring of the tract, effectively zero.
struct FormantSynthesizer: Sendable {
    /// The voice quality of one take (speaker baseline plus emotion).
    struct Voice: Sendable {
        /// 0 (lax) … 1 (pressed).
        var tenseness: Double
        /// 0 … 1: aspiration mixed into voicing.
        var breathiness: Double
        /// Relative period jitter (0.01 = 1 %).
        var jitter: Double
        /// Relative amplitude shimmer.
        var shimmer: Double
        /// Vocal effort, dB relative to the speaker's habitual level (it moves the spectral tilt).
        var effort: Double
    }

    let voice: Voice

    /// Rate at which the noise and radiation gains are calibrated, Hz.
    static let referenceRate = 16_000.0
    /// Gain of the aspiration noise: at breathiness 0.5 in lax voice, breath rather than harmonics
    /// fills the spectrum above about 1.5 kHz, as in a breathy voice; at 0.1 it is faint.
    static let aspirationGain = 0.15
    /// Gain of the frication noise (puts the long-term spectrum's 3.2–6.4 kHz octave about 18 dB
    /// under its 400–800 Hz octave, near the standard long-term speech spectrum).
    static let fricationGain = 0.3

    /// Renders `tracks`; random numbers come from streams under `seed` named after `stream`.
    func render(_ tracks: ControlTracks, seed: UInt64, stream: String) -> [Double] {
        let fs = Double(tracks.sampleRate)
        var rng = SeededRandom(seed: seed, stream: stream + "/glottis")
        var breathNoise = SynthesisNoise(SeededRandom(seed: seed, stream: stream + "/aspiration"))
        var fricationNoise = SynthesisNoise(SeededRandom(seed: seed, stream: stream + "/frication"))
        var glottis = GlottalSource(sampleRate: fs, tenseness: voice.tenseness, jitter: voice.jitter, shimmer: voice.shimmer)
        let tiltCorner = (600 + 5400 * pow(min(max(voice.tenseness, 0), 1), 1.5)) * pow(2, voice.effort / 8)
        var tilt = SynthesisLowPass(cutoff: tiltCorner, sampleRate: fs)
        var breathColour = SynthesisLowPass(cutoff: 1000, sampleRate: fs)
        var r1 = FormantResonator(), r2 = FormantResonator(), r3 = FormantResonator(), r4 = FormantResonator()
        var r5 = FormantResonator(), r6 = FormantResonator(), r7 = FormantResonator(), r8 = FormantResonator()
        var fricationFilter = FricationBandPass(), fricationFilter2 = FricationBandPass()
        let f5 = tracks.fifthFormant, step = f5 * 1000 / 4500
        r5.tune(frequency: f5, bandwidth: 300, sampleRate: fs)
        r6.tune(frequency: f5 + step, bandwidth: 400, sampleRate: fs)
        r7.tune(frequency: f5 + 2 * step, bandwidth: 500, sampleRate: fs)
        r8.tune(frequency: f5 + 3 * step, bandwidth: 600, sampleRate: fs)

        let noiseScale = (fs / Self.referenceRate).squareRoot()
        let radiation = fs / Self.referenceRate
        let aspirationGain = Self.aspirationGain * noiseScale
        let fricationGain = Self.fricationGain * noiseScale
        let breathiness = min(max(voice.breathiness, 0), 1)
        let hop = tracks.hop
        let inverseHop = 1 / Double(hop)
        var out = [Double](repeating: 0, count: tracks.sampleCount)
        var previous = 0.0
        var n = 0
        for k in 0..<tracks.frameCount {
            let f = tracks.formants[k], b = tracks.bandwidths[k]
            r1.tune(frequency: f[0], bandwidth: b[0], sampleRate: fs)
            r2.tune(frequency: f[1], bandwidth: b[1], sampleRate: fs)
            r3.tune(frequency: f[2], bandwidth: b[2], sampleRate: fs)
            r4.tune(frequency: f[3], bandwidth: b[3], sampleRate: fs)
            fricationFilter.tune(centre: tracks.fricationCentre[k], bandwidth: tracks.fricationBandwidth[k], sampleRate: fs)
            fricationFilter2.tune(centre: tracks.fricationCentre[k], bandwidth: tracks.fricationBandwidth[k], sampleRate: fs)
            let next = min(k + 1, tracks.frameCount - 1)
            let av0 = tracks.voicing[k], dav = tracks.voicing[next] - av0
            let ah0 = tracks.aspiration[k], dah = tracks.aspiration[next] - ah0
            let af0 = tracks.frication[k], daf = tracks.frication[next] - af0
            let f0 = tracks.f0[k], creak = tracks.creak[k]
            for j in 0..<hop {
                let x = Double(j) * inverseHop
                let av = av0 + dav * x, ah = ah0 + dah * x, af = af0 + daf * x
                let flow = glottis.next(f0: f0, creak: creak, rng: &rng)
                var source = tilt.process(flow) * av
                let breath = ah + breathiness * av * (0.25 + 0.75 * glottis.opening)
                let hiss = breathColour.process(breathNoise.next())
                if breath > 0 { source += hiss * breath * aspirationGain }
                let low = r4.process(r3.process(r2.process(r1.process(source))))
                let tract = r8.process(r7.process(r6.process(r5.process(low))))
                var sample = (tract - previous) * radiation
                previous = tract
                if af > 1e-6 {
                    sample += fricationFilter2.process(fricationFilter.process(fricationNoise.next() * af * fricationGain))
                } else {
                    _ = fricationFilter2.process(fricationFilter.process(0))
                }
                out[n] = sample
                n += 1
            }
        }
        return out
    }
}
