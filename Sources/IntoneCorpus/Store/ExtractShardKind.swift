import Foundation
import IntoneEngine
import IntoneFeatures
import IntoneFormats

/// The task kind of feature extraction (`extract`): a shard of examples, each decoded with the
/// store's offset and duration, augmented, and turned into its features matrix with the same
/// function a single-process run uses (`FeatureExtractionJob.computeFeatures`). See
/// docs/PROTOCOL.md, "Extraction tasks".
///
/// - Parameters: `{"parameters":…,"seed":…,"shipped":true,"skip":[…],"items":[{"path","sha256","augmentation"}…]}`.
/// - Blob (when `shipped`): the shard's files, each as an 8-byte little-endian length and its bytes
///   (`bundle`); otherwise the worker reads `path` itself.
/// - Output: `{"items":[{"rows":40,"frames":94} | {"error":"…"} | {}…],"seconds":0.12}`, then one
///   binary frame per computed item with its rows × frames float32 values, little-endian, row-major.
///   Items in `skip` (files the job could not read to ship) give `{}`.
public struct ExtractShardKind: TaskKind {
    public static let name = "extract"
    public static let version = 1
    /// The same files and parameters give the same matrices (the reported seconds aside).
    public static let isPure = true

    public struct Parameters: Codable, Equatable, Sendable {
        public var parameters: FeatureStoreParameters
        public var seed: UInt64
        public var shipped: Bool
        public var skip: [Int]
        public var items: [FeatureRequest]

        public init(parameters: FeatureStoreParameters, seed: UInt64, shipped: Bool, skip: [Int], items: [FeatureRequest]) {
            self.parameters = parameters
            self.seed = seed
            self.shipped = shipped
            self.skip = skip
            self.items = items
        }
    }

    /// Each item's features or failure (nil for a skipped item), and the shard's seconds on the worker.
    public struct Output: Equatable, Sendable {
        public var items: [Result<FeatureMatrix, FeatureComputationError>?]
        public var seconds: Double

        public init(items: [Result<FeatureMatrix, FeatureComputationError>?], seconds: Double) {
            self.items = items
            self.seconds = seconds
        }
    }

    struct ItemResult: Codable {
        var rows: Int?
        var frames: Int?
        var error: String?
    }

    struct ResultBody: Codable {
        var items: [ItemResult]
        var seconds: Double
    }

    public static func encode(output: Output) -> TaskOutput {
        var results: [ItemResult] = []
        var frames: [[UInt8]] = []
        for item in output.items {
            switch item {
            case nil: results.append(ItemResult())
            case .failure(let e)?: results.append(ItemResult(error: e.reason))
            case .success(let m)?:
                results.append(ItemResult(rows: m.rows, frames: m.frames))
                frames.append(ByteCoding.floats(m.values))
            }
        }
        return TaskOutput(body: String(decoding: CanonicalJSON.encode(ResultBody(items: results, seconds: output.seconds)), as: UTF8.self),
                          blobs: frames)
    }

    public static func decode(output: TaskOutput) throws(TaskError) -> Output {
        guard let r = CanonicalJSON.decode(ResultBody.self, Array(output.body.utf8)) else {
            throw TaskError("a worker sent an unreadable extraction result")
        }
        var items: [Result<FeatureMatrix, FeatureComputationError>?] = []
        var frame = 0
        for item in r.items {
            if let error = item.error { items.append(.failure(FeatureComputationError(reason: error))); continue }
            guard let rows = item.rows, let columns = item.frames else { items.append(nil); continue }
            guard frame < output.blobs.count, ByteCoding.float32ByteCount(rows: rows, columns: columns) == output.blobs[frame].count else {
                items.append(.failure(FeatureComputationError(reason: "a worker sent features of the wrong size")))
                frame += 1
                continue
            }
            items.append(.success(FeatureMatrix(rows: rows, frames: columns, values: ByteCoding.floats(from: output.blobs[frame][...]))))
            frame += 1
        }
        return Output(items: items, seconds: r.seconds)
    }

    private let extractors = WorkerCache<FeatureParameters, FeatureExtractor>()

    public init() {}

    /// Decodes the shard, writes shipped files to a scratch folder, and computes each item.
    public func execute(_ p: Parameters, blobs: [TaskBlob], context: TaskContext) throws -> Output {
        let begun = Date()
        let extractor = try extractors.value(for: p.parameters.features) { try FeatureExtractor(parameters: p.parameters.features) }
        var files: [ArraySlice<UInt8>] = []
        var scratch: String?
        if p.shipped {
            guard let blob = blobs.first else { throw TaskError("an extraction shard arrived without its audio") }
            files = try Self.unbundle(blob.bytes, count: p.items.count)
            let dir = NSTemporaryDirectory() + "intone-worker-\(getpid())-\(UInt32.random(in: 0 ... .max))"
            do { try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true) } catch {
                throw TaskError("cannot create a scratch folder on this worker: \(error.localizedDescription)")
            }
            scratch = dir
        }
        defer { if let scratch { try? FileManager.default.removeItem(atPath: scratch) } }
        let skip = Set(p.skip)
        var items: [Result<FeatureMatrix, FeatureComputationError>?] = []
        for (k, item) in p.items.enumerated() {
            if skip.contains(k) { items.append(nil); continue }
            var path = item.path
            if let scratch {
                let ext = (item.path as NSString).pathExtension
                path = scratch + "/\(k)" + (ext.isEmpty ? "" : "." + ext)
                guard FileManager.default.createFile(atPath: path, contents: Data(files[k])) else {
                    items.append(.failure(FeatureComputationError(reason: "cannot write a scratch copy on the worker")))
                    continue
                }
            } else if !FileManager.default.isReadableFile(atPath: path) {
                items.append(.failure(FeatureComputationError(
                    reason: "not readable on worker host \(ProcessInfo.processInfo.hostName) (with --shared-path every worker must see the same path)")))
                continue
            }
            items.append(FeatureExtractionJob.computeFeatures(path: path, sha256: item.sha256, augmentation: item.augmentation,
                                                              parameters: p.parameters, seed: p.seed, extractor: extractor))
            if scratch != nil { try? FileManager.default.removeItem(atPath: path) }
        }
        return Output(items: items, seconds: Date().timeIntervalSince(begun))
    }

    /// The files' bytes, length-prefixed, and the positions of files that could not be read (sent empty).
    public static func bundle(_ paths: [String]) -> (bytes: [UInt8], failures: [Int: String]) {
        var out: [UInt8] = []
        var failures: [Int: String] = [:]
        for (k, path) in paths.enumerated() {
            var bytes: [UInt8] = []
            if let data = FileManager.default.contents(atPath: path) { bytes = [UInt8](data) } else {
                failures[k] = "cannot be read on the coordinator's machine"
            }
            ByteCoding.appendRecord(bytes, to: &out)
        }
        return (out, failures)
    }

    static func unbundle(_ blob: [UInt8], count: Int) throws(TaskError) -> [ArraySlice<UInt8>] {
        var reader = ByteCoding.Reader(blob, what: "an extraction shard's audio blob")
        var parts: [ArraySlice<UInt8>] = []
        do {
            for _ in 0..<count { parts.append(try reader.record()) }
        } catch {
            throw TaskError(error.reason)
        }
        guard reader.isAtEnd else { throw TaskError("an extraction shard's audio blob has trailing bytes") }
        return parts
    }
}
