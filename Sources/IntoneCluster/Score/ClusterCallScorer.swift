import Foundation
import IntoneAudio
import IntoneFormats
import IntoneScoring
import IntoneSweep

/// Scores calls on cluster workers for `intone score --local-workers / --bind / --cluster`: each
/// unit (a range of chunks of one call's channel) is a task. The model folder travels once per
/// worker as one blob (its files, cached by content hash). The audio either travels too (the
/// default: this process decodes the unit's stretch of the call, with the chunks' margins, and
/// ships it as float32 samples, in rounds of at most `roundBytes`), or, with a shared mount
/// (`sharedPath`, and always for workers on this machine), is read by the workers at the same
/// paths. Either way each chunk is resampled and scored on its own from the same samples, so the
/// scores are those of a single-process run.
public struct ClusterCallScorer: RemoteCallScorer {
    let scheduler: any TaskScheduler
    let waitForWorkers: Double
    let sharedPath: Bool
    /// Most bytes of shipped audio per round of tasks (bounds this process's memory).
    public var roundBytes = 256 << 20

    public init(scheduler: any TaskScheduler, waitForWorkers: Double = 60, sharedPath: Bool = false) {
        self.scheduler = scheduler
        self.waitForWorkers = waitForWorkers
        self.sharedPath = sharedPath
    }

    struct Body: Codable {
        var kind: String
        var unit: ScoringUnit
        var parameters: ScoringParameters
        /// Set when the samples travel with the task (its second blob).
        var audio: ShippedAudio?
    }

    /// The call's header and which native frames of the unit's channel selection the shipped
    /// samples are (fewer than asked if the file ended early).
    struct ShippedAudio: Codable, Equatable {
        var sampleRate: Int
        var frames: Int
        var start: Int
        var count: Int
    }

    public func score(_ units: [ScoringUnit], modelPath: String, scorer: CallScorer,
                      finished: @escaping @Sendable (Int, Result<[ChunkResult], ScoringError>) -> Void) throws(ScoringError) {
        if units.isEmpty { return }
        let bundle = ModelBundle.pack(modelPath)
        let modelHash = SHA256.hex(of: bundle)
        if sharedPath {
            try run(units.indices.map { (index: $0, audio: nil) }, units: units, scorer: scorer, model: (modelHash, bundle), finished: finished)
            return
        }
        // Rounds of units whose shipped samples stay within `roundBytes`.
        var round: [Int] = []
        var bytes = 0
        var readers: [String: SoundFileReader] = [:]
        func flush() throws(ScoringError) {
            var shipped: [(index: Int, audio: (ShippedAudio, [UInt8])?)] = []
            for i in round {
                let u = units[i]
                do {
                    let reader: SoundFileReader
                    if let r = readers[u.path] { reader = r } else { reader = try SoundFileReader(path: u.path); readers[u.path] = reader }
                    let plan = scorer.plan(for: reader.info)
                    let range = Self.nativeFrames(of: u, plan: plan)
                    let samples = try AudioSegment.read(reader, start: range.lowerBound, count: range.count, channel: u.selection)
                    shipped.append((i, (ShippedAudio(sampleRate: reader.info.sampleRate, frames: reader.info.frames, start: range.lowerBound, count: samples.count),
                                        ByteCoding.floats(samples))))
                } catch {
                    finished(i, .failure(ScoringError(file: u.path, reason: error.reason.message)))
                }
            }
            readers = [:]
            round = []
            bytes = 0
            try run(shipped, units: units, scorer: scorer, model: (modelHash, bundle), finished: finished)
        }
        var plans: [String: WindowPlan] = [:]
        for (i, u) in units.enumerated() {
            if plans[u.path] == nil, let info = try? AudioLoader.info(path: u.path) { plans[u.path] = scorer.plan(for: info) }
            let size = plans[u.path].map { Self.nativeFrames(of: u, plan: $0).count * 4 } ?? 0
            if !round.isEmpty && bytes + size > roundBytes { try flush() }
            round.append(i)
            bytes += size
        }
        if !round.isEmpty { try flush() }
    }

    /// Native frames a unit needs: from its first chunk's to its last chunk's, margins included.
    static func nativeFrames(of unit: ScoringUnit, plan: WindowPlan) -> Range<Int> {
        let ranges = unit.chunks.map { plan.nativeRange(ofChunk: $0).frames }
        guard let lo = ranges.map(\.lowerBound).min(), let hi = ranges.map(\.upperBound).max() else { return 0..<0 }
        return lo..<hi
    }

