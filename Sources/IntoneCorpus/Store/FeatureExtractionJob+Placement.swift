import Foundation
import IntoneEngine
import IntoneFeatures
import IntoneFormats

/// Computing a store's missing features on a placement, as `ExtractShardKind` tasks.
///
/// In this process the examples go out eight to a task. On workers they go out in shards (batches
/// of files): first one file per shard, to measure how long a file takes, then shards sized to
/// about `targetShardSeconds` of work each, at most `maximumShardFiles`. Unless the placement shares
/// this machine's files, each shard's audio travels with it as one blob, and shards are sent in
/// rounds of at most `roundBytes` of audio, so memory here stays bounded whatever the corpus size.
/// Results are written into the store here, as they come back.
extension FeatureExtractionJob {
    /// Seconds of work aimed at per shard on workers.
    static let targetShardSeconds = 0.5
    /// Most files in one shard.
    static let maximumShardFiles = 64
    /// Most audio bytes in flight per round (when the audio travels).
    static let roundBytes = 256 << 20
    /// Files per task on threads of this process.
    static let inProcessShardFiles = 8

    /// Computes what `todo` lacks in the store; `jobs` threads check what is there already.
    func compute(_ todo: [WorkItem], recordings: [LabelledRecording], on placement: any Placement, jobs: Int,
                 progress: (@Sendable (Int, Int, Int) -> Void)?) throws(FeatureStoreError) -> [ItemOutcome] {
        let outcomes = ResultSlots<ItemOutcome>(count: todo.count)
        let counter = ProgressCounter(total: todo.count)
        let report = { @Sendable (k: Int, outcome: ItemOutcome) in
            outcomes.set(k, outcome)
            let (done, failed) = counter.add(failed: { if case .failed = outcome { return true }; return false }())
            progress?(done, todo.count, failed)
        }
        // What a killed run already stored is kept.
        let storedFrames: [Int?] = LocalRunner.map(count: todo.count, jobs: jobs) { k in
            let full = store + "/" + featuresPath(todo[k])
            guard FileManager.default.fileExists(atPath: full), let existing = try? NPYFile.read(path: full), existing.shape.count == 2 else { return nil }
            return existing.shape[1]
        }
        var requests: [FeatureRequest] = []
        var positions: [Int] = []
        for (k, item) in todo.enumerated() {
            if let frames = storedFrames[k] {
                report(k, .stored(frames: frames, computed: false))
                continue
            }
            requests.append(FeatureRequest(path: recordings[item.recording].path, sha256: item.sha256, augmentation: item.augmentation))
            positions.append(k)
        }
        let requestList = requests, positionList = positions
        let stored = { @Sendable (i: Int, result: Result<FeatureMatrix, FeatureComputationError>) in
            let item = todo[positionList[i]]
            let path = requestList[i].path
            let label = item.augmentation == "none" ? path : "\(path) [\(item.augmentation)]"
            switch result {
            case .failure(let reason): report(positionList[i], .failed(FailedItem(path: label, reason: reason.reason)))
            case .success(let matrix): report(positionList[i], self.store(matrix, at: self.featuresPath(item), label: label))
            }
        }
        let ships = !placement.traits.sharesFiles
        if placement.traits.inProcess {
            // No round trip to amortise, only the task's encoding: a few files a task.
            let shards = stride(from: 0, to: requests.count, by: Self.inProcessShardFiles).map { Array($0..<min(requests.count, $0 + Self.inProcessShardFiles)) }
            try runShards(shards, requests, on: placement, ships: ships, timing: nil, stored)
        } else {
            // Probe: single-file shards, as many as there are likely slots, to learn the cost per file.
            let timing = ShardTiming()
            let probe = min(requests.count, 8)
            try runShards((0..<probe).map { [$0] }, requests, on: placement, ships: ships, timing: timing, stored)
            var next = probe
            while next < requests.count {
                let perFile = timing.secondsPerFile ?? 0.01
                let shardSize = max(1, min(Self.maximumShardFiles, Int((Self.targetShardSeconds / max(perFile, 1e-5)).rounded())))
                var shards: [[Int]] = []
                var bytes = 0
                while next < requests.count && (!ships || bytes < Self.roundBytes) {
                    let end = min(requests.count, next + shardSize)
                    let shard = Array(next..<end)
                    if ships { bytes += shard.reduce(0) { $0 + Self.fileSize(requests[$1].path) } }
                    shards.append(shard)
                    next = end
                }
                try runShards(shards, requests, on: placement, ships: ships, timing: timing, stored)
            }
        }
        return (0..<todo.count).map { k in
            outcomes.get(k) ?? .failed(FailedItem(path: recordings[todo[k].recording].path, reason: "no result came back from the cluster"))
        }
    }

    /// Runs one round of shards (each a list of request numbers) and hands every item's result to `stored`.
    private func runShards(_ shards: [[Int]], _ requests: [FeatureRequest], on placement: any Placement, ships: Bool, timing: ShardTiming?,
                           _ stored: @escaping @Sendable (Int, Result<FeatureMatrix, FeatureComputationError>) -> Void) throws(FeatureStoreError) {
        if shards.isEmpty { return }
        var tasks: [TaskSpec] = []
        var blobs: [String: [UInt8]] = [:]
        var members: [String: [[Int]]] = [:]
        for shard in shards {
            let items = shard.map { requests[$0] }
            var hashes: [String] = []
            var readFailures: [Int: String] = [:]
            if ships {
                let (bundle, failures) = ExtractShardKind.bundle(items.map(\.path))
                readFailures = failures
                let h = SHA256.hex(of: bundle)
                blobs[h] = bundle
                hashes = [h]
            }
            // Files this machine cannot read fail here, with the reason, and are not sent.
            for (k, reason) in readFailures { stored(shard[k], .failure(FeatureComputationError(reason: reason))) }
            let parameters = ExtractShardKind.Parameters(parameters: self.parameters, seed: seed, shipped: ships, skip: readFailures.keys.sorted(), items: items)
            // In this process shards hold distinct examples (named by their first); elsewhere
            // identical shards (the same files and parameters) are one task.
            let id = placement.traits.inProcess ? "extract-\(shard[0])"
                : "extract-" + String(SHA256.hex(of: Array(ExtractShardKind.encode(parameters: parameters).utf8) + Array((hashes.first ?? "").utf8)).prefix(32))
            if members[id] == nil { tasks.append(ExtractShardKind.task(id: id, parameters, blobs: hashes)) }
            members[id, default: []].append(shard)
        }
        let lookup = members
        do {
            try placement.run(tasks, blobs: blobs, completed: { id, output in
                let decoded = Result { () throws(TaskError) in try ExtractShardKind.decode(output: output) }
                for shard in lookup[id] ?? [] {
                    guard case .success(let result) = decoded, result.items.count == shard.count else {
                        for i in shard { stored(i, .failure(FeatureComputationError(reason: "a worker sent an unreadable extraction result"))) }
                        continue
                    }
                    timing?.add(seconds: result.seconds, files: shard.count)
                    for (k, r) in result.items.enumerated() { if let r { stored(shard[k], r) } }
                }
            }, abandoned: { id, reason in
                for i in (lookup[id] ?? []).joined() { stored(i, .failure(FeatureComputationError(reason: "a worker could not process it: \(reason)"))) }
            })
        } catch {
            throw FeatureStoreError(store: store, reason: error.description)
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
