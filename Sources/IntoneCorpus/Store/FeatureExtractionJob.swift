import Foundation
import IntoneAudio
import IntoneEngine
import IntoneFeatures
import IntoneFormats

/// Builds or updates a feature store from a catalogue: `intone extract`.
///
/// Layout of the store folder (see docs/FEATURE-STORE.md):
/// `params.json` (the `FeatureStoreParameters`), `features/<aa>/<sha>[_<augmentation>].npy` (float32,
/// rows × frames, unpadded), `manifest.csv` (one row per example), `errors.csv` (`path,reason`) and
/// `skipped.csv` (files the catalogue could not label).
///
/// Re-running with the same store computes only what is missing: a features file is written
/// atomically and named by the audio's content hash, so an interrupted run loses nothing already
/// written and the finished store is byte-identical to an uninterrupted run's. A store made with other
/// feature parameters is refused, never mixed.
public struct FeatureExtractionJob: Sendable {
    /// The store folder.
    public let store: String
    public let parameters: FeatureStoreParameters
    public let split: SplitStrategy
    /// Seed of the split and of augmentation.
    public let seed: UInt64
    /// The augmented copies made of each training example (none when `nil`), drawn per example
    /// from the seed and the audio's content hash.
    public let augmentation: AugmentationPolicy?
    /// Where the features are computed: threads of this process when `nil` (`jobs` of them), or
    /// cluster workers. The store is written here either way, and is the same bytes.
    public let placement: (any Placement)?

    public init(store: String, parameters: FeatureStoreParameters = FeatureStoreParameters(), split: SplitStrategy = .default, seed: UInt64 = 0,
                augmentation: AugmentationPolicy? = nil, placement: (any Placement)? = nil) {
        self.store = store
        self.parameters = parameters
        self.split = split
        self.seed = seed
        self.augmentation = augmentation
        self.placement = placement
    }

    /// What a run did.
    public struct Summary: Sendable, Equatable {
        /// Rows in the manifest.
        public var rows: Int
        /// Distinct features files computed in this run.
        public var computed: Int
        /// Distinct features files already present and reused.
        public var reused: Int
        /// Examples that failed (listed in errors.csv).
        public var failed: Int
        /// Files the catalogue skipped (listed in skipped.csv).
        public var skipped: Int
        /// Rows per split.
        public var perSplit: [SplitName: Int]
    }

    /// Runs the extraction over `catalogue` (hashing on `jobs` threads, computing on the placement,
    /// or on `jobs` threads without one); `progress(done, total, failed)` is called after every
    /// example, one call at a time.
    public func run(catalogue: Catalogue, jobs: Int, progress: (@Sendable (Int, Int, Int) -> Void)? = nil) throws(FeatureStoreError) -> Summary {
        let fm = FileManager.default
        do { try fm.createDirectory(atPath: store + "/features", withIntermediateDirectories: true) } catch {
            throw FeatureStoreError(store: store, reason: "cannot create the store folder (\(error.localizedDescription))")
        }
        try checkOrWriteParameters()
        // A killed run may have left half-written files: they were never renamed into place.
        AtomicFile.removePartials(under: store + "/features")
        // Parameters a worker would refuse are refused here first, once for the whole store.
        do { _ = try FeatureExtractor(parameters: parameters.features) } catch {
            throw FeatureStoreError(store: store, reason: error.description)
        }
        let recordings = catalogue.recordings
        let splits = DataSplitter.assign(recordings, strategy: split, seed: seed)

        // 1. Content hashes (the identity of each example's features).
        let hashes: [Result<String, FailedItem>] = LocalRunner.map(count: recordings.count, jobs: jobs) { i in
            do { return .success(try SHA256.hex(ofFile: recordings[i].path)) } catch {
                return .failure(FailedItem(path: recordings[i].path, reason: "cannot be read (\(error.localizedDescription))"))
            }
        }
        // 2. Work items: every recording, plus its augmentations when it is in the training split.
        var workItems: [WorkItem] = []
        var failures: [FailedItem] = []
        for i in recordings.indices {
            switch hashes[i] {
            case .failure(let f): failures.append(f)
            case .success(let sha):
                workItems.append(WorkItem(recording: i, sha256: sha, augmentation: "none"))
                if splits[i] == .train, let augmentation {
                    for a in augmentation.augmentations(seed: seed, exampleID: sha) {
                        workItems.append(WorkItem(recording: i, sha256: sha, augmentation: a.id))
                    }
                }
            }
        }
        let items = workItems
        // 3. Compute what is missing, once per distinct (content, augmentation): copies of the same
        //    audio under two names share one features file.
        var firstOfKey: [String: Int] = [:]
        var unique: [WorkItem] = []
        for item in items where firstOfKey[featuresPath(item)] == nil {
            firstOfKey[featuresPath(item)] = unique.count
            unique.append(item)
        }
        let todo = unique
        let placement = self.placement ?? ThreadPlacement(threads: jobs, registry: TaskRegistry().registering(ExtractShardKind()))
        let outcomes = try compute(todo, recordings: recordings, on: placement, jobs: jobs, progress: progress)
        var computed = 0, reused = 0
        for outcome in outcomes {
            if case .stored(_, let wasComputed) = outcome { if wasComputed { computed += 1 } else { reused += 1 } }
        }
        // 4. Manifest, errors, skipped.
        var rows: [FeatureStoreRow] = []
        for item in items {
            let r = recordings[item.recording]
            switch outcomes[firstOfKey[featuresPath(item)]!] {
            case .failed(let f):
                let label = item.augmentation == "none" ? r.path : "\(r.path) [\(item.augmentation)]"
                failures.append(FailedItem(path: label, reason: f.reason))
            case .stored(let frames, _):
                rows.append(FeatureStoreRow(path: r.path, corpus: r.corpus, speaker: r.speaker ?? "", label: r.emotion, sourceLabel: r.sourceLabel,
                                            split: splits[item.recording], augmentation: item.augmentation, sha256: item.sha256,
                                            features: featuresPath(item), frames: frames))
            }
        }
        failures.sort { ($0.path, $0.reason) < ($1.path, $1.reason) }
        try writeText(FeatureStoreManifest.encode(rows), to: "manifest.csv")
        try writeText(CSV.table(header: ["path", "reason"], rows: failures.map { [$0.path, $0.reason] }), to: "errors.csv")
        try writeText(CSV.table(header: ["path", "reason"], rows: catalogue.skipped.map { [$0.path, $0.reason] }), to: "skipped.csv")
        var perSplit: [SplitName: Int] = [:]
        for r in rows { perSplit[r.split, default: 0] += 1 }
        return Summary(rows: rows.count, computed: computed, reused: reused, failed: failures.count, skipped: catalogue.skipped.count, perSplit: perSplit)
    }

