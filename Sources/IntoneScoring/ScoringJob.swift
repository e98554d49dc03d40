import Foundation
import IntoneAudio
import IntoneEngine
import IntoneFormats
import IntoneModels

/// A piece of scoring work: chunks `chunks` of one channel selection of one file.
public struct ScoringUnit: Codable, Equatable, Sendable {
    public var path: String
    /// nil: the mix; otherwise the channel counted from 0.
    public var channel: Int?
    public var chunks: Range<Int>

    public var selection: ChannelSelection { channel.map { .channel($0) } ?? .mix }
}

/// `intone score`: scores archived calls in windows and writes per-window and per-call results.
///
/// Files are taken in batches; each finished file's results are written atomically to
/// `OUT/results/<key>.json` (the key covers the file's path, size and modification time, the model
/// and the scoring parameters), so a re-run skips finished files and an interruption loses at most
/// the batch in flight. At the end `windows.jsonl`, `windows.csv`, `calls.csv` and `errors.csv` are
/// written from the stored results, in input order, each read once.
///
/// Units of work are `ScoreUnitKind` tasks on a placement: threads of this process (one chunk per
/// unit) by default, or cluster workers (`chunksPerRemoteUnit` chunks per unit, the model and, unless
/// the workers share this machine's files, the audio shipped with them).
public struct ScoringJob: Sendable {
    public let modelPath: String
    public let outDirectory: String
    public let parameters: ScoringParameters
    /// Where units are scored (threads of this process when `nil`, `jobs` of them).
    public let placement: (any Placement)?
    /// Files scored per batch.
    public var batchFiles = 32
    /// Chunks per unit on workers (one chunk per unit in this process).
    public var chunksPerRemoteUnit = 4
    /// Most bytes of shipped audio per round of tasks, when the audio travels (bounds this process's memory).
    public var roundBytes = 256 << 20
    /// Also draw each call's timeline as `OUT/timelines/<call>[_ch<n>].svg`.
    public var timelines = false
    /// Windows whose most probable class is below this probability are labelled `uncertain` in the
    /// outputs (0: never). Applied when the outputs are written, so changing it re-scores nothing.
    public var minConfidence = 0.0
    /// Temporal smoothing of the window labels (`nil`: none). Applied when the outputs are written,
    /// before `minConfidence`, so changing it re-scores nothing either.
    public var smoothing: WindowSmoothing?
    /// The model at `modelPath` when the caller has already loaded it (else `run` loads it).
    public var model: LoadedModel?

    public init(modelPath: String, outDirectory: String, parameters: ScoringParameters, placement: (any Placement)? = nil) {
        self.modelPath = modelPath
        self.outDirectory = outDirectory
        self.parameters = parameters
        self.placement = placement
    }

    /// Progress after each file: files done (already scored ones first), files in all, seconds of
    /// audio scored so far in this run.
    public typealias Progress = @Sendable (_ done: Int, _ total: Int, _ audioSeconds: Double) -> Void

    public struct Summary: Sendable, Equatable {
        public var files: Int
        public var scored: Int
        public var reused: Int
        public var failed: Int
        public var windows: Int
        public var audioSeconds: Double
    }

