import Foundation
import IntoneCorpus
import IntoneFeatures

/// The wire form of feature-extraction shards (see docs/PROTOCOL.md, "Extraction tasks").
///
/// - Task body: `{"kind":"extract","parameters":…,"seed":…,"shipped":true,"skip":[…],"items":[{"path","sha256","augmentation"}…]}`.
/// - Blob (when `shipped`): the shard's files, each as an 8-byte little-endian length and its bytes.
/// - Result body: `{"items":[{"rows":40,"frames":94} | {"error":"…"} | {}…],"seconds":0.12}`, then one
///   binary frame per computed item with its rows × frames float32 values, little-endian, row-major.
public enum ExtractTaskData {
    struct Body: Codable {
        var kind: String
        var parameters: FeatureStoreParameters
        var seed: UInt64
        var shipped: Bool
        var skip: [Int]
        var items: [FeatureRequest]
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

    static func body(items: [FeatureRequest], parameters: FeatureStoreParameters, seed: UInt64, shipped: Bool, skip: Set<Int>) -> String {
        String(decoding: ClusterJSON.encode(Body(kind: "extract", parameters: parameters, seed: seed, shipped: shipped, skip: skip.sorted(), items: items)),
               as: UTF8.self)
    }

    /// The files' bytes, length-prefixed, and the positions of files that could not be read (sent empty).
    static func bundle(_ paths: [String]) -> ([UInt8], [Int: String]) {
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

    static func unbundle(_ blob: [UInt8], count: Int) throws(ClusterError) -> [ArraySlice<UInt8>] {
        var reader = ByteCoding.Reader(blob, what: "an extraction shard's audio blob")
        var parts: [ArraySlice<UInt8>] = []
        for _ in 0..<count { parts.append(try reader.record()) }
        guard reader.isAtEnd else { throw ClusterError("an extraction shard's audio blob has trailing bytes") }
        return parts
    }

    /// Per-item results (nil for items the coordinator already reported) and the shard's seconds.
    static func decodeResult(body: String, frames: [[UInt8]], count: Int) -> (items: [Result<FeatureMatrix, FeatureComputationError>?], seconds: Double) {
        guard let r = ClusterJSON.decode(ResultBody.self, Array(body.utf8)), r.items.count == count else {
            return (Array(repeating: .failure(FeatureComputationError(reason: "a worker sent an unreadable extraction result")), count: count), 0)
        }
        var out: [Result<FeatureMatrix, FeatureComputationError>?] = []
        var frame = 0
        for item in r.items {
            if let error = item.error { out.append(.failure(FeatureComputationError(reason: error))); continue }
            guard let rows = item.rows, let columns = item.frames else { out.append(nil); continue }
            guard frame < frames.count, rows >= 0, columns >= 0, frames[frame].count == rows * columns * 4 else {
                out.append(.failure(FeatureComputationError(reason: "a worker sent features of the wrong size")))
                frame += 1
                continue
            }
            let values = ByteCoding.floats(from: frames[frame][...])
            frame += 1
            out.append(.success(FeatureMatrix(rows: rows, frames: columns, values: values)))
        }
        return (out, r.seconds)
    }

    /// The worker's side: decodes the shard, writes shipped files to a scratch folder, computes each
    /// item with the same function local extraction uses, and returns the matrices.
    public static func workerHandler() -> WorkerShell.Handler {
        let extractors = WorkerCache<FeatureParameters, FeatureExtractor>()
        return { bodyText, blobs in
            let blob = blobs.first
            guard let body = ClusterJSON.decode(Body.self, Array(bodyText.utf8)), body.kind == "extract" else {
                throw ClusterError("unreadable extraction task")
            }
            let begun = Date()
            let extractor = try extractors.value(for: body.parameters.features) { try FeatureExtractor(parameters: body.parameters.features) }
            var files: [ArraySlice<UInt8>] = []
            var scratch: String?
            if body.shipped {
                guard let blob else { throw ClusterError("an extraction shard arrived without its audio") }
                files = try unbundle(blob.bytes, count: body.items.count)
                let dir = NSTemporaryDirectory() + "intone-worker-\(getpid())-\(UInt32.random(in: 0 ... .max))"
                do { try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true) } catch {
                    throw ClusterError("cannot create a scratch folder on this worker: \(error.localizedDescription)")
                }
                scratch = dir
            }
            defer { if let scratch { try? FileManager.default.removeItem(atPath: scratch) } }
            let skip = Set(body.skip)
            var results: [ItemResult] = []
            var frames: [[UInt8]] = []
            for (k, item) in body.items.enumerated() {
                if skip.contains(k) { results.append(ItemResult()); continue }
                var path = item.path
                if let scratch {
                    let ext = (item.path as NSString).pathExtension
                    path = scratch + "/\(k)" + (ext.isEmpty ? "" : "." + ext)
                    guard FileManager.default.createFile(atPath: path, contents: Data(files[k])) else {
                        results.append(ItemResult(error: "cannot write a scratch copy on the worker"))
                        continue
                    }
                } else if !FileManager.default.isReadableFile(atPath: path) {
                    results.append(ItemResult(error: "not readable on worker host \(ProcessInfo.processInfo.hostName) (with --shared-path every worker must see the same path)"))
                    continue
                }
                let seed = body.seed
                let outcome = FeatureExtractionJob.computeFeatures(
                    path: path, sha256: item.sha256, augmentation: item.augmentation, parameters: body.parameters, extractor: extractor,
                    augment: { id, samples, rate, sha in try Augmentation(id: id).apply(to: samples, sampleRate: Double(rate), seed: seed, exampleID: sha) })
                if scratch != nil { try? FileManager.default.removeItem(atPath: path) }
                switch outcome {
                case .failure(let e): results.append(ItemResult(error: e.reason))
                case .success(let m):
                    results.append(ItemResult(rows: m.rows, frames: m.frames))
                    frames.append(ByteCoding.floats(m.values))
                }
            }
            let reply = ResultBody(items: results, seconds: Date().timeIntervalSince(begun))
            return WorkerShell.TaskOutput(body: String(decoding: ClusterJSON.encode(reply), as: UTF8.self), blobs: frames)
        }
    }
}
