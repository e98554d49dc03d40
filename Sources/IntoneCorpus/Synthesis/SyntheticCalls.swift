import Foundation
import IntoneAudio
import IntoneFormats
import IntoneRandom

/// Test calls for scoring: labelled utterances of the held-out (test-split) speakers of a corpus,
/// joined with silences between them, as 8 kHz mu-law telephone recordings, with the ground truth
/// (`truth.csv`: file, start, end, label, speaker) of each utterance. At 8 kHz the calls are mu-law WAV (A-law
/// with `aLaw`), at other rates 16-bit PCM. Stereo calls (`stereo`) put an agent on channel 1 and a
/// customer on channel 2 (two different test speakers) taking turns, each silent while the other
/// speaks, as a call centre records them; their truth.csv has a `channel` column (1 or 2).
public enum SyntheticCalls {
    /// What was written.
    public struct Report: Sendable, Equatable {
        public var calls: Int
        public var utterances: Int
        public var seconds: Double
    }

    /// Writes `count` calls of `utterancesPerCall` utterances each into `folder`. Each call is one
    /// test speaker (drawn per call) saying utterances of every emotion, as a caller is one voice on
    /// one line; with `mixedSpeakers` every utterance is drawn from all test speakers. With `stereo`
    /// the utterances alternate between the agent (channel 1, first) and the customer (channel 2).
    public static func make(from corpus: String, into folder: String, count: Int, utterancesPerCall: Int = 12, seed: UInt64 = 0,
                            sampleRate: Int = 8000, aLaw: Bool = false, mixedSpeakers: Bool = false,
                            stereo: Bool = false) throws(AudioError) -> Report {
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
            // voices[0] speaks on channel 1 (the only one of a mono call), voices[1] on channel 2.
            var voices = [pool, pool]
            if !mixedSpeakers {
                let speaker = speakers[random.integer(below: speakers.count)]
                voices[0] = pool.filter { $0.speakerKey == speaker }
                if stereo {
                    let others = speakers.filter { $0 != speaker }
                    let customer = others.isEmpty ? speaker : others[random.integer(below: others.count)]
                    voices[1] = pool.filter { $0.speakerKey == customer }
                }
            }
            var tracks: [[Float]] = stereo ? [[], []] : [[]]
            func silence(_ seconds: Double) {
                let n = Int(seconds * Double(sampleRate))
                for k in tracks.indices { tracks[k] += [Float](repeating: 0, count: n) }
            }
            silence(random.uniform(0.5, 1.5))
            for u in 0..<utterancesPerCall {
                let speaker = stereo ? u % 2 : 0
                let r = voices[speaker][random.integer(below: voices[speaker].count)]
                let clip = try AudioLoader.load(path: r.path, sampleRate: sampleRate).samples
                let start = Double(tracks[0].count) / Double(sampleRate)
                for k in tracks.indices { tracks[k] += k == speaker ? clip : [Float](repeating: 0, count: clip.count) }
                truth.append([name, String(format: "%.3f", start), String(format: "%.3f", Double(tracks[0].count) / Double(sampleRate)), r.emotion.rawValue,
                              r.speakerKey] + (stereo ? [String(speaker + 1)] : []))
                utterances += 1
                silence(random.uniform(0.5, 2.0))
            }
            let type: AudioFileType = sampleRate == 8000 ? (aLaw ? .wavALaw : .wavULaw) : .wavPCM16
            try AudioWriter.write(channels: tracks, sampleRate: sampleRate, to: folder + "/" + name, as: type)
            total += Double(tracks[0].count) / Double(sampleRate)
        }
        do {
            let header = ["file", "start", "end", "label", "speaker"] + (stereo ? ["channel"] : [])
            try AtomicFile.write(Data(CSV.table(header: header, rows: truth).utf8), to: folder + "/truth.csv")
        } catch { throw AudioError(file: folder + "/truth.csv", reason: .writeFailed(error.localizedDescription)) }
        return Report(calls: count, utterances: utterances, seconds: total)
    }
}