    public func run(inputs: [String], jobs: Int, progress: Progress? = nil) throws(ScoringError) -> Summary {
        let model: LoadedModel
        if let loaded = self.model {
            model = loaded
        } else {
            do { model = try ModelArchive.load(path: modelPath) } catch { throw ScoringError(file: modelPath, reason: error.description) }
        }
        let scorer = try CallScorer(model: model, parameters: parameters)
        let digest = Self.modelDigest(modelPath)
        let fm = FileManager.default
        do { try fm.createDirectory(atPath: outDirectory + "/results", withIntermediateDirectories: true) } catch {
            throw ScoringError(file: outDirectory, reason: "cannot create the output folder (\(error.localizedDescription))")
        }
        AtomicFile.removePartials(under: outDirectory + "/results")
        let (files, problems) = ScoringInputs.expand(inputs)
        var errors: [String: String] = [:]
        for p in problems { errors[p.path] = p.reason }
        let keys = files.map { resultKey(path: $0, modelDigest: digest) }
        // Files with a stored result are done; each stored result is read once, for the outputs.
        let pending = files.indices.filter { !fm.fileExists(atPath: resultPath(keys[$0])) }
        let scoredHere = Set(pending)
        let reused = files.count - pending.count
        var scored = 0
        var audio = 0.0
        var done = reused
        progress?(done, files.count, audio)
        let placement = self.placement ?? ThreadPlacement(threads: jobs, registry: TaskRegistry().registering(ScoreUnitKind()))
        let bundle = ModelBundle.pack(modelPath)
        let modelBlob = (hash: SHA256.hex(of: bundle), bytes: bundle)
        let step = placement.traits.inProcess ? 1 : max(1, chunksPerRemoteUnit)
        var start = 0
        while start < pending.count {
            let batch = Array(pending[start..<min(pending.count, start + batchFiles)])
            start += batch.count
            // Plan each file (its header gives the length), then score all their units.
            var units: [PlannedUnit] = []
            var planned: [Int: (plan: WindowPlan, selections: [ChannelSelection])] = [:]
            for i in batch {
                do {
                    let info = try AudioLoader.info(path: files[i])
                    if info.frames == 0 { throw AudioError(file: files[i], reason: .noSamples) }
                    let plan = scorer.plan(for: info)
                    let selections = scorer.channelSelections(channels: info.channels)
                    planned[i] = (plan, selections)
                    for s in selections {
                        var c = 0
                        while c < plan.chunkCount {
                            let channel: Int? = { if case .channel(let n) = s { return n } else { return nil } }()
                            units.append(PlannedUnit(unit: ScoringUnit(path: files[i], channel: channel, chunks: c..<min(plan.chunkCount, c + step)),
                                                     plan: plan, file: i))
                            c += step
                        }
                    }
                } catch let error as AudioError {
                    errors[files[i]] = error.reason.message
                } catch {
                    errors[files[i]] = "\(error)"
                }
            }
            let results = try score(units, model: modelBlob, on: placement)
            // Assemble and store each file whose units all succeeded.
            for i in batch {
                guard let (plan, selections) = planned[i] else { done += 1; progress?(done, files.count, audio); continue }
                var chunkResults: [ChannelSelection: [ChunkResult]] = [:]
                var failure: String?
                for (u, unit) in units.enumerated() where unit.file == i {
                    switch results[u] {
                    case .success(let r): chunkResults[unit.unit.selection, default: []] += r
                    case .failure(let e): failure = failure ?? e.reason
                    }
                }
                done += 1
                if let failure { errors[files[i]] = failure; progress?(done, files.count, audio); continue }
                let calls = selections.map { s -> CallResult in
                    let chunks = (chunkResults[s] ?? []).sorted { $0.chunk < $1.chunk }
                    let speechFrames = chunks.reduce(0) { $0 + $1.speechFrames }
                    return CallResult(file: files[i], channel: Self.channelName(s), duration: plan.durationSeconds,
                                      speech: parameters.vad ? Double(speechFrames) * ScoringParameters.vadFrameSeconds : plan.durationSeconds,
                                      windows: scorer.windows(of: chunks))
                }
                do {
                    try AtomicFile.write(Data(CanonicalJSON.encode(calls)), to: resultPath(keys[i]), sync: true)
                } catch {
                    throw ScoringError(file: outDirectory, reason: "cannot write results (\(error.localizedDescription))")
                }
                scored += 1
                audio += plan.durationSeconds
                progress?(done, files.count, audio)
            }
        }
        // Outputs, in input order, from the stored results, one file's at a time.
        let outputs = try ScoringOutputs(folder: outDirectory, classes: model.classes, uncertain: minConfidence > 0, smoothed: smoothing != nil)
        var pictures = TimelineNames()
        for i in files.indices where errors[files[i]] == nil {
            guard let r = loadResult(keys[i]) else {
                errors[files[i]] = "its stored result \(resultPath(keys[i])) is unreadable; delete it and run again"
                continue
            }
            if !scoredHere.contains(i) { audio += r.first?.duration ?? 0 }
            var calls = r
            if let smoothing { calls = calls.map { smoothing.smooth($0, classes: model.classes) } }
            if minConfidence > 0 { calls = calls.map { $0.labellingUncertain(below: minConfidence) } }
            try outputs.add(calls)
            if timelines { for call in calls { try writeTimeline(call, classes: model.classes, name: pictures.name(for: call)) } }
        }
        try outputs.finish(errors: errors)
        return Summary(files: files.count + problems.count, scored: scored, reused: reused, failed: errors.count,
                       windows: outputs.windows, audioSeconds: audio)
    }

