import Foundation
import Testing
import IntoneAudio
import IntoneFeatures
import IntoneTestSupport
@testable import IntoneCorpus

/// The synthetic acted-emotion corpus: layouts and names, reproducibility, and emotion that can be
/// measured in the audio. Only a few files are synthesized per test.
@Suite struct SynthesisTests {
    // MARK: Plan and names

    @Test func plannedNamesFollowEachCorpusConvention() throws {
        let crema = #/^Crema/(1\d{3})_(IEO|TIE|IOM|IWW|TAI|MTI|IWL|ITH|DFA|ITS|TSI|WSI)_(ANG|DIS|FEA|HAP|NEU|SAD)_(LO|MD|HI|XX)\.wav$/#
        let ravdess = #/^Ravdess/audio_speech_actors_01-24/Actor_(\d\d)/03-01-(0[1-8])-(0[12])-(0[12])-(0[12])-(\d\d)\.wav$/#
        let savee = #/^Savee/(DC|JE|JK|KL)_(a|d|f|h|n|sa|su)(\d\d)\.wav$/#
        let tess = #/^Tess/(OAF|YAF)_([A-Za-z_]+)/(OAF|YAF)_([a-z]+)_(angry|disgust|fear|happy|neutral|ps|sad)\.wav$/#
        let tessFolders: Set = ["OAF_angry", "OAF_disgust", "OAF_Fear", "OAF_happy", "OAF_neutral", "OAF_Pleasant_surprise",
                                "OAF_Sad", "YAF_angry", "YAF_disgust", "YAF_fear", "YAF_happy", "YAF_neutral",
                                "YAF_pleasant_surprised", "YAF_sad"]
        for scale in SynthesisScale.allCases {
            let plan = SyntheticCorpus.plan(scale: scale)
            #expect(Set(plan.map(\.relativePath)).count == plan.count, "duplicate names at \(scale)")
            var foldersSeen = Set<String>()
            for file in plan {
                let path = file.relativePath
                switch file.corpus {
                case .crema:
                    let m = try #require(path.wholeMatch(of: crema), "\(path)")
                    #expect(m.1 == Substring(file.speaker) && m.2 == Substring(file.sentence))
                    #expect((m.4 != "XX") == (m.2 == "IEO" && m.3 != "NEU"), "\(path)")
                    #expect(Emotion(label: String(m.3)) == file.emotion)
                case .ravdess:
                    let m = try #require(path.wholeMatch(of: ravdess), "\(path)")
                    #expect(m.1 == m.6 && m.1 == Substring(file.speaker))
                    #expect((1...24).contains(Int(m.1)!))
                    let codes: [Substring: ActedEmotion] = ["01": .neutral, "02": .calm, "03": .happy, "04": .sad,
                                                            "05": .angry, "06": .fear, "07": .disgust, "08": .surprise]
                    #expect(codes[m.2] == file.acted)
                    if m.2 == "01" { #expect(m.3 == "01") }
                    #expect(file.sex == (Int(m.1)! % 2 == 1 ? .male : .female))
                case .savee:
                    let m = try #require(path.wholeMatch(of: savee), "\(path)")
                    let number = Int(m.3)!
                    #expect(number >= 1 && number <= (m.2 == "n" ? 30 : 15), "\(path)")
                    #expect(Emotion(label: ["a": "anger", "d": "disgust", "f": "fear", "h": "happy", "n": "neutral",
                                            "sa": "sad", "su": "surprise"][String(m.2)]!) == file.emotion)
                case .tess:
                    let m = try #require(path.wholeMatch(of: tess), "\(path)")
                    #expect(m.1 == m.3 && m.4 == Substring(file.sentence))
                    foldersSeen.insert("\(m.1)_\(m.2)")
                    #expect(Emotion(label: String(m.5)) == file.emotion)
                    #expect(Emotion(label: String(m.2)) == file.emotion)
                case .custom:
                    Issue.record("unexpected custom entry \(path)")
                }
            }
            #expect(foldersSeen == tessFolders)
        }
    }

    @Test func smallPlanHasEveryCorpusClassAndEnoughSpeakers() {
        let plan = SyntheticCorpus.plan(scale: .small)
        #expect((400...600).contains(plan.count))
        let expectedClasses: [CorpusKind: Set<Emotion>] = [
            .crema: Set(Emotion.allCases).subtracting([.surprise]),
            .ravdess: Set(Emotion.allCases), .savee: Set(Emotion.allCases), .tess: Set(Emotion.allCases),
        ]
        for (corpus, classes) in expectedClasses {
            let files = plan.filter { $0.corpus == corpus }
            #expect(Set(files.map(\.emotion)) == classes, "\(corpus)")
            let speakers = Set(files.map(\.speaker))
            let minimum = [CorpusKind.crema: 6, .ravdess: 4, .savee: 4, .tess: 2][corpus]!
            #expect(speakers.count >= minimum, "\(corpus) has \(speakers.count) speakers")
            for speaker in speakers {
                #expect(Set(files.filter { $0.speaker == speaker }.map(\.emotion)) == classes, "\(corpus) \(speaker)")
            }
        }
        let ravdess = plan.filter { $0.corpus == .ravdess }
        #expect(ravdess.contains { $0.acted == .calm } && Set(ravdess.map(\.sex)) == [.male, .female])
        #expect(Set(plan.filter { $0.corpus == .crema }.map(\.sex)) == [.male, .female])
        #expect(Set(plan.filter { $0.corpus == .tess }.map(\.speaker)) == ["OAF", "YAF"])
    }

    @Test func scalesHaveTheDocumentedSizes() {
        #expect(SyntheticCorpus.plan(scale: .small).count == 528)
        let medium = SyntheticCorpus.plan(scale: .medium)
        #expect(medium.count == 3728)
        #expect(medium.filter { $0.corpus == .crema }.count == 24 * 82)
        let large = SyntheticCorpus.plan(scale: .large)
        #expect(large.count == 25_220)
        #expect(large.filter { $0.corpus == .ravdess }.count == 1440)
        #expect(large.filter { $0.corpus == .tess }.count == 2800)
        #expect(Set(large.filter { $0.corpus == .tess }.map(\.sentence)).count == 200)
    }

    @Test func sameSentenceHasTheSamePhonesForEverySpeakerAndEmotion() {
        let plan = SyntheticCorpus.plan(scale: .small)
        let dfa = plan.filter { $0.corpus == .crema && $0.sentence == "DFA" }
        #expect(dfa.count > 10)
        #expect(Set(dfa.map { $0.script.syllables.map(\.nucleus) }).count == 1)
        #expect(dfa[0].script.syllables.count == 6)
        let tsi = plan.first { $0.corpus == .crema && $0.sentence == "TSI" }!
        #expect(tsi.script != dfa[0].script)
        let word = SentenceScript.word("chalk")
        #expect(word.onset == [.t, .sh] && word.nucleus == .ao && word.coda == [.k])
        #expect(SentenceScript.word("bite").nucleus == .aa && SentenceScript.word("bite").coda == [.t])
    }

    // MARK: Files on disk

    /// A few files: one per corpus, plus RAVDESS calm.
    private static func sampleFilter(_ file: PlannedFile) -> Bool {
        ["Crema/1001_DFA_ANG_XX.wav", "Ravdess/audio_speech_actors_01-24/Actor_02/03-01-02-01-01-01-02.wav",
         "Savee/DC_su01.wav", "Tess/OAF_Pleasant_surprise/OAF_back_ps.wav", "Tess/YAF_sad/YAF_back_sad.wav"]
            .contains(file.relativePath)
    }

    @Test func sameSeedWritesIdenticalBytesWhateverTheJobCount() throws {
        let a = try TemporaryDirectory(), b = try TemporaryDirectory()
        defer { a.cleanup(); b.cleanup() }
        let reportA = try SyntheticCorpus.generate(into: a.path, seed: 7, scale: .small, jobs: 2, only: Self.sampleFilter)
        let reportB = try SyntheticCorpus.generate(into: b.path, seed: 7, scale: .small, jobs: 1, only: Self.sampleFilter)
        #expect(reportA == reportB)
        #expect(reportA.files == 5)
        for file in SyntheticCorpus.plan(scale: .small).filter(Self.sampleFilter) {
            let bytesA = try Data(contentsOf: URL(fileURLWithPath: a.file(file.relativePath)))
            let bytesB = try Data(contentsOf: URL(fileURLWithPath: b.file(file.relativePath)))
            #expect(bytesA.count > 20_000)
            #expect(bytesA == bytesB, "\(file.relativePath)")
            #expect(!FileManager.default.fileExists(atPath: a.file(file.relativePath + ".partial")))
        }
    }

    @Test func differentSeedGivesDifferentAudio() {
        let file = SyntheticCorpus.plan(scale: .small).first { $0.corpus == .savee }!
        let one = SyntheticCorpus.synthesize(file, seed: 1), two = SyntheticCorpus.synthesize(file, seed: 2)
        #expect(one != two)
        #expect(one == SyntheticCorpus.synthesize(file, seed: 1))
    }

    @Test func filesHaveTheirCorpusSampleRateAndAreMono16Bit() throws {
        let dir = try TemporaryDirectory()
        defer { dir.cleanup() }
        let report = try SyntheticCorpus.generate(into: dir.path, seed: 3, scale: .small, jobs: 2, only: Self.sampleFilter)
        let rates: [CorpusKind: Int] = [.crema: 16_000, .ravdess: 48_000, .savee: 44_100, .tess: 24_414]
        for file in SyntheticCorpus.plan(scale: .small).filter(Self.sampleFilter) {
            let info = try AudioLoader.info(path: dir.file(file.relativePath))
            #expect(info.sampleRate == rates[file.corpus], "\(file.relativePath)")
            #expect(info.channels == 1)
            #expect(info.duration > 1 && info.duration < 4.5, "\(file.relativePath): \(info.duration) s")
        }
        #expect(report.filesPerCorpus == [.crema: 1, .ravdess: 1, .savee: 1, .tess: 2])
        #expect(report.filesPerClass == [.angry: 1, .neutral: 1, .surprise: 2, .sad: 1])
        #expect(report.audioSeconds > 5)
    }

    @Test func unwritableRootIsReportedWithItsPath() {
        let error = #expect(throws: SynthesisError.self) {
            try SyntheticCorpus.generate(into: "/proc/intone-cannot-write-here", seed: 1, scale: .small, jobs: 1,
                                         only: Self.sampleFilter)
        }
        #expect(error?.file.hasPrefix("/proc/intone-cannot-write-here/") == true)
        #expect(error?.description.hasPrefix("/proc/intone-cannot-write-here/") == true)
    }

    // MARK: The audio

    @Test func audioIsFiniteUnclippedAndNeverSilent() {
        let plan = SyntheticCorpus.plan(scale: .small)
        // Every corpus, every acted expression, both sexes: the first file of each kind.
        var seen = Set<String>()
        for file in plan where seen.insert("\(file.corpus)/\(file.acted)/\(file.sex)").inserted {
            let samples = SyntheticCorpus.synthesize(file, seed: 11).samples
            #expect(samples.allSatisfy { $0.isFinite && abs($0) <= 1 }, "\(file.relativePath)")
            let peak = samples.map(abs).max() ?? 0
            #expect(peak < 0.95 && peak > 0.02, "\(file.relativePath): peak \(peak)")
        }
        #expect(seen.count == 2 * 6 + 8 * 2 + 7 + 7)
    }

    @Test func emotionIsMeasurableInPitchAndLoudness() {
        // Five takes of each emotion by each SAVEE speaker (male) and TESS speaker (female).
        let plan = SyntheticCorpus.plan(scale: .medium)
        for (corpus, speaker) in [(CorpusKind.savee, "DC"), (.savee, "KL"), (.tess, "OAF"), (.tess, "YAF")] {
            func measure(_ emotion: Emotion) -> (f0: Double, rmsDB: Double) {
                let takes = plan.filter { $0.corpus == corpus && $0.speaker == speaker && $0.emotion == emotion }.prefix(5)
                let stats = takes.map { file -> (Double, Double) in
                    let signal = SyntheticCorpus.synthesize(file, seed: 5)
                    return (SignalMeasures.medianF0(signal), SignalMeasures.activeRMSDecibels(signal))
                }
                return (stats.map(\.0).reduce(0, +) / 5, stats.map(\.1).reduce(0, +) / 5)
            }
            let sad = measure(.sad), angry = measure(.angry), happy = measure(.happy), surprise = measure(.surprise)
            let neutral = measure(.neutral)
            #expect(angry.f0 > sad.f0 * 1.15 && happy.f0 > sad.f0 * 1.15 && surprise.f0 > sad.f0 * 1.15,
                    "\(speaker): f0 angry \(angry.f0) happy \(happy.f0) surprise \(surprise.f0) sad \(sad.f0)")
            #expect(angry.f0 > neutral.f0, "\(speaker): angry \(angry.f0) neutral \(neutral.f0)")
            #expect(angry.rmsDB > sad.rmsDB + 6, "\(speaker): angry \(angry.rmsDB) dB, sad \(sad.rmsDB) dB")
            #expect(sad.rmsDB < neutral.rmsDB, "\(speaker): sad \(sad.rmsDB) dB, neutral \(neutral.rmsDB) dB")
        }
    }

    @Test func malesSpeakLowerThanFemales() {
        let plan = SyntheticCorpus.plan(scale: .small)
        let neutral = plan.filter { $0.corpus == .ravdess && $0.acted == .neutral }
        let male = neutral.filter { $0.sex == .male }.map { SignalMeasures.medianF0(SyntheticCorpus.synthesize($0, seed: 9)) }
        let female = neutral.filter { $0.sex == .female }.map { SignalMeasures.medianF0(SyntheticCorpus.synthesize($0, seed: 9)) }
        #expect(male.max()! < female.min()!, "male \(male), female \(female)")
        #expect(male.allSatisfy { (80...170).contains($0) } && female.allSatisfy { (150...300).contains($0) })
    }

    @Test func emotionsAreLearnableButNotTrivialOnHeldOutSpeakers() throws {
        // A 16 kHz seven-class set: 12 CREMA-style actors (odd male, even female), 4 sentences, every emotion.
        var files: [PlannedFile] = []
        for actor in 1001...1012 {
            for emotion in Emotion.allCases {
                for sentence in ["IEO", "TIE", "DFA", "TSI"] {
                    files.append(PlannedFile(relativePath: "Crema/\(actor)_\(sentence)_\(emotion.rawValue)_XX.wav", corpus: .crema,
                                             speaker: String(actor), sex: actor % 2 == 1 ? .male : .female,
                                             acted: ActedEmotion(emotion), sentence: sentence, intensity: 1, repetition: 1))
                }
            }
        }
        let extractor = try FeatureExtractor(parameters: FeatureParameters(sampleRate: 16_000))
        let features = try files.map { file throws(FeatureError) in
            try extractor.mfcc(SyntheticCorpus.synthesize(file, seed: 21).samples).meanOverTime().map(Double.init)
        }
        // Three folds of four held-out actors; nearest class centroid on z-scored mean MFCCs.
        var correct = 0
        for fold in 0..<3 {
            let test = Set((0..<4).map { String(1001 + fold + 3 * $0) })
            let train = files.indices.filter { !test.contains(files[$0].speaker) }
            let classifier = NearestCentroid(features: train.map { features[$0] }, labels: train.map { files[$0].emotion })
            for i in files.indices where test.contains(files[i].speaker) {
                if classifier.predict(features[i]) == files[i].emotion { correct += 1 }
            }
        }
        let accuracy = Double(correct) / Double(files.count)
        // Chance is 1/7 ≈ 0.14. This weakest of classifiers gets about twice that on actors it has not
        // heard (0.29 with seed 21): learnable, far from solved, as with the real corpora.
        #expect(accuracy > 0.24 && accuracy < 0.6, "held-out-speaker accuracy \(accuracy)")
    }
}