    /// Runs one round of tasks.
    private func run(_ items: [(index: Int, audio: (ShippedAudio, [UInt8])?)], units: [ScoringUnit], scorer: CallScorer,
                     model: (hash: String, bytes: [UInt8]), finished: @escaping @Sendable (Int, Result<[ChunkResult], ScoringError>) -> Void) throws(ScoringError) {
        if items.isEmpty { return }
        var tasks: [CoordinatorCore.Task] = []
        var blobs: [String: [UInt8]] = [model.hash: model.bytes]
        var index: [String: [Int]] = [:]
        for item in items {
            var hashes = [model.hash]
            if let (_, samples) = item.audio {
                let h = SHA256.hex(of: samples)
                blobs[h] = samples
                hashes.append(h)
            }
            let body = String(decoding: ClusterJSON.encode(Body(kind: "score", unit: units[item.index], parameters: scorer.parameters, audio: item.audio?.0)),
                              as: UTF8.self)
            let id = "score-" + String(SHA256.hex(of: Array((body + hashes.joined(separator: "+")).utf8)).prefix(32))
            if index[id] == nil { tasks.append(CoordinatorCore.Task(id: id, body: body, dataHash: CoordinatorCore.Task.dataHash(hashes))) }
            index[id, default: []].append(item.index)
        }
        let lookup = index
        do {
            try scheduler.run(tasks: tasks, blobs: blobs, waitForWorkers: waitForWorkers, completed: { id, body, _ in
                let result: Result<[ChunkResult], ScoringError>
                if let reply = ClusterJSON.decode(Reply.self, Array(body.utf8)) {
                    result = reply.error.map { .failure(ScoringError(file: reply.file, reason: $0)) } ?? .success(reply.chunks)
                } else {
                    result = .failure(ScoringError(file: "?", reason: "a worker sent an unreadable scoring result"))
                }
                for i in lookup[id] ?? [] { finished(i, result) }
            }, abandoned: { id, reason in
                for i in lookup[id] ?? [] { finished(i, .failure(ScoringError(file: units[i].path, reason: "a worker could not score it: \(reason)"))) }
            })
        } catch {
            throw ScoringError(file: "cluster", reason: error.description)
        }
    }

    struct Reply: Codable {
        var file: String
        var chunks: [ChunkResult]
        var error: String?
    }

    /// The worker's side: unpacks the model once per content hash and scores the unit, from the
    /// shipped samples or from the file.
    public static func workerHandler() -> WorkerShell.Handler {
        let cache = WorkerCache<String, CallScorer>()
        return { text, blobs in
            guard let body = ClusterJSON.decode(Body.self, Array(text.utf8)), body.kind == "score" else { throw ClusterError("unreadable scoring task") }
            guard let model = blobs.first else { throw ClusterError("a scoring task arrived without its model") }
            let scorer = try cache.value(for: model.hash + String(body.parameters.hashValue)) {
                try ModelBundle.scorer(bundle: model.bytes, hash: model.hash, parameters: body.parameters)
            }
            let result: Result<[ChunkResult], ScoringError>
            if let audio = body.audio {
                guard blobs.count == 2 else { throw ClusterError("a scoring task arrived without its audio") }
                let samples = ByteCoding.floats(from: blobs[1].bytes[...])
                guard samples.count == audio.count else { throw ClusterError("a scoring task's audio has \(samples.count) samples, not \(audio.count)") }
                result = score(body.unit, samples: samples, audio: audio, with: scorer)
            } else {
                result = ScoringJob.score(body.unit, with: scorer)
            }
            let reply: Reply
            switch result {
            case .success(let chunks): reply = Reply(file: body.unit.path, chunks: chunks, error: nil)
            case .failure(let e): reply = Reply(file: body.unit.path, chunks: [], error: e.reason)
            }
            return WorkerShell.TaskOutput(body: String(decoding: ClusterJSON.encode(reply), as: UTF8.self))
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

/// A model folder as one blob: for each file, its name length, name, byte count and bytes.
enum ModelBundle {
    static func pack(_ folder: String) -> [UInt8] {
        var out: [UInt8] = []
        for name in ((try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []).sorted() {
            let bytes = [UInt8](FileManager.default.contents(atPath: folder + "/" + name) ?? Data())
            ByteCoding.appendRecord(Array(name.utf8), to: &out)
            ByteCoding.appendRecord(bytes, to: &out)
        }
        return out
    }

    /// Writes the bundle's files into `folder`.
    static func unpack(_ bundle: [UInt8], into folder: String) throws(ClusterError) {
        var reader = ByteCoding.Reader(bundle, what: "a model bundle")
        while !reader.isAtEnd {
            let name = String(decoding: try reader.record(), as: UTF8.self)
            guard !name.contains("/"), !name.hasPrefix(".") else { throw ClusterError("a model bundle names an unsafe file \(name)") }
            let contents = try reader.record()
            guard FileManager.default.createFile(atPath: folder + "/" + name, contents: Data(contents)) else {
                throw ClusterError("cannot write the model on this worker")
            }
        }
    }
}

extension ModelBundle {
    /// Unpacks a model bundle into a scratch folder, loads it, and removes the folder.
    static func scorer(bundle: [UInt8], hash: String, parameters: ScoringParameters) throws -> CallScorer {
        let folder = NSTemporaryDirectory() + "intone-model-\(getpid())-\(hash.prefix(16))-\(UInt32.random(in: 0 ... .max))"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try unpack(bundle, into: folder)
        return try CallScorer(model: try ModelArchive.load(path: folder), parameters: parameters)
    }
}