    // MARK: - Pieces

    struct WorkItem: Sendable {
        let recording: Int
        let sha256: String
        let augmentation: String
    }

    struct FailedItem: Error, Sendable {
        let path: String
        let reason: String
    }

    enum ItemOutcome: Sendable {
        case stored(frames: Int, computed: Bool)
        case failed(FailedItem)
    }

    /// `features/<first two hex digits>/<first 24 hex digits>[_<augmentation>].npy`.
    func featuresPath(_ item: WorkItem) -> String {
        let name = String(item.sha256.prefix(24)) + (item.augmentation == "none" ? "" : "_" + item.augmentation)
        return "features/\(item.sha256.prefix(2))/\(name).npy"
    }

    /// Writes one example's features into the store (atomically).
    func store(_ matrix: FeatureMatrix, at relative: String, label: String) -> ItemOutcome {
        let full = store + "/" + relative
        do {
            try FileManager.default.createDirectory(atPath: (full as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            try NPYFile.write(NPYArray(shape: [matrix.rows, matrix.frames], values: matrix.values), to: full)
            return .stored(frames: matrix.frames, computed: true)
        } catch {
            return .failed(FailedItem(path: label, reason: "cannot write \(relative) (\(error))"))
        }
    }

    /// One example's features: decode (the store's offset and duration, resampled), augment, compute.
    /// The same function runs on local threads and on cluster workers, so both give the same bits.
    public static func computeFeatures(path: String, sha256: String, augmentation: String, parameters: FeatureStoreParameters, seed: UInt64,
                                       extractor: FeatureExtractor) -> Result<FeatureMatrix, FeatureComputationError> {
        do {
            let signal = try AudioLoader.load(path: path, sampleRate: parameters.features.sampleRate,
                                              offset: parameters.offset, duration: parameters.duration)
            var samples = signal.samples
            if augmentation != "none" {
                samples = try Augmentation(id: augmentation).apply(to: samples, sampleRate: Double(signal.sampleRate), seed: seed, exampleID: sha256)
            }
            return .success(try extractor.compute(parameters.kind, from: samples))
        } catch let error as AudioError {
            return .failure(FeatureComputationError(reason: error.reason.message))
        } catch let error as FeatureError {
            return .failure(FeatureComputationError(reason: error.description))
        } catch {
            return .failure(FeatureComputationError(reason: "\(error)"))
        }
    }

    private func checkOrWriteParameters() throws(FeatureStoreError) {
        let path = store + "/params.json"
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        if let data = FileManager.default.contents(atPath: path) {
            let existing: FeatureStoreParameters
            do { existing = try JSONDecoder().decode(FeatureStoreParameters.self, from: data) } catch {
                throw FeatureStoreError(store: store, reason: "params.json is unreadable (\(error)); use another --out folder")
            }
            let diff = parameters.differences(from: existing)
            if !diff.isEmpty {
                throw FeatureStoreError(store: store, reason: "was made with other feature parameters (this run ≠ store: \(diff.joined(separator: ", "))); use another --out folder or delete it")
            }
            return
        }
        do { try AtomicFile.write(encoder.encode(parameters) + Data("\n".utf8), to: path, sync: true) } catch {
            throw FeatureStoreError(store: store, reason: "cannot write params.json (\(error.localizedDescription))")
        }
    }

    private func writeText(_ text: String, to name: String) throws(FeatureStoreError) {
        do { try AtomicFile.write(Data(text.utf8), to: store + "/" + name, sync: true) } catch {
            throw FeatureStoreError(store: store, reason: "cannot write \(name) (\(error.localizedDescription))")
        }
    }
}

/// Counts finished items across threads.
final class ProgressCounter: @unchecked Sendable {
    // @unchecked Sendable: guarded by `lock`.
    private let lock = NSLock()
    private var done = 0, failed = 0
    let total: Int
    init(total: Int) { self.total = total }
    func add(failed didFail: Bool) -> (Int, Int) {
        lock.lock(); defer { lock.unlock() }
        done += 1
        if didFail { failed += 1 }
        return (done, failed)
    }
}
