import IntoneAudio
import IntoneEngine
import IntoneFormats
import IntoneModels

/// The task kind of call scoring (`score`): one unit (a range of chunks of one channel selection of
/// one call) scored with a model. Blob 1 is the model folder (`ModelBundle`), unpacked and loaded
/// once per content hash and scoring parameters; blob 2, when the audio travels, the unit's stretch
/// of the call as float32 samples at its own rate (`ShippedAudio` says which frames). Without it the
/// worker reads the file at `unit.path`. Either way each chunk is resampled and scored on its own
/// from the same samples, so the scores are those of a single-process run.
public struct ScoreUnitKind: TaskKind {
    public static let name = "score"
    public static let version = 1
    public static let isPure = true

    public struct Parameters: Codable, Equatable, Sendable {
        public var unit: ScoringUnit
        public var parameters: ScoringParameters
        /// Set when the samples travel with the task (its second blob).
        public var audio: ShippedAudio?

        public init(unit: ScoringUnit, parameters: ScoringParameters, audio: ShippedAudio?) {
            self.unit = unit
            self.parameters = parameters
            self.audio = audio
        }
    }

    /// The call's header and which native frames of the unit's channel selection the shipped
    /// samples are (fewer than asked if the file ended early).
    public struct ShippedAudio: Codable, Equatable, Sendable {
        public var sampleRate: Int
        public var frames: Int
        public var start: Int
        public var count: Int

        public init(sampleRate: Int, frames: Int, start: Int, count: Int) {
            self.sampleRate = sampleRate
            self.frames = frames
            self.start = start
            self.count = count
        }
    }

    /// The unit's chunks, or why it could not be scored (a file's own fault, reported per file).
    public struct Output: Codable, Equatable, Sendable {
        public var file: String
        public var chunks: [ChunkResult]
        public var error: String?

        public init(file: String, chunks: [ChunkResult], error: String?) {
            self.file = file
            self.chunks = chunks
            self.error = error
        }

        public var result: Result<[ChunkResult], ScoringError> {
            error.map { .failure(ScoringError(file: file, reason: $0)) } ?? .success(chunks)
        }
    }

    struct ScorerKey: Hashable, Sendable {
        let model: String
        let parameters: ScoringParameters
    }

    private let scorers = WorkerCache<ScorerKey, CallScorer>()

    public init() {}

    public func execute(_ p: Parameters, blobs: [TaskBlob], context: TaskContext) throws -> Output {
        guard let model = blobs.first else { throw TaskError("a scoring task arrived without its model") }
        if let problem = p.parameters.problem { throw TaskError("a scoring task's parameters are wrong: \(problem)") }
        guard p.unit.chunks.lowerBound >= 0, p.unit.chunks.count <= 10_000_000, (p.unit.channel ?? 0) >= 0 else {
            throw TaskError("a scoring task names chunks \(p.unit.chunks) of channel \(p.unit.channel ?? 0)")
        }
        if let audio = p.audio {
            guard (SoundFileReader.minimumSampleRate...SoundFileReader.maximumSampleRate).contains(audio.sampleRate),
                  audio.frames >= 0, audio.start >= 0, audio.count >= 0, audio.start <= audio.frames else {
                throw TaskError("a scoring task's audio is described as \(audio.count) samples from \(audio.start) of \(audio.frames) at \(audio.sampleRate) Hz")
            }
        }
        let scorer = try scorers.value(for: ScorerKey(model: model.hash, parameters: p.parameters)) {
            try CallScorer(model: try ModelBundle.load(model.bytes, hash: model.hash), parameters: p.parameters)
        }
        let result: Result<[ChunkResult], ScoringError>
        if let audio = p.audio {
            guard blobs.count == 2 else { throw TaskError("a scoring task arrived without its audio") }
            let samples = ByteCoding.floats(from: blobs[1].bytes[...])
            guard samples.count == audio.count else { throw TaskError("a scoring task's audio has \(samples.count) samples, not \(audio.count)") }
            result = Self.score(p.unit, samples: samples, audio: audio, with: scorer)
        } else {
            result = ScoringJob.score(p.unit, with: scorer)
        }
        switch result {
        case .success(let chunks): return Output(file: p.unit.path, chunks: chunks, error: nil)
        case .failure(let e): return Output(file: p.unit.path, chunks: [], error: e.reason)
        }
    }

    /// Scores a unit's chunks from shipped samples, each chunk from its own native range.
    static func score(_ unit: ScoringUnit, samples: [Float], audio: ShippedAudio, with scorer: CallScorer) -> Result<[ChunkResult], ScoringError> {
        let plan = scorer.plan(nativeRate: audio.sampleRate, nativeFrames: audio.frames)
        var out: [ChunkResult] = []
        for c in unit.chunks {
            let r = plan.nativeRange(ofChunk: c).frames
            let lo = min(samples.count, max(0, r.lowerBound - audio.start)), hi = min(samples.count, max(lo, r.upperBound - audio.start))
            do { out.append(try scorer.score(native: samples[lo..<hi], plan: plan, chunk: c, file: unit.path)) } catch { return .failure(error) }
        }
        return .success(out)
    }
}
