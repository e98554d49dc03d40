import CSndfile

/// The container and sample encoding of an audio file, as libsndfile names them.
public struct AudioFormat: Equatable, Sendable, CustomStringConvertible {
    /// libsndfile's format code: container (`SF_FORMAT_TYPEMASK`) | encoding (`SF_FORMAT_SUBMASK`).
    public let code: Int32

    public init(code: Int32) { self.code = code }

    /// The container, e.g. `WAV`, `FLAC`, `OGG`, `MPEG`.
    public var container: String {
        Self.name(of: code & Int32(SF_FORMAT_TYPEMASK), major: true) ?? "unknown container"
    }

    /// The sample encoding, e.g. `Signed 16 bit PCM`, `U-Law`, `Vorbis`.
    public var encoding: String {
        Self.name(of: code & Int32(SF_FORMAT_SUBMASK), major: false) ?? "unknown encoding"
    }

    public var description: String { "\(container) / \(encoding)" }

    private static func name(of format: Int32, major: Bool) -> String? {
        let command = major ? SFC_GET_FORMAT_MAJOR_COUNT : SFC_GET_FORMAT_SUBTYPE_COUNT
        var count: Int32 = 0
        sf_command(nil, Int32(command), &count, Int32(MemoryLayout<Int32>.size))
        var probe = SF_FORMAT_INFO()
        let entry = major ? SFC_GET_FORMAT_MAJOR : SFC_GET_FORMAT_SUBTYPE
        for i in 0..<count {
            probe.format = i
            sf_command(nil, Int32(entry), &probe, Int32(MemoryLayout<SF_FORMAT_INFO>.size))
            if probe.format == format, let name = probe.name { return String(cString: name) }
        }
        return nil
    }
}

/// The formats Intone writes (tests, fixtures, synthetic corpora).
public enum AudioFileType: String, CaseIterable, Sendable {
    case wavPCMU8 = "wav-u8"
    case wavPCM16 = "wav-pcm16"
    case wavPCM24 = "wav-pcm24"
    case wavPCM32 = "wav-pcm32"
    case wavFloat = "wav-float"
    case wavULaw = "wav-ulaw"
    case wavALaw = "wav-alaw"
    /// GSM 06.10 full-rate speech coding in WAV (8 kHz mono only; lossy).
    case wavGSM610 = "wav-gsm610"
    case flac = "flac"
    case oggVorbis = "ogg-vorbis"
    case oggOpus = "ogg-opus"
    case mp3 = "mp3"

    /// libsndfile's format code for this type.
    public var formatCode: Int32 {
        switch self {
        case .wavPCMU8: return Int32(SF_FORMAT_WAV | SF_FORMAT_PCM_U8)
        case .wavPCM16: return Int32(SF_FORMAT_WAV | SF_FORMAT_PCM_16)
        case .wavPCM24: return Int32(SF_FORMAT_WAV | SF_FORMAT_PCM_24)
        case .wavPCM32: return Int32(SF_FORMAT_WAV | SF_FORMAT_PCM_32)
        case .wavFloat: return Int32(SF_FORMAT_WAV | SF_FORMAT_FLOAT)
        case .wavULaw: return Int32(SF_FORMAT_WAV | SF_FORMAT_ULAW)
        case .wavALaw: return Int32(SF_FORMAT_WAV | SF_FORMAT_ALAW)
        case .wavGSM610: return Int32(SF_FORMAT_WAV | SF_FORMAT_GSM610)
        case .flac: return Int32(SF_FORMAT_FLAC | SF_FORMAT_PCM_16)
        case .oggVorbis: return Int32(SF_FORMAT_OGG | SF_FORMAT_VORBIS)
        case .oggOpus: return Int32(SF_FORMAT_OGG | SF_FORMAT_OPUS)
        case .mp3: return Int32(SF_FORMAT_MPEG | SF_FORMAT_MPEG_LAYER_III)
        }
    }

    /// The usual file-name extension.
    public var fileExtension: String {
        switch self {
        case .wavPCMU8, .wavPCM16, .wavPCM24, .wavPCM32, .wavFloat, .wavULaw, .wavALaw, .wavGSM610: return "wav"
        case .flac: return "flac"
        case .oggVorbis, .oggOpus: return "ogg"
        case .mp3: return "mp3"
        }
    }
}
