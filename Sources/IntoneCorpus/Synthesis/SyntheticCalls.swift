import Foundation
import IntoneAudio
import IntoneFormats
import IntoneRandom

/// Test calls for scoring: labelled utterances of the held-out (test-split) speakers of a corpus,
/// joined with silences between them, as 8 kHz mu-law telephone recordings, with the ground truth
/// (`truth.csv`: file, start, end, label, speaker) of each utterance. At 8 kHz the calls are mu-law WAV (A-law
/// with `aLaw`), at other rates 16-bit PCM.
public enum SyntheticCalls {
    /// What was written.
    public struct Report: Sendable, Equatable {
        public var calls: Int
        public var utterances: Int
        public var seconds: Double
    }

    /// Writes `count` calls of `utterancesPerCall` utterances each into `folder`. Each call is one
    /// test speaker (drawn per call) saying utterances of every emotion, as a caller is one voice on
    /// one line; with `mixedSpeakers` every utterance is drawn from all test speakers.
    public static func make(from corpus: String, into folder: String, count: Int, utterancesPerCall: Int = 12, seed: UInt64 = 0,
                            sampleRate: Int = 8000, aLaw: Bool = false, mixedSpeakers: Bool = false) throws(AudioError) -> Report {
        let (catalogue, _) = CatalogueScanner.scan([corpus])
        let splits = DataSplitter.assign(catalogue.recordings, seed: 0)
        let pool = catalogue.recordings.indices.filter { splits[$0] == .test }.map { catalogue.recordings[$0] }
        guard !pool.isEmpty else { throw AudioError(file: corpus, reason: .noSamples) }
        do { try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true) } catch {
            throw AudioError(file: folder, reason: .writeFailed(error.localizedDescription))
        }
        var random = SeededRandom(seed: seed, stream: "calls")
        var truth: [[String]] = []
        var total = 0.0, utterances = 0
        let speakers = Array(Set(pool.map(\.speakerKey))).sorted()
        for c in 0..<count {
            let name = String(format: "call_%03d.wav", c + 1)
            // (Mixed calls draw nothing here, so they are the calls this made before speakers were kept apart.)
            var voices = pool
            if !mixedSpeakers {
                let speaker = speakers[random.integer(below: speakers.count)]
                voices = pool.filter { $0.speakerKey == speaker }
            }
            var samples: [Float] = []
            func silence(_ seconds: Double) { samples += [Float](repeating: 0, count: Int(seconds * Double(sampleRate))) }
            silence(random.uniform(0.5, 1.5))
            for _ in 0..<utterancesPerCall {
                let r = voices[random.integer(below: voices.count)]
                let clip = try AudioLoader.load(path: r.path, sampleRate: sampleRate).samples
                let start = Double(samples.count) / Double(sampleRate)
                samples += clip
                truth.append([name, String(format: "%.3f", start), String(format: "%.3f", Double(samples.count) / Double(sampleRate)), r.emotion.rawValue,
                              r.speakerKey])
                utterances += 1
                silence(random.uniform(0.5, 2.0))
            }
            try AudioWriter.write(AudioSignal(samples: samples, sampleRate: sampleRate), to: folder + "/" + name, as: sampleRate == 8000 ? (aLaw ? .wavALaw : .wavULaw) : .wavPCM16)
            total += Double(samples.count) / Double(sampleRate)
        }
        do {
            try AtomicFile.write(Data(CSV.table(header: ["file", "start", "end", "label", "speaker"], rows: truth).utf8), to: folder + "/truth.csv")
        } catch { throw AudioError(file: folder + "/truth.csv", reason: .writeFailed(error.localizedDescription)) }
        return Report(calls: count, utterances: utterances, seconds: total)
    }
}
