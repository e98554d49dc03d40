/// Reads the four corpora's file-name conventions. Pure: a name in, a label (or the reason it is
/// not one) out; no file system access.
public enum CorpusFileName {
    /// The outcome of reading one file name.
    public enum Reading: Equatable, Sendable {
        /// The name fits a corpus convention.
        case labelled(corpus: CorpusKind, speaker: String, emotion: Emotion, sourceLabel: String, sex: String?)
        /// The name fits a corpus convention but cannot be used (unknown code, song recording...).
        case rejected(corpus: CorpusKind, reason: String)
        /// The name fits no corpus convention.
        case unrecognised
    }

    /// Reads `fileName` (with or without extension) found in folder `parent` (its immediate folder name,
    /// used by SAVEE's original `DC/a01.wav` layout).
    ///
    /// - Parameter foldCalm: map RAVDESS calm (02) to neutral (default); otherwise calm files are rejected.
    public static func read(_ fileName: String, parent: String = "", foldCalm: Bool = true) -> Reading {
        let stem = fileName.split(separator: ".", omittingEmptySubsequences: false).count > 1
            ? String(fileName[..<fileName.lastIndex(of: ".")!]) : fileName
        if let r = ravdess(stem, foldCalm: foldCalm) { return r }
        if let r = crema(stem) { return r }
        if let r = tess(stem) { return r }
        if let r = savee(stem, parent: parent) { return r }
        return .unrecognised
    }

    // MARK: RAVDESS: 03-01-05-01-02-01-01 (modality, vocal channel, emotion, intensity, statement, repetition, actor)

    static let ravdessEmotions: [String: (Emotion?, String)] = [
        "01": (.neutral, "neutral"), "02": (nil, "calm"), "03": (.happy, "happy"), "04": (.sad, "sad"),
        "05": (.angry, "angry"), "06": (.fear, "fearful"), "07": (.disgust, "disgust"), "08": (.surprise, "surprised"),
    ]

    static func ravdess(_ stem: String, foldCalm: Bool) -> Reading? {
        let fields = stem.split(separator: "-", omittingEmptySubsequences: false).map(String.init)
        guard fields.count == 7, fields.allSatisfy({ $0.count == 2 && $0.allSatisfy(\.isASCIIDigit) }) else { return nil }
        let (modality, channel, code, intensity, statement, repetition, actor) =
            (fields[0], fields[1], fields[2], fields[3], fields[4], fields[5], fields[6])
        guard ["01", "02", "03"].contains(modality) else {
            return .rejected(corpus: .ravdess, reason: "RAVDESS modality \(modality) is not 01-03")
        }
        if modality == "02" { return .rejected(corpus: .ravdess, reason: "RAVDESS video-only recording (modality 02) has no audio") }
        guard channel == "01" else {
            return .rejected(corpus: .ravdess, reason: channel == "02"
                ? "RAVDESS song recording (vocal channel 02); only speech is used"
                : "RAVDESS vocal channel \(channel) is not 01 (speech) or 02 (song)")
        }
        guard let (emotion, name) = ravdessEmotions[code] else {
            return .rejected(corpus: .ravdess, reason: "RAVDESS emotion code \(code) is not 01-08")
        }
        guard ["01", "02"].contains(intensity), ["01", "02"].contains(statement), ["01", "02"].contains(repetition) else {
            return .rejected(corpus: .ravdess, reason: "RAVDESS intensity, statement and repetition must be 01 or 02")
        }
        guard let actorNumber = Int(actor), (1...24).contains(actorNumber) else {
            return .rejected(corpus: .ravdess, reason: "RAVDESS actor \(actor) is not 01-24")
        }
        let sex = actorNumber % 2 == 1 ? "male" : "female"
        if let emotion { return .labelled(corpus: .ravdess, speaker: actor, emotion: emotion, sourceLabel: name, sex: sex) }
        if foldCalm { return .labelled(corpus: .ravdess, speaker: actor, emotion: .neutral, sourceLabel: name, sex: sex) }
        return .rejected(corpus: .ravdess, reason: "RAVDESS calm (02) is not one of the seven classes (calm folding is off)")
    }

