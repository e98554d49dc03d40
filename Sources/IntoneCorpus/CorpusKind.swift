/// Where a labelled recording comes from: one of the four acted-emotion corpora, read in its own
/// folder and file-name conventions, or a user's own folder or manifest.
public enum CorpusKind: String, CaseIterable, Codable, Sendable {
    /// CREMA-D: `Crema/1001_DFA_ANG_XX.wav` (actor, sentence, emotion ANG DIS FEA HAP NEU SAD, level).
    case crema
    /// RAVDESS: `Ravdess/audio_speech_actors_01-24/Actor_01/03-01-05-01-02-01-01.wav`
    /// (modality, channel, emotion 01-08, intensity, statement, repetition, actor).
    case ravdess
    /// SAVEE: `Savee/DC_a01.wav` (speaker DC JE JK KL; a d f h n sa su).
    case savee
    /// TESS: `Tess/OAF_angry/OAF_back_angry.wav` (speaker OAF or YAF; word; emotion, `ps` = surprise).
    case tess
    /// Any folder whose sub-folder names are labels, or a CSV manifest `path,label[,speaker]`.
    case custom

    /// Native sample rate of the real corpus in Hz (`nil` for custom data).
    public var nativeSampleRate: Int? {
        switch self {
        case .crema: return 16_000
        case .ravdess: return 48_000
        case .savee: return 44_100
        case .tess: return 24_414
        case .custom: return nil
        }
    }

    /// The folder name the corpus is usually unpacked into (and the synthetic corpus uses).
    public var folderName: String {
        switch self {
        case .crema: return "Crema"
        case .ravdess: return "Ravdess"
        case .savee: return "Savee"
        case .tess: return "Tess"
        case .custom: return "Custom"
        }
    }
}
