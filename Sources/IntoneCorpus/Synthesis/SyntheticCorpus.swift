import Foundation
import IntoneAudio
import IntoneRandom

/// The synthetic acted-emotion corpus: the four real corpora's layouts, sampling rates and speaker
/// designs, filled with formant-synthesized speech whose emotion is carried by prosody and voice
/// quality the way acted speech carries it.
///
/// ```swift
/// let report = try SyntheticCorpus.generate(into: "data/synth", seed: 42, scale: .small, jobs: 2)
/// // data/synth/Crema/1001_DFA_ANG_XX.wav, data/synth/Ravdess/..., data/synth/Savee/..., data/synth/Tess/...
/// ```
///
/// Reproducible: a file's audio depends only on `(seed, the planned file)`, so the same seed gives
/// the same bytes whatever `jobs` is and whichever files are made.
public enum SyntheticCorpus {
    /// Synthesizes one planned file in memory (mono, at the corpus's native rate, |x| ≤ 1).
    ///
    /// The speaker's voice comes from `(seed, corpus, speaker)`, the take's prosody and every noise
    /// source from `(seed, relativePath)`.
    public static func synthesize(_ file: PlannedFile, seed: UInt64) -> AudioSignal {
        let conditions = RecordingConditions(file.corpus)
        let speaker = SpeakerProfile(corpus: file.corpus, id: file.speaker, sex: file.sex, seed: seed)
        let stream = "synth/take/\(file.relativePath)"
        var rng = SeededRandom(seed: seed, stream: stream)
        let prosody = UtteranceProsody.sample(file.acted, intensity: file.intensity * conditions.intensity,
                                              speaker: speaker, spread: conditions.spread, seed: seed, rng: &rng)
        let timeline = ArticulationTimeline(script: file.script, rate: speaker.syllableRate * prosody[.rate],
                                            pauseProbability: prosody[.pauseProbability],
                                            pauseLength: prosody[.pauseLength], rng: &rng)
        let voice = FormantSynthesizer.Voice(
            tenseness: min(max(prosody[.tenseness] + speaker.tenseness, 0), 1),
            breathiness: min(max(prosody[.breathiness] + speaker.breathiness, 0), 1),
            jitter: prosody[.jitter] + speaker.jitter,
            shimmer: prosody[.shimmer] + speaker.shimmer,
            effort: prosody[.loudness])
        let tracks = ControlTracks(timeline: timeline, speaker: speaker, prosody: prosody,
                                   breathiness: voice.breathiness, sampleRate: file.sampleRate, rng: &rng)
        let raw = FormantSynthesizer(voice: voice).render(tracks, seed: seed, stream: stream)
        let fs = Double(file.sampleRate)
        let active = timeline.segments.filter { $0.phone != nil }
            .map { Int(($0.start * fs).rounded())..<Int(($0.end * fs).rounded()) }
        let level = conditions.referenceLevel + speaker.loudness + prosody[.loudness]
        let samples = conditions.recorded(raw, active: active, level: level, sampleRate: file.sampleRate,
                                          noise: SeededRandom(seed: seed, stream: stream + "/room"))
        return AudioSignal(samples: samples, sampleRate: file.sampleRate)
    }