    private func writeTimeline(_ call: CallResult, classes: [String], name: String) throws(ScoringError) {
        let folder = outDirectory + "/timelines"
        do {
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            try AtomicFile.write(Data(CallTimeline.svg(call, classes: classes).utf8), to: folder + "/" + name)
        } catch {
            throw ScoringError(file: folder, reason: "cannot write \(name) (\(error.localizedDescription))")
        }
    }

    /// Scores one unit in this process (what a cluster worker runs too).
    public static func score(_ unit: ScoringUnit, with scorer: CallScorer) -> Result<[ChunkResult], ScoringError> {
        var out: [ChunkResult] = []
        for c in unit.chunks {
            do { out.append(try scorer.score(path: unit.path, channel: unit.selection, chunk: c)) } catch { return .failure(error) }
        }
        return .success(out)
    }

    static func channelName(_ s: ChannelSelection) -> String {
        if case .channel(let n) = s { return String(n + 1) }
        return "mix"
    }

    func resultKey(path: String, modelDigest: String) -> String {
        let attributes = try? FileManager.default.attributesOfItem(atPath: path)
        let size = (attributes?[.size] as? NSNumber)?.intValue ?? -1
        let modified = (attributes?[.modificationDate] as? Date)?.timeIntervalSince1970 ?? 0
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let params = String(decoding: (try? encoder.encode(parameters)) ?? Data(), as: UTF8.self)
        return SHA256.hex(of: Array("\(path)|\(size)|\(modified)|\(modelDigest)|\(params)".utf8))
    }

    func resultPath(_ key: String) -> String { outDirectory + "/results/\(key.prefix(32)).json" }

    func loadResult(_ key: String) -> [CallResult]? {
        guard let data = FileManager.default.contents(atPath: resultPath(key)) else { return nil }
        return try? JSONDecoder().decode([CallResult].self, from: data)
    }

    /// A digest of every file in the model folder but `smoothing.json` (smoothing is applied when
    /// the outputs are written, so changing it scores nothing again).
    public static func modelDigest(_ path: String) -> String {
        let names = ((try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []).filter { $0 != WindowSmoothing.fileName }.sorted()
        var bytes: [UInt8] = []
        for n in names {
            bytes += Array(n.utf8) + [0]
            bytes += Array(SHA256.hex(of: [UInt8](FileManager.default.contents(atPath: path + "/" + n) ?? Data())).utf8)
        }
        return SHA256.hex(of: bytes)
    }
}


/// File names for timelines: the call's name without its extension, `_ch<n>` for a split channel,
/// and `-2`, `-3`... when two calls in different folders share a name.
struct TimelineNames {
    private var used: Set<String> = []

    mutating func name(for call: CallResult) -> String {
        let stem = ((call.file as NSString).lastPathComponent as NSString).deletingPathExtension
        let base = stem + (call.channel == "mix" ? "" : "_ch" + call.channel)
        var name = base + ".svg", n = 1
        while used.contains(name) { n += 1; name = base + "-\(n).svg" }
        used.insert(name)
        return name
    }
}
