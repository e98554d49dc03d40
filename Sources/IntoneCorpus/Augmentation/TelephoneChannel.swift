import Foundation
import IntoneAudio
import IntoneRandom

/// A recording as a telephone call would carry it: to 8 kHz (soxr, which removes what lies above
/// 4 kHz), the telephone band (ITU-T G.712's 300-3,400 Hz: second-order Butterworth high- and
/// low-pass sections, each applied twice), line noise at a signal-to-noise ratio, G.711 companding
/// (8-bit mu-law or A-law, as an 8 kHz call in an archive is stored), and back to the original rate
/// and length. The augmentations `mulaw-snrS` and `alaw-snrS` (`Augmentation.mulaw(snrDB:)`, `.alaw`);
/// `gsm-snrS` codes the 8 kHz signal with GSM 06.10 full rate (libsndfile's encoder, the codec of
/// 2G mobile calls, 13 kbit/s) instead of G.711.
public enum TelephoneChannel {
    /// The companding law of G.711.
    public enum Law: String, Sendable, CaseIterable {
        case mulaw, alaw
    }

    /// How the 8 kHz signal is coded: G.711 mu-law or A-law, or GSM 06.10.
    public enum Codec: String, Sendable, CaseIterable {
        case mulaw, alaw, gsm
    }

    /// Sample rate of the channel.
    public static let rate = 8000.0
    /// The telephone band's edges in Hz.
    public static let band = 300.0...3400.0

    /// `samples` (at `sampleRate`) through the channel; same length. The noise comes from `random`.
    public static func apply(_ samples: [Float], sampleRate: Double, law: Law, snrDB: Double, random: inout SeededRandom,
                             label: String) throws(AugmentationError) -> [Float] {
        try apply(samples, sampleRate: sampleRate, codec: law == .mulaw ? .mulaw : .alaw, snrDB: snrDB, random: &random, label: label)
    }

    /// `samples` (at `sampleRate`) through the channel with `codec`; same length.
    public static func apply(_ samples: [Float], sampleRate: Double, codec: Codec, snrDB: Double, random: inout SeededRandom,
                             label: String) throws(AugmentationError) -> [Float] {
        guard sampleRate > 0, sampleRate.isFinite else {
            throw AugmentationError(augmentation: label, reason: "sample rate must be a positive number of Hz (got \(sampleRate))")
        }
        if samples.isEmpty { return [] }
        var narrow: [Float]
        do { narrow = try Resampler.resample(samples, from: sampleRate, to: rate, label: label) } catch {
            throw AugmentationError(augmentation: label, reason: error.reason.message)
        }
        for _ in 0..<2 {
            narrow = Biquad.highPass(cutoff: band.lowerBound, sampleRate: rate).filter(narrow)
            narrow = Biquad.lowPass(cutoff: band.upperBound, sampleRate: rate).filter(narrow)
        }
        narrow = addNoise(narrow, snrDB: snrDB, random: &random)
        switch codec {
        case .mulaw: narrow = narrow.map { G711.decode(G711.encode($0, law: .mulaw), law: .mulaw) }
        case .alaw: narrow = narrow.map { G711.decode(G711.encode($0, law: .alaw), law: .alaw) }
        case .gsm:
            do { narrow = try CodecRoundTrip.apply(narrow, sampleRate: Int(rate), type: .wavGSM610) } catch {
                throw AugmentationError(augmentation: label, reason: "GSM 06.10 coding failed: \(error.reason.message)")
            }
        }
        var out: [Float]
        do { out = try Resampler.resample(narrow, from: rate, to: sampleRate, label: label) } catch {
            throw AugmentationError(augmentation: label, reason: error.reason.message)
        }
        if out.count > samples.count { out.removeLast(out.count - samples.count) }
        if out.count < samples.count { out.append(contentsOf: repeatElement(0, count: samples.count - out.count)) }
        return out
    }
}

/// One second-order IIR section (RBJ's audio EQ cookbook), direct form I in double precision.
struct Biquad {
    let b0, b1, b2, a1, a2: Double

    /// Butterworth (Q = 1/√2) high-pass at `cutoff` Hz.
    static func highPass(cutoff: Double, sampleRate: Double) -> Biquad {
        let w = 2 * Double.pi * cutoff / sampleRate, alpha = sin(w) / (2 * 0.5.squareRoot()), c = cos(w), a0 = 1 + alpha
        return Biquad(b0: (1 + c) / 2 / a0, b1: -(1 + c) / a0, b2: (1 + c) / 2 / a0, a1: -2 * c / a0, a2: (1 - alpha) / a0)
    }

