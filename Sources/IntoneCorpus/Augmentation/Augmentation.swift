/// One way of altering a training recording, named by a short stable id used in feature-file names
/// and manifests.
///
/// | kind | id | effect |
/// |---|---|---|
/// | `.none` | `none` | the recording as it is |
/// | `.noise(snrDB: 20)` | `noise-snr20` | white Gaussian noise at 20 dB below the signal's RMS |
/// | `.shift(fraction: 0.1)` | `shift+0.10` | content moved 10 % of the length later, zero-filled |
/// | `.stretch(rate: 0.9)` | `stretch0.90` | played at 0.9× speed, same pitch (longer by 1/0.9) |
/// | `.pitch(semitones: 2)` | `pitch+2` | two semitones higher, same length |
/// | `.mulaw(snrDB: 25)` | `mulaw-snr25` | through a telephone channel (8 kHz, 300-3,400 Hz, line noise at 25 dB, G.711 mu-law) |
/// | `.alaw(snrDB: 25)` | `alaw-snr25` | the same with G.711 A-law |
/// | `.gsm(snrDB: 25)` | `gsm-snr25` | the same with GSM 06.10 full-rate coding (mobile calls) |
///
/// Values are kept at the resolution the id shows — 0.1 dB of SNR, 0.01 of the length for shifts,
/// 0.01 of rate, 0.1 semitone — so an augmentation *is* its id: two with the same id are equal and
/// produce the same samples, and `Augmentation(id: a.id) == a` always. It encodes (`Codable`) as its id.
public struct Augmentation: Hashable, Sendable {
    /// What an augmentation does; `value`'s unit depends on it.
    public enum Kind: String, Hashable, Sendable, CaseIterable {
        /// No change (`value` 0).
        case none
        /// Additive white noise; `value` is the signal-to-noise ratio in dB.
        case noise
        /// Zero-filled time shift; `value` is the fraction of the length, positive = later.
        case shift
        /// Phase-vocoder time stretch; `value` is the speed factor (> 1 faster and shorter).
        case stretch
        /// Pitch shift at constant length; `value` is in semitones, positive = higher.
        case pitch
        /// A telephone channel with mu-law / A-law companding (`TelephoneChannel`); `value` is the
        /// line noise's signal-to-noise ratio in dB.
        case mulaw, alaw
        /// The telephone channel with GSM 06.10 coding instead of G.711; `value` as for `mulaw`.
        case gsm
    }

    /// What it does.
    public let kind: Kind
    /// The amount, in the unit of `kind`, rounded to the id's resolution.
    public let value: Double

    private init(kind: Kind, value: Double, resolution: Double) {
        self.kind = kind
        // Rounded once here so ids, equality and the samples produced all agree. NaN and ±∞ stay as
        // they are and are refused by `validate()`.
        self.value = value.isFinite ? (value * resolution).rounded() / resolution : value
    }

    /// The recording unchanged.
    public static let none = Augmentation(kind: .none, value: 0, resolution: 1)

    /// Additive white Gaussian noise at `snrDB` decibels below the signal's RMS (rounded to 0.1 dB).
    public static func noise(snrDB: Double) -> Augmentation { Augmentation(kind: .noise, value: snrDB, resolution: 10) }

    /// Moves the content by `fraction` of the length (rounded to 0.01): positive later (silence
    /// before), negative earlier (silence after). Samples pushed past either end are dropped; nothing wraps.
    public static func shift(fraction: Double) -> Augmentation { Augmentation(kind: .shift, value: fraction, resolution: 100) }

    /// Changes the speed by `rate` (rounded to 0.01) keeping the pitch; the length becomes `round(n / rate)`.
    public static func stretch(rate: Double) -> Augmentation { Augmentation(kind: .stretch, value: rate, resolution: 100) }

    /// Raises (positive) or lowers the pitch by `semitones` (rounded to 0.1) keeping the length.
    public static func pitch(semitones: Double) -> Augmentation { Augmentation(kind: .pitch, value: semitones, resolution: 10) }

    /// Through a telephone channel with G.711 mu-law, line noise at `snrDB` (rounded to 0.1 dB).
    public static func mulaw(snrDB: Double) -> Augmentation { Augmentation(kind: .mulaw, value: snrDB, resolution: 10) }

    /// Through a telephone channel with G.711 A-law, line noise at `snrDB` (rounded to 0.1 dB).
    public static func alaw(snrDB: Double) -> Augmentation { Augmentation(kind: .alaw, value: snrDB, resolution: 10) }

    /// Through a telephone channel with GSM 06.10 coding, line noise at `snrDB` (rounded to 0.1 dB).
    public static func gsm(snrDB: Double) -> Augmentation { Augmentation(kind: .gsm, value: snrDB, resolution: 10) }

    /// Allowed range of `value` for each kind.
    ///
    /// Stretch and pitch are bounded to keep one recording's work and memory sane (a rate of 0.01
    /// would make it 100 times longer); shifts beyond the length would leave only silence.
    public static func allowedRange(of kind: Kind) -> ClosedRange<Double> {
        switch kind {
        case .none: return 0...0
        case .noise, .mulaw, .alaw, .gsm: return -50...150
        case .shift: return -1...1
        case .stretch: return 0.1...10
        case .pitch: return -24...24
        }
    }

