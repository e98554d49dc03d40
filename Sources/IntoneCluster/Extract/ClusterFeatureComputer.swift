import Foundation
import IntoneCorpus
import IntoneFeatures
import IntoneFormats

/// Computes features on cluster workers for `intone extract --local-workers / --bind / --cluster`.
///
/// Files go out in shards (batches of files): first one file per shard, to measure how long a file
/// takes, then shards sized to about `targetShardSeconds` of work each. Without a shared file system
/// each shard's audio travels with it as one blob (the files' bytes, length-prefixed), so a worker
/// needs nothing but the network; with `sharedPath` the workers read the same paths themselves.
/// Shards are sent in rounds of at most `roundBytes` of audio, so the coordinator's memory stays
/// bounded whatever the corpus size. Results come back as float32 frames and are written into the
/// store by the job, on the coordinator's machine.
public struct ClusterFeatureComputer: RemoteFeatureComputer {
    let scheduler: any TaskScheduler
    let sharedPath: Bool
    let waitForWorkers: Double
    /// Seconds of work aimed at per shard.
    public var targetShardSeconds = 0.5
    /// Most files in one shard.
    public var maximumShardFiles = 64
    /// Most audio bytes in flight per round (without a shared path).
    public var roundBytes = 256 << 20

    public init(scheduler: any TaskScheduler, sharedPath: Bool, waitForWorkers: Double = 60) {
        self.scheduler = scheduler
        self.sharedPath = sharedPath
        self.waitForWorkers = waitForWorkers
    }

    public func compute(_ requests: [FeatureRequest], parameters: FeatureStoreParameters, seed: UInt64,
                        finished: @escaping @Sendable (Int, Result<FeatureMatrix, FeatureComputationError>) -> Void) throws(RemoteComputationError) {
        var next = 0
        let timing = ShardTiming()
        // Probe: single-file shards, as many as there are likely slots, to learn the cost per file.
        let probe = min(requests.count, 8)
        try runRound(Array(0..<probe).map { [$0] }, requests, parameters, seed, timing, finished)
        next = probe
        while next < requests.count {
            let perFile = timing.secondsPerFile ?? 0.01
            let shardSize = max(1, min(maximumShardFiles, Int((targetShardSeconds / max(perFile, 1e-5)).rounded())))
            var shards: [[Int]] = []
            var bytes = 0
            while next < requests.count && (sharedPath || bytes < roundBytes) {
                let end = min(requests.count, next + shardSize)
                let shard = Array(next..<end)
                if !sharedPath { bytes += shard.reduce(0) { $0 + Self.fileSize(requests[$1].path) } }
                shards.append(shard)
                next = end
            }
            try runRound(shards, requests, parameters, seed, timing, finished)
        }
    }

    private func runRound(_ shards: [[Int]], _ requests: [FeatureRequest], _ parameters: FeatureStoreParameters, _ seed: UInt64, _ timing: ShardTiming,
                          _ finished: @escaping @Sendable (Int, Result<FeatureMatrix, FeatureComputationError>) -> Void) throws(RemoteComputationError) {
        if shards.isEmpty { return }
        var tasks: [CoordinatorCore.Task] = []
        var blobs: [String: [UInt8]] = [:]
        var members: [String: [[Int]]] = [:]
        for shard in shards {
            let items = shard.map { requests[$0] }
            var hash: String?
            var readFailures: [Int: String] = [:]
            if !sharedPath {
                let (bundle, failures) = ExtractTaskData.bundle(items.map(\.path))
                readFailures = failures
                let h = SHA256.hex(of: bundle)
                blobs[h] = bundle
                hash = h
            }
            // Files the coordinator itself cannot read fail here, with the reason, and are not sent.
            for (k, reason) in readFailures { finished(shard[k], .failure(FeatureComputationError(reason: reason))) }
            let body = ExtractTaskData.body(items: items, parameters: parameters, seed: seed, shipped: !sharedPath, skip: Set(readFailures.keys))
            let id = "extract-" + String(SHA256.hex(of: Array(body.utf8) + Array((hash ?? "").utf8)).prefix(32))
            if members[id] == nil { tasks.append(CoordinatorCore.Task(id: id, body: body, dataHash: hash)) }
            members[id, default: []].append(shard)
        }
        let lookup = members
        do {
            try scheduler.run(tasks: tasks, blobs: blobs, waitForWorkers: waitForWorkers, completed: { id, body, frames in
                for shard in lookup[id] ?? [] {
                    let results = ExtractTaskData.decodeResult(body: body, frames: frames, count: shard.count)
                    timing.add(seconds: results.seconds, files: shard.count)
                    for (k, r) in results.items.enumerated() { if let r { finished(shard[k], r) } }
                }
            }, abandoned: { id, reason in
                for i in (lookup[id] ?? []).joined() { finished(i, .failure(FeatureComputationError(reason: "a worker could not process it: \(reason)"))) }
            })
        } catch {
            throw RemoteComputationError(error.description)
        }
    }

    static func fileSize(_ path: String) -> Int {
        ((try? FileManager.default.attributesOfItem(atPath: path))?[.size] as? NSNumber)?.intValue ?? 0
    }
}

/// Seconds per file measured from finished shards.
final class ShardTiming: @unchecked Sendable {
    // @unchecked Sendable: guarded by `lock`.
    private var seconds = 0.0, files = 0
    private let lock = NSLock()
    func add(seconds s: Double, files n: Int) { lock.withLock { seconds += s; files += n } }
    var secondsPerFile: Double? { lock.withLock { files > 0 && seconds > 0 ? seconds / Double(files) : nil } }
}