    /// Butterworth (Q = 1/√2) low-pass at `cutoff` Hz.
    static func lowPass(cutoff: Double, sampleRate: Double) -> Biquad {
        let w = 2 * Double.pi * cutoff / sampleRate, alpha = sin(w) / (2 * 0.5.squareRoot()), c = cos(w), a0 = 1 + alpha
        return Biquad(b0: (1 - c) / 2 / a0, b1: (1 - c) / a0, b2: (1 - c) / 2 / a0, a1: -2 * c / a0, a2: (1 - alpha) / a0)
    }

    /// The magnitude of its response at `frequency` Hz.
    func gain(at frequency: Double, sampleRate: Double) -> Double {
        let w = 2 * Double.pi * frequency / sampleRate
        func magnitude(_ c0: Double, _ c1: Double, _ c2: Double) -> Double {
            let re = c0 + c1 * cos(w) + c2 * cos(2 * w), im = -(c1 * sin(w) + c2 * sin(2 * w))
            return (re * re + im * im).squareRoot()
        }
        return magnitude(b0, b1, b2) / magnitude(1, a1, a2)
    }

    func filter(_ x: [Float]) -> [Float] {
        var out = [Float](repeating: 0, count: x.count)
        var x1 = 0.0, x2 = 0.0, y1 = 0.0, y2 = 0.0
        for i in x.indices {
            let x0 = Double(x[i])
            let y0 = b0 * x0 + b1 * x1 + b2 * x2 - a1 * y1 - a2 * y2
            out[i] = Float(y0)
            x2 = x1; x1 = x0; y2 = y1; y1 = y0
        }
        return out
    }
}

/// ITU-T G.711 companding on 16-bit linear samples (the classic reference algorithm, as in Sun's
/// g711.c): samples in [-1, 1] are scaled by 32,768, clipped, companded to 8 bits and expanded back.
public enum G711 {
    /// The 8-bit code of `sample`.
    public static func encode(_ sample: Float, law: TelephoneChannel.Law) -> UInt8 {
        let scaled = (Double(sample) * 32768).rounded()
        let pcm = Int(min(32767, max(-32768, scaled.isFinite ? scaled : 0)))
        return law == .mulaw ? linearToMuLaw(pcm) : linearToALaw(pcm)
    }

    /// The sample a code stands for, in [-1, 1].
    public static func decode(_ code: UInt8, law: TelephoneChannel.Law) -> Float {
        Float(law == .mulaw ? muLawToLinear(code) : aLawToLinear(code)) / 32768
    }

    static func linearToMuLaw(_ pcm: Int) -> UInt8 {
        let bias = 0x84, clip = 32635
        var value = pcm
        let sign = value < 0 ? 0x80 : 0
        if value < 0 { value = -value }
        value = min(value, clip) + bias
        var exponent = 7
        var mask = 0x4000
        while exponent > 0 && value & mask == 0 { exponent -= 1; mask >>= 1 }
        let mantissa = (value >> (exponent + 3)) & 0x0F
        return UInt8(~(sign | (exponent << 4) | mantissa) & 0xFF)
    }

    static func muLawToLinear(_ code: UInt8) -> Int {
        let u = Int(~code & 0xFF)
        let exponent = (u >> 4) & 0x07, mantissa = u & 0x0F
        let magnitude = (((mantissa << 3) + 0x84) << exponent) - 0x84
        return u & 0x80 != 0 ? -magnitude : magnitude
    }

    static func linearToALaw(_ pcm: Int) -> UInt8 {
        var value = pcm >> 3   // 13 bits
        let mask: Int
        if value >= 0 { mask = 0xD5 } else { mask = 0x55; value = -value - 1 }
        let segmentEnds = [0x1F, 0x3F, 0x7F, 0xFF, 0x1FF, 0x3FF, 0x7FF, 0xFFF]
        guard let segment = segmentEnds.firstIndex(where: { value <= $0 }) else { return UInt8(0x7F ^ mask) }
        var code = segment << 4
        code |= segment < 2 ? (value >> 1) & 0x0F : (value >> segment) & 0x0F
        return UInt8((code ^ mask) & 0xFF)
    }

    static func aLawToLinear(_ code: UInt8) -> Int {
        let a = Int(code) ^ 0x55
        var t = (a & 0x0F) << 4
        let segment = (a & 0x70) >> 4
        switch segment {
        case 0: t += 8
        case 1: t += 0x108
        default: t += 0x108; t <<= segment - 1
        }
        return a & 0x80 != 0 ? t : -t
    }
}
