import Foundation
import IntoneFormats
import IntoneScoring
import IntoneSweep

/// Scores calls on cluster workers for `intone score --local-workers / --bind / --cluster`: each
/// unit (a range of chunks of one call's channel) is a task; the model folder travels once per
/// worker as one blob (its files, cached by content hash); the audio is read by the workers at the
/// same paths. Chunks are decoded and resampled on their own wherever they run, so the scores are
/// those of a single-process run.
public struct ClusterCallScorer: RemoteCallScorer {
    let scheduler: any TaskScheduler
    let waitForWorkers: Double

    public init(scheduler: any TaskScheduler, waitForWorkers: Double = 60) {
        self.scheduler = scheduler
        self.waitForWorkers = waitForWorkers
    }

    struct Body: Codable {
        var kind: String
        var unit: ScoringUnit
        var parameters: ScoringParameters
    }

    public func score(_ units: [ScoringUnit], modelPath: String, parameters: ScoringParameters,
                      finished: @escaping @Sendable (Int, Result<[ChunkResult], ScoringError>) -> Void) throws(ScoringError) {
        if units.isEmpty { return }
        let bundle = ModelBundle.pack(modelPath)
        let hash = SHA256.hex(of: bundle)
        var tasks: [CoordinatorCore.Task] = []
        var index: [String: [Int]] = [:]
        for (i, u) in units.enumerated() {
            let body = String(decoding: ClusterJSON.encode(Body(kind: "score", unit: u, parameters: parameters)), as: UTF8.self)
            let id = "score-" + String(SHA256.hex(of: Array((body + hash).utf8)).prefix(32))
            if index[id] == nil { tasks.append(CoordinatorCore.Task(id: id, body: body, dataHash: hash)) }
            index[id, default: []].append(i)
        }
        let lookup = index
        do {
            try scheduler.run(tasks: tasks, blobs: [hash: bundle], waitForWorkers: waitForWorkers, completed: { id, body, _ in
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

    /// The worker's side: unpacks the model once per content hash and scores the unit.
    public static func workerHandler() -> WorkerShell.Handler {
        let cache = WorkerCache<String, CallScorer>()
        return { text, blob in
            guard let body = ClusterJSON.decode(Body.self, Array(text.utf8)), body.kind == "score" else { throw ClusterError("unreadable scoring task") }
            guard let blob else { throw ClusterError("a scoring task arrived without its model") }
            let scorer = try cache.value(for: blob.hash + String(body.parameters.hashValue)) {
                try ModelBundle.scorer(bundle: blob.bytes, hash: blob.hash, parameters: body.parameters)
            }
            let reply: Reply
            switch ScoringJob.score(body.unit, with: scorer) {
            case .success(let chunks): reply = Reply(file: body.unit.path, chunks: chunks, error: nil)
            case .failure(let e): reply = Reply(file: body.unit.path, chunks: [], error: e.reason)
            }
            return WorkerShell.TaskOutput(body: String(decoding: ClusterJSON.encode(reply), as: UTF8.self))
        }
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