/// Nearest class centroid after z-scoring each feature on the training set.
struct NearestCentroid {
    private var mean: [Double], scale: [Double]
    private var centroids: [(Emotion, [Double])] = []

    init(features: [[Double]], labels: [Emotion]) {
        let dims = features[0].count, count = Double(features.count)
        mean = [Double](repeating: 0, count: dims)
        scale = [Double](repeating: 0, count: dims)
        for v in features { for d in 0..<dims { mean[d] += v[d] / count } }
        for v in features { for d in 0..<dims { scale[d] += (v[d] - mean[d]) * (v[d] - mean[d]) / count } }
        scale = scale.map { max($0.squareRoot(), 1e-9) }
        for emotion in Emotion.allCases {
            let members = zip(features, labels).filter { $0.1 == emotion }.map { standardised($0.0) }
            guard !members.isEmpty else { continue }
            var centre = [Double](repeating: 0, count: dims)
            for v in members { for d in 0..<dims { centre[d] += v[d] / Double(members.count) } }
            centroids.append((emotion, centre))
        }
    }

    private func standardised(_ v: [Double]) -> [Double] {
        var out = v
        for d in v.indices { out[d] = (v[d] - mean[d]) / scale[d] }
        return out
    }

    func predict(_ v: [Double]) -> Emotion {
        let z = standardised(v)
        var best = Emotion.neutral, bestDistance = Double.infinity
        for (emotion, centre) in centroids {
            var distance = 0.0
            for d in z.indices { distance += (z[d] - centre[d]) * (z[d] - centre[d]) }
            if distance < bestDistance { bestDistance = distance; best = emotion }
        }
        return best
    }
}

