import Foundation

extension SyntheticCorpus {
    /// Every file of the corpus at `scale`, in a fixed order (CREMA-D, RAVDESS, SAVEE, TESS), without
    /// making any audio. The names follow the real corpora's conventions exactly:
    ///
    /// - CREMA-D `Crema/<actor>_<sentence>_<EMO>_<level>.wav`: actors from 1001, the 12 sentence codes,
    ///   ANG DIS FEA HAP NEU SAD, level LO/MD/HI for IEO (not neutral), XX otherwise. 16 kHz.
    /// - RAVDESS `Ravdess/audio_speech_actors_01-24/Actor_<NN>/03-01-<EE>-<II>-<SS>-<RR>-<NN>.wav`:
    ///   emotion 01–08 (02 calm), intensity 01/02 (neutral only 01), statement, repetition, actor. 48 kHz.
    /// - SAVEE `Savee/<SPK>_<code><NN>.wav`: DC JE JK KL, a d f h n sa su, 01–15 (neutral to 30). 44.1 kHz.
    /// - TESS `Tess/<SPK>_<Folder>/<SPK>_<word>_<emo>.wav` with the real folder spellings
    ///   (`OAF_Fear`, `OAF_Pleasant_surprise`, `YAF_pleasant_surprised`...). 24 414 Hz.
    public static func plan(scale: SynthesisScale) -> [PlannedFile] {
        cremaFiles(scale) + ravdessFiles(scale) + saveeFiles(scale) + tessFiles(scale)
    }

    // MARK: CREMA-D

    /// CREMA-D's twelve sentences and their syllable counts ("It's eleven o'clock" = IEO, 6...).
    static let cremaSentences: [(code: String, syllables: Int)] = [
        ("IEO", 6), ("TIE", 8), ("IOM", 8), ("IWW", 8), ("TAI", 7), ("MTI", 9),
        ("IWL", 8), ("ITH", 10), ("DFA", 6), ("ITS", 7), ("TSI", 5), ("WSI", 9),
    ]

    private static func cremaFiles(_ scale: SynthesisScale) -> [PlannedFile] {
        let actors: Int, sentences: [String]
        switch scale {
        case .small: actors = 6; sentences = ["IEO", "DFA", "TSI"]
        case .medium: actors = 24; sentences = cremaSentences.map(\.code)
        case .large: actors = 250; sentences = cremaSentences.map(\.code)
        }
        let codes: [(ActedEmotion, String)] = [(.angry, "ANG"), (.disgust, "DIS"), (.fear, "FEA"),
                                                (.happy, "HAP"), (.neutral, "NEU"), (.sad, "SAD")]
        var files: [PlannedFile] = []
        for actor in 1001..<(1001 + actors) {
            for sentence in sentences {
                for (acted, code) in codes {
                    let levels: [(String, Double)] = sentence == "IEO" && acted != .neutral
                        ? [("LO", 0.65), ("MD", 0.9), ("HI", 1.2)] : [("XX", 0.9)]
                    for (level, intensity) in levels {
                        files.append(PlannedFile(relativePath: "Crema/\(actor)_\(sentence)_\(code)_\(level).wav",
                                                 corpus: .crema, speaker: String(actor), sex: actor % 2 == 1 ? .male : .female,
                                                 acted: acted, sentence: sentence, intensity: intensity, repetition: 1))
                    }
                }
            }
        }
        return files
    }

    // MARK: RAVDESS

    private static func ravdessFiles(_ scale: SynthesisScale) -> [PlannedFile] {
        let actors: Int, repetitions: [Int]
        switch scale {
        case .small: actors = 4; repetitions = [1]
        case .medium: actors = 12; repetitions = [1, 2]
        case .large: actors = 24; repetitions = [1, 2]
        }
        let emotions: [ActedEmotion] = [.neutral, .calm, .happy, .sad, .angry, .fear, .disgust, .surprise]
        var files: [PlannedFile] = []
        for actor in 1...actors {
            let nn = twoDigits(actor)
            for (e, acted) in emotions.enumerated() {
                for intensity in (acted == .neutral ? [1] : [1, 2]) {
                    for statement in [1, 2] {
                        for repetition in repetitions {
                            let name = "03-01-\(twoDigits(e + 1))-\(twoDigits(intensity))-\(twoDigits(statement))-\(twoDigits(repetition))-\(nn).wav"
                            files.append(PlannedFile(relativePath: "Ravdess/audio_speech_actors_01-24/Actor_\(nn)/\(name)",
                                                     corpus: .ravdess, speaker: nn, sex: actor % 2 == 1 ? .male : .female,
                                                     acted: acted, sentence: twoDigits(statement),
                                                     intensity: intensity == 1 ? 0.85 : 1.2, repetition: repetition))
                        }
                    }
                }
            }
        }
        return files
    }

