/// The eight expressions actors are asked for in the synthetic corpora: Intone's seven classes plus
/// RAVDESS's *calm*, which has its own prosody (neutral but softer, slower, laxer) and is written as
/// calm (`02`) in RAVDESS file names.
///
/// A planned file keeps both: `acted` drives the synthesis, `acted.emotion` is the class label
/// (calm folds into `.neutral`, as `Emotion(label: "calm")` does by default).
public enum ActedEmotion: String, CaseIterable, Codable, Sendable {
    case angry, disgust, fear, happy, neutral, sad, surprise, calm

    /// The class this expression is labelled as: itself, or `.neutral` for calm.
    public var emotion: Emotion {
        switch self {
        case .angry: return .angry
        case .disgust: return .disgust
        case .fear: return .fear
        case .happy: return .happy
        case .neutral, .calm: return .neutral
        case .sad: return .sad
        case .surprise: return .surprise
        }
    }

    /// The acted expression for one of the seven classes (never calm).
    public init(_ emotion: Emotion) {
        switch emotion {
        case .angry: self = .angry
        case .disgust: self = .disgust
        case .fear: self = .fear
        case .happy: self = .happy
        case .neutral: self = .neutral
        case .sad: self = .sad
        case .surprise: self = .surprise
        }
    }
}

/// The sex of a synthetic speaker (it sets the base pitch and the vocal-tract length).
public enum SpeakerSex: String, CaseIterable, Codable, Sendable {
    case male, female
}