/// Simple, slow, obvious measurements of a synthetic take.
enum SignalMeasures {
    /// Median f0 of the voiced frames, Hz, by autocorrelation: the signal is box-averaged down to
    /// 8–16 kHz; 40 ms frames every 10 ms whose energy is within 25 dB of the loudest; in each, the
    /// lag of 2–16.7 ms (500–60 Hz) with the largest normalised autocorrelation, kept above 0.5.
    static func medianF0(_ signal: AudioSignal) -> Double {
        let q = max(1, signal.sampleRate / 8000)
        let x = stride(from: 0, to: signal.samples.count - q + 1, by: q).map { i in
            (i..<(i + q)).reduce(0.0) { $0 + Double(signal.samples[$1]) } / Double(q)
        }
        let fs = Double(signal.sampleRate) / Double(q)
        let n = Int(0.04 * fs), hop = Int(0.01 * fs)
        let starts = Array(stride(from: 0, to: x.count - n, by: hop))
        let energies = starts.map { s in (s..<(s + n)).reduce(0.0) { $0 + x[$1] * x[$1] } }
        let threshold = (energies.max() ?? 0) * pow(10, -2.5)
        var f0s: [Double] = []
        for (s, energy) in zip(starts, energies) where energy > threshold {
            var best = 0.0, bestLag = 0
            for lag in Int(fs / 500)...Int(fs / 60) {
                var r = 0.0
                for i in s..<(s + n - lag) { r += x[i] * x[i + lag] }
                if r / energy > best { best = r / energy; bestLag = lag }
            }
            if best > 0.5 { f0s.append(fs / Double(bestLag)) }
        }
        f0s.sort()
        return f0s.isEmpty ? 0 : f0s[f0s.count / 2]
    }

    /// RMS over the 20 ms frames within 30 dB of the loudest, dBFS (a gated loudness).
    static func activeRMSDecibels(_ signal: AudioSignal) -> Double {
        let n = signal.sampleRate / 50
        let energies = stride(from: 0, to: signal.samples.count - n, by: n).map { s in
            signal.samples[s..<(s + n)].reduce(0.0) { $0 + Double($1) * Double($1) } / Double(n)
        }
        let gate = (energies.max() ?? 0) / 1000
        let active = energies.filter { $0 > gate }
        return 10 * log10(active.reduce(0, +) / Double(max(active.count, 1)))
    }
}