    // MARK: CREMA-D: 1001_DFA_ANG_XX (actor, sentence, emotion, level)

    static let cremaEmotions: [String: Emotion] = [
        "ANG": .angry, "DIS": .disgust, "FEA": .fear, "HAP": .happy, "NEU": .neutral, "SAD": .sad,
    ]
    static let cremaSentences: Set<String> = ["IEO", "TIE", "IOM", "IWW", "TAI", "MTI", "IWL", "ITH", "DFA", "ITS", "TSI", "WSI"]
    static let cremaLevels: Set<String> = ["LO", "MD", "HI", "XX", "X"]

    static func crema(_ stem: String) -> Reading? {
        let fields = stem.split(separator: "_", omittingEmptySubsequences: false).map(String.init)
        guard fields.count == 4, fields[0].count == 4, fields[0].allSatisfy(\.isASCIIDigit),
              fields[1].count == 3, fields[2].count == 3 else { return nil }
        guard cremaSentences.contains(fields[1]) else {
            return .rejected(corpus: .crema, reason: "CREMA-D sentence code \(fields[1]) is not one of the 12 sentences")
        }
        guard let emotion = cremaEmotions[fields[2]] else {
            return .rejected(corpus: .crema, reason: "CREMA-D emotion code \(fields[2]) is not ANG, DIS, FEA, HAP, NEU or SAD")
        }
        guard cremaLevels.contains(fields[3]) else {
            return .rejected(corpus: .crema, reason: "CREMA-D intensity \(fields[3]) is not LO, MD, HI or XX")
        }
        return .labelled(corpus: .crema, speaker: fields[0], emotion: emotion, sourceLabel: fields[2], sex: nil)
    }

    // MARK: TESS: OAF_back_angry (speaker, word, emotion; ps = pleasant surprise)

    static func tess(_ stem: String) -> Reading? {
        let fields = stem.split(separator: "_", omittingEmptySubsequences: false).map(String.init)
        guard fields.count >= 3, ["OAF", "YAF"].contains(fields[0].uppercased()) else { return nil }
        let label = fields.dropFirst(2).joined(separator: "_")
        guard let emotion = Emotion(label: label) else {
            return .rejected(corpus: .tess, reason: "TESS emotion '\(label)' is not angry, disgust, fear, happy, neutral, ps or sad")
        }
        return .labelled(corpus: .tess, speaker: fields[0].uppercased(), emotion: emotion, sourceLabel: label, sex: "female")
    }

    // MARK: SAVEE: DC_a01 (speaker, emotion code, number) or DC/a01

    static let saveeCodes: [String: Emotion] = [
        "a": .angry, "d": .disgust, "f": .fear, "h": .happy, "n": .neutral, "sa": .sad, "su": .surprise,
    ]

    static func savee(_ stem: String, parent: String) -> Reading? {
        let speaker: String
        let rest: Substring
        if let underscore = stem.firstIndex(of: "_") {
            speaker = String(stem[..<underscore])
            rest = stem[stem.index(after: underscore)...]
        } else if ["DC", "JE", "JK", "KL"].contains(parent) {
            speaker = parent
            rest = stem[...]
        } else {
            return nil
        }
        guard speaker.count == 2, speaker.allSatisfy({ $0.isASCII && $0.isUppercase }) else { return nil }
        let code = String(rest.prefix { $0.isLetter })
        let number = rest.dropFirst(code.count)
        guard !code.isEmpty, number.count == 2, number.allSatisfy(\.isASCIIDigit) else { return nil }
        guard let emotion = saveeCodes[code] else {
            return .rejected(corpus: .savee, reason: "SAVEE emotion code '\(code)' is not a, d, f, h, n, sa or su")
        }
        return .labelled(corpus: .savee, speaker: speaker, emotion: emotion, sourceLabel: code, sex: "male")
    }
}

extension Character {
    var isASCIIDigit: Bool { isASCII && isNumber }
}
