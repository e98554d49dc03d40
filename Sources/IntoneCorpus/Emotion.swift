import Foundation

/// The seven emotion classes Intone recognises, in this fixed order (class indices, model outputs,
/// columns of result files).
public enum Emotion: String, CaseIterable, Codable, Sendable, Comparable {
    case angry, disgust, fear, happy, neutral, sad, surprise

    /// Position in `Emotion.allCases` (the class index).
    public var index: Int { Emotion.allCases.firstIndex(of: self)! }

    public static func < (a: Emotion, b: Emotion) -> Bool { a.index < b.index }

    /// Reads a label the way users and corpora write it: the seven names, plus common synonyms
    /// (`anger`, `angry`, `ANG`, `disgusted`, `fearful`, `fear`, `happiness`, `joy`, `sadness`,
    /// `surprised`, `ps`, `pleasant_surprise`...), case-insensitively.
    ///
    /// `calm` maps to `.neutral` only when `foldCalm` is true (the default, as RAVDESS is usually used);
    /// otherwise it is not a class and gives `nil`. Unknown labels give `nil`, never a guess.
    public init?(label: String, foldCalm: Bool = true) {
        let key = label.lowercased().trimmingCharacters(in: .whitespaces)
            .replacingOccurrences(of: "-", with: "_").replacingOccurrences(of: " ", with: "_")
        switch key {
        case "angry", "anger", "ang", "mad": self = .angry
        case "disgust", "disgusted", "dis": self = .disgust
        case "fear", "fearful", "fea", "afraid", "scared": self = .fear
        case "happy", "happiness", "hap", "joy", "joyful": self = .happy
        case "neutral", "neu": self = .neutral
        case "sad", "sadness": self = .sad
        case "surprise", "surprised", "sur", "ps", "pleasant_surprise", "pleasant_surprised": self = .surprise
        case "calm" where foldCalm: self = .neutral
        default: return nil
        }
    }
}