    // MARK: SAVEE

    private static func saveeFiles(_ scale: SynthesisScale) -> [PlannedFile] {
        let perEmotion = scale == .small ? 4 : 15
        let codes: [(ActedEmotion, String)] = [(.angry, "a"), (.disgust, "d"), (.fear, "f"), (.happy, "h"),
                                                (.neutral, "n"), (.sad, "sa"), (.surprise, "su")]
        var files: [PlannedFile] = []
        for speaker in ["DC", "JE", "JK", "KL"] {
            for (acted, code) in codes {
                for number in 1...(acted == .neutral ? 2 * perEmotion : perEmotion) {
                    let nn = twoDigits(number)
                    files.append(PlannedFile(relativePath: "Savee/\(speaker)_\(code)\(nn).wav", corpus: .savee,
                                             speaker: speaker, sex: .male, acted: acted,
                                             sentence: number <= 3 ? "c\(nn)" : "\(code)\(nn)", intensity: 1, repetition: 1))
                }
            }
        }
        return files
    }

    // MARK: TESS

    /// The 200 words of the NU-6 list TESS's talkers read ("Say the word ...").
    static let tessWords = """
        back bar base bath bean beg bite boat bone book bought burn cab calm came cause chain chair chalk chat \
        check cheek chief choice cool dab date dead death deep dime dip ditch dodge dog doll door fail fall far \
        fat fit five food gap gas gaze germ get gin goal good goose gun half hall hash hate have haze hire hit \
        hole home hurl hush jail jar join judge jug juice keen keep keg kick kill king kite knock late laud lean \
        learn lease lid life limb live loaf long lore lose lot love luck make match merge mess met mill mob mode \
        mood moon mop mouse nag name near neat nice note numb pad page pain pass pearl peg perch phone pick pike \
        pole pool puff rag raid rain raise rat reach read red ring ripe road room rose rot rough rush said sail \
        search seize sell shack shall shawl sheep shirt should shout size soap soup sour south sub such sure take \
        talk tape team tell thin third thought thumb time tip tire ton tool tough turn vine voice void vote wag \
        walk wash week wheat when which whip white wife wire witch yearn yes young youth
        """.split(separator: " ").map(String.init)

    private static func tessFiles(_ scale: SynthesisScale) -> [PlannedFile] {
        let stride = scale == .small ? 25 : scale == .medium ? 5 : 1
        let words = Swift.stride(from: 0, to: tessWords.count, by: stride).map { tessWords[$0] }
        let folders: [String: [ActedEmotion: String]] = [
            "OAF": [.angry: "angry", .disgust: "disgust", .fear: "Fear", .happy: "happy", .neutral: "neutral",
                    .surprise: "Pleasant_surprise", .sad: "Sad"],
            "YAF": [.angry: "angry", .disgust: "disgust", .fear: "fear", .happy: "happy", .neutral: "neutral",
                    .surprise: "pleasant_surprised", .sad: "sad"],
        ]
        let suffixes: [ActedEmotion: String] = [.angry: "angry", .disgust: "disgust", .fear: "fear", .happy: "happy",
                                                .neutral: "neutral", .surprise: "ps", .sad: "sad"]
        var files: [PlannedFile] = []
        for speaker in ["OAF", "YAF"] {
            for emotion in Emotion.allCases {
                let acted = ActedEmotion(emotion)
                let folder = "\(speaker)_\(folders[speaker]![acted]!)"
                for word in words {
                    files.append(PlannedFile(relativePath: "Tess/\(folder)/\(speaker)_\(word)_\(suffixes[acted]!).wav",
                                             corpus: .tess, speaker: speaker, sex: .female, acted: acted,
                                             sentence: word, intensity: 1, repetition: 1))
                }
            }
        }
        return files
    }

    private static func twoDigits(_ n: Int) -> String { n < 10 ? "0\(n)" : String(n) }
}

extension PlannedFile {
    /// The phonetic content: the same for every speaker and emotion saying the same sentence.
    var script: SentenceScript {
        switch corpus {
        case .crema:
            let count = SyntheticCorpus.cremaSentences.first { $0.code == sentence }?.syllables ?? 7
            return .generated(id: "crema/\(sentence)", syllableCount: count)
        case .ravdess:
            return .generated(id: "ravdess/\(sentence)", syllableCount: 7)
        case .savee, .custom:
            let count = 6 + sentence.unicodeScalars.reduce(0) { $0 + Int($1.value) } % 5
            return .generated(id: "savee/\(sentence)", syllableCount: count)
        case .tess:
            return .carrierPhrase(word: sentence)
        }
    }
}