    /// The stable short id: `none`, `noise-snr20`, `noise-snr17.5`, `shift+0.10`, `shift-0.05`,
    /// `stretch0.90`, `stretch1.25`, `pitch+2`, `pitch-3.5`.
    public var id: String {
        switch kind {
        case .none: return "none"
        case .noise: return "noise-snr" + formatDecimal(value, digits: 1, signed: false, trimmed: true)
        case .shift: return "shift" + formatDecimal(value, digits: 2, signed: true, trimmed: false)
        case .stretch: return "stretch" + formatDecimal(value, digits: 2, signed: false, trimmed: false)
        case .pitch: return "pitch" + formatDecimal(value, digits: 1, signed: true, trimmed: true)
        case .mulaw: return "mulaw-snr" + formatDecimal(value, digits: 1, signed: false, trimmed: true)
        case .alaw: return "alaw-snr" + formatDecimal(value, digits: 1, signed: false, trimmed: true)
        case .gsm: return "gsm-snr" + formatDecimal(value, digits: 1, signed: false, trimmed: true)
        }
    }

    /// Checks the value is a finite number in `allowedRange(of: kind)`.
    /// - Throws: `AugmentationError` saying which bound is broken, e.g.
    ///   `augmentation stretch0.00: time-stretch rate must be a positive number (got 0.0)`.
    public func validate() throws(AugmentationError) {
        let range = Augmentation.allowedRange(of: kind)
        let what: String
        switch kind {
        case .none: return
        case .noise: what = "signal-to-noise ratio (dB)"
        case .shift: what = "shift (fraction of the length)"
        case .stretch: what = "time-stretch rate"
        case .pitch: what = "pitch shift (semitones)"
        case .mulaw, .alaw, .gsm: what = "line signal-to-noise ratio (dB)"
        }
        if kind == .stretch && !(value > 0) {
            throw AugmentationError(augmentation: id, reason: "\(what) must be a positive number (got \(value))")
        }
        guard value.isFinite else {
            throw AugmentationError(augmentation: id, reason: "\(what) must be a finite number (got \(value))")
        }
        guard range.contains(value) else {
            throw AugmentationError(augmentation: id, reason: "\(what) must be between \(range.lowerBound) and \(range.upperBound) (got \(value))")
        }
    }

    /// Parses an id (`noise-snr20`, `shift+0.10`, `stretch0.9`, `pitch-3`, `none`).
    ///
    /// Numbers are plain decimals with an optional sign; more digits than the id shows are rounded
    /// (`stretch0.905` is `stretch0.91`, whose `id` is the canonical spelling).
    /// - Throws: `AugmentationError` for an unknown kind, a malformed number or a value out of range.
    public init(id: String) throws(AugmentationError) {
        if id == "none" { self = .none; return }
        let makers: [(prefix: String, make: (Double) -> Augmentation)] = [
            ("noise-snr", Augmentation.noise(snrDB:)), ("shift", Augmentation.shift(fraction:)),
            ("stretch", Augmentation.stretch(rate:)), ("pitch", Augmentation.pitch(semitones:)),
            ("mulaw-snr", Augmentation.mulaw(snrDB:)), ("alaw-snr", Augmentation.alaw(snrDB:)),
            ("gsm-snr", Augmentation.gsm(snrDB:)),
        ]
        guard let (prefix, make) = makers.first(where: { id.hasPrefix($0.prefix) }) else {
            throw AugmentationError(augmentation: id, reason: "unknown augmentation (expected none, noise-snr<dB>, shift<±fraction>, stretch<rate>, pitch<±semitones>, mulaw-snr<dB>, alaw-snr<dB> or gsm-snr<dB>)")
        }
        let number = id.dropFirst(prefix.count)
        guard let value = parseDecimal(number) else {
            throw AugmentationError(augmentation: id, reason: "'\(number)' is not a decimal number")
        }
        let parsed = make(value)
        try parsed.validate()
        self = parsed
    }
}

extension Augmentation: CustomStringConvertible {
    public var description: String { id }
}

extension Augmentation: Codable {
    /// Encodes as the id string.
    public func encode(to encoder: Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(id)
    }

    /// Decodes an id string (see `init(id:)`).
    public init(from decoder: Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        do {
            self = try Augmentation(id: text)
        } catch {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: error.description)
        }
    }
}

/// `value` with exactly `digits` decimals (or up to `digits`, trailing zeros removed, when `trimmed`),
/// a leading `+` for non-negative values when `signed`. Independent of locale.
private func formatDecimal(_ value: Double, digits: Int, signed: Bool, trimmed: Bool) -> String {
    var scale = 1.0
    for _ in 0..<digits { scale *= 10 }
    let scaled = (value * scale).rounded()
    guard scaled.isFinite, abs(scaled) < 1e15 else { return value.isNaN ? "nan" : (value > 0 ? "inf" : "-inf") }
    let integer = Int(scaled)
    var text = String(integer.magnitude)
    if text.count <= digits { text = String(repeating: "0", count: digits + 1 - text.count) + text }
    if digits > 0 {
        text.insert(".", at: text.index(text.endIndex, offsetBy: -digits))
        if trimmed {
            while text.hasSuffix("0") { text.removeLast() }
            if text.hasSuffix(".") { text.removeLast() }
        }
    }
    let sign = integer < 0 ? "-" : (signed ? "+" : "")
    return sign + text
}

/// A plain decimal: optional sign, digits, optionally `.` and more digits. Nothing else (no
/// exponents, spaces, `nan` or `inf`).
private func parseDecimal(_ text: Substring) -> Double? {
    var body = text
    if body.first == "+" || body.first == "-" { body = body.dropFirst() }
    let parts = body.split(separator: ".", omittingEmptySubsequences: false)
    guard (1...2).contains(parts.count),
          parts.allSatisfy({ !$0.isEmpty && $0.allSatisfy { $0.isASCII && $0.isNumber } }) else { return nil }
    return Double(text)
}
