/// A phone of the synthetic language, named in ARPAbet, with the acoustic targets the formant
/// synthesizer steers towards.
///
/// Formant frequencies are for an adult male vocal tract (the speaker's tract scale multiplies them):
/// vowels are the men's means of Hillenbrand et al. (1995, *J. Acoust. Soc. Am.* 97, 3099), consonants
/// the usual formant loci of their place of articulation (labial F2 ≈ 900 Hz, alveolar ≈ 1750 Hz,
/// velar ≈ 1950 Hz), so the transitions into and out of a vowel move the right way.
enum Phone: String, CaseIterable, Sendable {
    // Vowels (monophthongs; diphthongs are approximated by their first target).
    case iy, ih, eh, ae, aa, ao, uh, uw, ah, er
    // Stops.
    case p, t, k, b, d, g
    // Fricatives and the glottal aspirate.
    case f, th, s, sh, v, dh, z, hh
    // Nasals and approximants.
    case m, n, l, r, w, y

    /// How the phone is produced, which decides the source(s) the synthesizer turns on.
    enum Manner: Sendable { case vowel, stop, fricative, aspirate, nasal, approximant }

    /// A filtered-noise source: the frication of a fricative or the release burst of a stop.
    struct Noise: Sendable {
        /// Centre frequency of the noise resonance for a male tract, Hz.
        var centre: Double
        /// Its bandwidth, Hz.
        var bandwidth: Double
        /// Amplitude relative to the voicing of a stressed vowel (linear).
        var level: Double
    }

    var manner: Manner {
        switch self {
        case .iy, .ih, .eh, .ae, .aa, .ao, .uh, .uw, .ah, .er: return .vowel
        case .p, .t, .k, .b, .d, .g: return .stop
        case .f, .th, .s, .sh, .v, .dh, .z: return .fricative
        case .hh: return .aspirate
        case .m, .n: return .nasal
        case .l, .r, .w, .y: return .approximant
        }
    }

    var isVowel: Bool { manner == .vowel }

    /// Whether the vocal folds vibrate during the phone.
    var isVoiced: Bool {
        switch self {
        case .p, .t, .k, .f, .th, .s, .sh, .hh: return false
        default: return true
        }
    }

    /// F1–F4 targets in Hz (male tract); `nil` for /h/, which takes the formants of the vowel it precedes.
    var formants: SIMD4<Double>? {
        switch self {
        case .iy: return [342, 2322, 3000, 3657]
        case .ih: return [427, 2034, 2684, 3618]
        case .eh: return [580, 1799, 2605, 3677]
        case .ae: return [588, 1952, 2601, 3624]
        case .aa: return [768, 1333, 2522, 3687]
        case .ao: return [652, 997, 2538, 3486]
        case .uh: return [469, 1122, 2434, 3400]
        case .uw: return [378, 997, 2343, 3357]
        case .ah: return [623, 1200, 2550, 3557]
        case .er: return [474, 1379, 1710, 3334]
        case .p, .b, .f, .v: return [250, 900, 2200, 3400]
        case .t, .d, .s, .z: return [250, 1750, 2600, 3500]
        case .th, .dh: return [280, 1450, 2700, 3500]
        case .k, .g: return [250, 1950, 2300, 3400]
        case .sh: return [280, 2000, 2600, 3500]
        case .hh: return nil
        case .m: return [280, 1000, 2200, 3300]
        case .n: return [280, 1500, 2500, 3400]
        case .l: return [360, 1100, 2700, 3400]
        case .r: return [310, 1060, 1380, 3200]
        case .w: return [300, 610, 2200, 3300]
        case .y: return [260, 2070, 3020, 3600]
        }
    }

    /// B1–B4 in Hz: narrow for vowels and glides, wide for nasals (the nasal cavity damps the tract).
    var bandwidths: SIMD4<Double> {
        switch self {
        case .iy, .uw, .ih, .uh: return [60, 90, 150, 250]
        case .m, .n: return [100, 250, 300, 400]
        case .p, .t, .k, .b, .d, .g, .f, .th, .s, .sh, .v, .dh, .z: return [90, 120, 180, 300]
        default: return [75, 95, 150, 250]
        }
    }

    /// The fricative's frication, or the stop's release burst (`nil` for sonorants).
    var noise: Noise? {
        switch self {
        case .s: return Noise(centre: 5500, bandwidth: 2000, level: 0.30)
        case .z: return Noise(centre: 5500, bandwidth: 2000, level: 0.14)
        case .sh: return Noise(centre: 2900, bandwidth: 1400, level: 0.32)
        case .f: return Noise(centre: 6000, bandwidth: 5000, level: 0.08)
        case .v: return Noise(centre: 6000, bandwidth: 5000, level: 0.04)
        case .th: return Noise(centre: 5000, bandwidth: 4500, level: 0.07)
        case .dh: return Noise(centre: 5000, bandwidth: 4500, level: 0.035)
        case .p: return Noise(centre: 1100, bandwidth: 1500, level: 0.20)
        case .b: return Noise(centre: 1100, bandwidth: 1500, level: 0.10)
        case .t: return Noise(centre: 4200, bandwidth: 2500, level: 0.35)
        case .d: return Noise(centre: 4000, bandwidth: 2500, level: 0.20)
        case .k: return Noise(centre: 2400, bandwidth: 1200, level: 0.30)
        case .g: return Noise(centre: 2300, bandwidth: 1200, level: 0.18)
        default: return nil
        }
    }

    /// Intrinsic duration factor of a vowel: open vowels are longer, lax high vowels shorter
    /// (Peterson & Lehiste 1960); 1 for consonants.
    var intrinsicDuration: Double {
        switch self {
        case .aa, .ae, .ao: return 1.12
        case .ih, .uh, .ah: return 0.85
        case .iy, .uw, .er, .eh: return 1.0
        default: return 1
        }
    }

    /// The central (schwa-like) tract that vowels drift towards when articulation is imprecise, Hz.
    static let neutralTract: SIMD4<Double> = [500, 1500, 2500, 3500]

    /// F5 of a male tract, Hz (fixed; it shapes the spectrum above F4).
    static let fifthFormant = 4500.0
}
