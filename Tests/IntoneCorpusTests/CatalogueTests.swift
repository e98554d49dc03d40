import Foundation
import Testing
import IntoneTestSupport
import IntoneCorpus

/// Each corpus's naming convention, including the tricky names.
struct CorpusFileNameTests {
    @Test(arguments: [
        ("1001_DFA_ANG_XX.wav", CorpusKind.crema, "1001", Emotion.angry, "ANG"),
        ("1091_IEO_HAP_HI.wav", .crema, "1091", .happy, "HAP"),
        ("1033_TSI_NEU_XX.wav", .crema, "1033", .neutral, "NEU"),
        ("03-01-05-01-02-01-01.wav", .ravdess, "01", .angry, "angry"),
        ("03-01-02-02-01-02-12.wav", .ravdess, "12", .neutral, "calm"),
        ("03-01-08-01-01-01-24.wav", .ravdess, "24", .surprise, "surprised"),
        ("03-01-06-02-02-02-07.wav", .ravdess, "07", .fear, "fearful"),
        ("DC_a01.wav", .savee, "DC", .angry, "a"),
        ("JK_sa15.wav", .savee, "JK", .sad, "sa"),
        ("KL_su03.wav", .savee, "KL", .surprise, "su"),
        ("JE_n30.wav", .savee, "JE", .neutral, "n"),
        ("OAF_back_angry.wav", .tess, "OAF", .angry, "angry"),
        ("YAF_germ_ps.wav", .tess, "YAF", .surprise, "ps"),
        ("OAF_dog_fear.wav", .tess, "OAF", .fear, "fear"),
        ("YAF_wag_sad.wav", .tess, "YAF", .sad, "sad"),
    ])
    func namesAreRead(_ name: String, _ corpus: CorpusKind, _ speaker: String, _ emotion: Emotion, _ label: String) {
        guard case .labelled(let c, let s, let e, let l, _) = CorpusFileName.read(name) else {
            Issue.record("\(name) was not read"); return
        }
        #expect(c == corpus && s == speaker && e == emotion && l == label)
    }

    @Test func saveeOriginalLayoutUsesTheFolderAsSpeaker() {
        #expect(CorpusFileName.read("su07.wav", parent: "DC") == .labelled(corpus: .savee, speaker: "DC", emotion: .surprise, sourceLabel: "su", sex: "male"))
        #expect(CorpusFileName.read("su07.wav", parent: "misc") == .unrecognised)
    }

    @Test func ravdessSexComesFromActorParity() {
        guard case .labelled(_, _, _, _, let odd) = CorpusFileName.read("03-01-01-01-01-01-03.wav"),
              case .labelled(_, _, _, _, let even) = CorpusFileName.read("03-01-01-01-01-01-04.wav") else {
            Issue.record("not read"); return
        }
        #expect(odd == "male" && even == "female")
    }

    @Test func calmIsRejectedWhenFoldingIsOff() {
        guard case .rejected(.ravdess, let reason) = CorpusFileName.read("03-01-02-01-01-01-01.wav", foldCalm: false) else {
            Issue.record("calm accepted"); return
        }
        #expect(reason.contains("calm"))
    }

    @Test(arguments: [
        ("1001_DFA_XYZ_XX.wav", "CREMA-D emotion code XYZ is not ANG, DIS, FEA, HAP, NEU or SAD"),
        ("1001_ABC_ANG_XX.wav", "CREMA-D sentence code ABC is not one of the 12 sentences"),
        ("03-02-05-01-02-01-01.wav", "RAVDESS song recording (vocal channel 02); only speech is used"),
        ("03-01-09-01-02-01-01.wav", "RAVDESS emotion code 09 is not 01-08"),
        ("03-01-05-01-02-01-30.wav", "RAVDESS actor 30 is not 01-24"),
        ("DC_x01.wav", "SAVEE emotion code 'x' is not a, d, f, h, n, sa or su"),
        ("OAF_back_bored.wav", "TESS emotion 'bored' is not angry, disgust, fear, happy, neutral, ps or sad"),
    ])
    func malformedNamesAreRejectedWithTheReason(_ name: String, _ reason: String) {
        guard case .rejected(_, let why) = CorpusFileName.read(name) else { Issue.record("\(name) accepted"); return }
        #expect(why == reason)
    }