    /// Writes the corpus at `scale` under `root` as mono 16-bit PCM WAV, on `jobs` threads.
    ///
    /// Folders are created as needed; existing files of the same names are replaced (each file is
    /// written to `<name>.partial` and renamed, so an interrupted run leaves no truncated WAV).
    ///
    /// - Parameters:
    ///   - seed: the corpus seed: same seed, same bytes.
    ///   - jobs: worker threads (at least 1).
    ///   - include: which planned files to make (default all); the others are skipped, not deleted.
    ///   - progress: called after each file with (files done, files to do), from the worker threads,
    ///     one call at a time.
    /// - Returns: counts and total duration of what was written.
    /// - Throws: `SynthesisError` naming the first file (in plan order) that could not be written;
    ///   remaining work stops early.
    @discardableResult
    public static func generate(into root: String, seed: UInt64, scale: SynthesisScale, jobs: Int,
                                only include: (PlannedFile) -> Bool = { _ in true },
                                progress: (@Sendable (Int, Int) -> Void)? = nil) throws(SynthesisError) -> SynthesisReport {
        let files = plan(scale: scale).filter(include)
        let base = root.hasSuffix("/") ? String(root.dropLast()) : root
        let folders = Set(files.map { ($0.relativePath as NSString).deletingLastPathComponent })
        for folder in folders.sorted() {
            let path = base + "/" + folder
            do {
                try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
            } catch {
                throw SynthesisError(file: path, reason: "cannot create folder (\(error.localizedDescription))")
            }
        }
        let outcomes = SynthesisWorkers.run(count: files.count, jobs: jobs, progress: progress) { i throws(SynthesisError) in
            let file = files[i]
            let signal = synthesize(file, seed: seed)
            let path = base + "/" + file.relativePath
            let partial = path + ".partial"
            do throws(AudioError) {
                try AudioWriter.write(signal, to: partial, as: .wavPCM16)
            } catch {
                unlink(partial)
                throw SynthesisError(file: path, reason: error.reason.message)
            }
            if rename(partial, path) != 0 {
                unlink(partial)
                throw SynthesisError(file: path, reason: "cannot rename \(partial) into place (\(String(cString: strerror(errno))))")
            }
            return signal.duration
        }
        var seconds: [Double] = []
        for outcome in outcomes {
            switch outcome {
            case .some(.success(let duration)): seconds.append(duration)
            case .some(.failure(let error)): throw error
            case .none: break
            }
        }
        return SynthesisReport(seed: seed, scale: scale, files: files, seconds: seconds)
    }
}

/// Runs indexed work on a fixed number of threads, collecting results in index order.
///
/// Blocking CPU work on its own threads (not Swift's cooperative pool). After the first failure,
/// no new work starts; indices never started give `nil`.
private enum SynthesisWorkers {
    static func run<T: Sendable>(count: Int, jobs: Int, progress: (@Sendable (Int, Int) -> Void)?,
                                 _ body: @escaping @Sendable (Int) throws(SynthesisError) -> T) -> [Result<T, SynthesisError>?] {
        let state = State<T>(count: count)
        let group = DispatchGroup()
        for _ in 0..<max(1, min(jobs, count)) {
            group.enter()
            Thread.detachNewThread {
                while let i = state.take() {
                    let outcome: Result<T, SynthesisError>
                    do throws(SynthesisError) { outcome = .success(try body(i)) } catch { outcome = .failure(error) }
                    state.finish(i, outcome, progress: progress)
                }
                group.leave()
            }
        }
        group.wait()
        return state.results
    }

    /// The shared queue position and result slots.
    /// `@unchecked Sendable`: every access to the mutable fields goes through `lock`.
    private final class State<T: Sendable>: @unchecked Sendable {
        private let lock = NSLock()
        private var next = 0
        private var done = 0
        private var failed = false
        private var slots: [Result<T, SynthesisError>?]
        private let count: Int

        init(count: Int) {
            self.count = count
            slots = Array(repeating: nil, count: count)
        }

        func take() -> Int? {
            lock.lock(); defer { lock.unlock() }
            guard !failed, next < count else { return nil }
            next += 1
            return next - 1
        }

        /// Stores a result and reports progress under the lock, so reports come one at a time and in order.
        func finish(_ i: Int, _ outcome: Result<T, SynthesisError>, progress: (@Sendable (Int, Int) -> Void)?) {
            lock.lock(); defer { lock.unlock() }
            slots[i] = outcome
            if case .failure = outcome { failed = true }
            done += 1
            progress?(done, count)
        }

        var results: [Result<T, SynthesisError>?] {
            lock.lock(); defer { lock.unlock() }
            return slots
        }
    }
}