    @Test(arguments: ["recording.wav", "1001_DFA.wav", "03-01-05-01-02-01.wav", "my_voice_note.wav", "OAFback_angry.wav"])
    func namesFittingNoConventionAreUnrecognised(_ name: String) {
        #expect(CorpusFileName.read(name) == .unrecognised)
    }
}

/// Scanning folders and manifests on disk.
struct CatalogueScannerTests {
    /// Creates `relative` under `dir` as a copy of a real fixture WAV.
    func place(_ relative: String, in dir: TemporaryDirectory) throws {
        let path = dir.file(relative)
        try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: Fixtures.audio("short_0p3s.wav"), toPath: path)
    }

    @Test func mixedCorporaAreCataloguedAndOddFilesReported() throws {
        let dir = try TemporaryDirectory()
        defer { dir.cleanup() }
        for f in ["Crema/1001_DFA_ANG_XX.wav", "Crema/1002_IEO_SAD_LO.wav",
                  "Ravdess/audio_speech_actors_01-24/Actor_01/03-01-02-01-01-01-01.wav",
                  "Savee/DC_sa01.wav", "Savee/JK_su02.wav",
                  "Tess/OAF_Pleasant_surprise/OAF_back_ps.wav", "Tess/YAF_sad/YAF_bean_sad.wav",
                  "Crema/1001_DFA_XYZ_XX.wav", "misc/unknown_thing.wav",
                  "mine/spk7/happy/take1.flac"] {
            try place(f, in: dir)
        }
        try "notes".write(toFile: dir.file("Crema/README.txt"), atomically: true, encoding: .utf8)
        let (catalogue, ignored) = CatalogueScanner.scan([dir.path])
        #expect(ignored == 1)
        let byName = Dictionary(uniqueKeysWithValues: catalogue.recordings.map { (($0.path as NSString).lastPathComponent, $0) })
        #expect(byName.count == 8)
        #expect(byName["03-01-02-01-01-01-01.wav"]?.emotion == .neutral)
        #expect(byName["03-01-02-01-01-01-01.wav"]?.sourceLabel == "calm")
        #expect(byName["DC_sa01.wav"]?.emotion == .sad)
        #expect(byName["JK_su02.wav"]?.emotion == .surprise)
        #expect(byName["OAF_back_ps.wav"]?.emotion == .surprise)
        #expect(byName["take1.flac"]?.corpus == .custom)
        #expect(byName["take1.flac"]?.speaker == "spk7")
        #expect(byName["take1.flac"]?.emotion == .happy)
        #expect(catalogue.skipped.count == 2)
        #expect(catalogue.skipped.contains { $0.path.hasSuffix("1001_DFA_XYZ_XX.wav") && $0.reason.contains("XYZ") })
        #expect(catalogue.skipped.contains { $0.path.hasSuffix("unknown_thing.wav") && $0.reason.contains("fits no corpus convention") })
        #expect(catalogue.counts()[.crema]?[.angry] == 1)
        #expect(catalogue.speakerCounts()["savee/DC"] == 1)
    }

    @Test func manifestRowsAreReadRelativeToTheManifest() throws {
        let dir = try TemporaryDirectory()
        defer { dir.cleanup() }
        try place("clips/a.wav", in: dir)
        try place("clips/b.wav", in: dir)
        let manifest = """
        path,label,speaker
        clips/a.wav,Angry,alice
        clips/b.wav,pleasant_surprise,bob
        clips/missing.wav,sad,carol
        clips/a.wav,bored,alice
        """
        try manifest.write(toFile: dir.file("labels.csv"), atomically: true, encoding: .utf8)
        let (catalogue, _) = CatalogueScanner.scan([dir.file("labels.csv")])
        #expect(catalogue.recordings.map(\.emotion) == [.angry, .surprise])
        #expect(catalogue.recordings.map(\.speaker) == ["alice", "bob"])
        #expect(catalogue.recordings.allSatisfy { $0.corpus == .custom })
        #expect(catalogue.skipped.count == 2)
        #expect(catalogue.skipped.contains { $0.reason.contains("no such file") })
        #expect(catalogue.skipped.contains { $0.reason.hasPrefix("unknown label 'bored'") })
    }

    @Test func missingRootIsReportedNotFatal() {
        let (catalogue, _) = CatalogueScanner.scan(["/nonexistent/corpus"])
        #expect(catalogue.recordings.isEmpty)
        #expect(catalogue.skipped == [SkippedFile(path: "/nonexistent/corpus", reason: "no such file or folder")])
    }
}
