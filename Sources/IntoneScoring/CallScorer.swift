import Foundation
import IntoneAudio
import IntoneFeatures
import IntoneModels

/// One scored window of a call.
public struct WindowScore: Codable, Equatable, Sendable {
    /// Window number (0-based) within the call.
    public var index: Int
    /// Start and end in seconds from the start of the call.
    public var start: Double
    public var end: Double
    /// The most probable class.
    public var label: String
    /// One probability per model class, in the model's class order.
    public var probabilities: [Double]
    /// With smoothing (`WindowSmoothing`), the window's own label before it; `nil` otherwise.
    public var rawLabel: String? = nil

    public init(index: Int, start: Double, end: Double, label: String, probabilities: [Double]) {
        self.index = index
        self.start = start
        self.end = end
        self.label = label
        self.probabilities = probabilities
    }
}

/// What a chunk of a call gave: its scored windows and its voice-activity counts.
public struct ChunkResult: Codable, Equatable, Sendable {
    public var chunk: Int
    public var windows: [WindowScore]
    /// Speech frames and all frames (20 ms each) in the chunk's hop slices.
    public var speechFrames: Int
    public var frames: Int
    /// For a model that standardises each call's windows together (`LoadedModel.normalizesPerCall`):
    /// the windows' feature vectors, in window order; the windows then have no label or
    /// probabilities yet (the job gives them once it holds the whole call, `CallScorer.label`).
    public var summaries: [[Float]]? = nil
}

/// A call-scoring failure, in words for errors.csv.
public struct ScoringError: Error, Equatable, Sendable, CustomStringConvertible {
    public let file: String
    public let reason: String
    public init(file: String, reason: String) {
        self.file = file
        self.reason = reason
    }
    public var description: String { "\(file): \(reason)" }
}

/// Scores windows of calls with one model: decodes a chunk, resamples it to the model's rate, finds
/// speech, computes each window's features exactly as the model's training clips were computed,
/// and asks the model for the class probabilities.
public struct CallScorer: Sendable {
    public let model: LoadedModel
    public let parameters: ScoringParameters
    let extractor: FeatureExtractor

    public init(model: LoadedModel, parameters: ScoringParameters) throws(ScoringError) {
        self.model = model
        self.parameters = parameters
        do { extractor = try FeatureExtractor(parameters: model.features.store.features) } catch {
            throw ScoringError(file: "model", reason: error.description)
        }
    }

    /// The model's sample rate.
    public var modelRate: Int { model.features.store.features.sampleRate }

    /// Where the windows and chunks of a call with this header fall.
    public func plan(for info: AudioInfo) -> WindowPlan { plan(nativeRate: info.sampleRate, nativeFrames: info.frames) }

    /// Where the windows and chunks of a call of `nativeFrames` frames at `nativeRate` fall.
    public func plan(nativeRate: Int, nativeFrames: Int) -> WindowPlan {
        WindowPlan(nativeRate: nativeRate, modelRate: modelRate, nativeFrames: nativeFrames, parameters: parameters,
                   frameHop: model.features.store.features.stft.hopLength)
    }

    /// The channels scored for a file with `channels` channels: the mix, or each one.
    public func channelSelections(channels: Int) -> [ChannelSelection] {
        parameters.splitChannels && channels > 1 ? (0..<channels).map { .channel($0) } : [.mix]
    }

    /// Scores chunk `chunk` of the file at `path` (one channel selection).
    public func score(path: String, channel: ChannelSelection, chunk: Int) throws(ScoringError) -> ChunkResult {
        do {
            let reader = try SoundFileReader(path: path)
            let plan = self.plan(for: reader.info)
            let native = plan.nativeRange(ofChunk: chunk).frames
            let segment = try AudioSegment.read(reader, start: native.lowerBound, count: native.count, channel: channel)
            return try score(native: segment[...], plan: plan, chunk: chunk, file: path)
        } catch let error as AudioError {
            throw ScoringError(file: path, reason: error.reason.message)
        } catch let error as ScoringError {
            throw error
        } catch {
            throw ScoringError(file: path, reason: "\(error)")
        }
    }

    /// Scores chunk `chunk` from its native-rate samples, `plan.nativeRange(ofChunk: chunk).frames`
    /// of the call's channel selection (fewer if the file ended early): what a worker does with
    /// audio shipped to it, and what `score(path:channel:chunk:)` does after reading the file.
    public func score(native: ArraySlice<Float>, plan: WindowPlan, chunk: Int, file: String) throws(ScoringError) -> ChunkResult {
        let first = plan.nativeRange(ofChunk: chunk).firstModelSample
        let samples: [Float]
        if plan.nativeRate == plan.modelRate {
            samples = Array(native)
        } else {
            do { samples = try Resampler.resample(Array(native), from: Double(plan.nativeRate), to: Double(plan.modelRate), label: file) } catch {
                throw ScoringError(file: file, reason: error.reason.message)
            }
        }
        return try score(samples: samples, firstModelSample: first, plan: plan, chunk: chunk, file: file)
    }

    /// Scores the windows of `chunk` from `samples` at the model's rate, whose first sample is the
    /// call's model-rate sample `firstModelSample`.
    func score(samples decoded: [Float], firstModelSample: Int, plan: WindowPlan, chunk: Int, file: String) throws(ScoringError) -> ChunkResult {
        func local(_ r: Range<Int>) -> Range<Int> { (r.lowerBound - firstModelSample)..<(r.upperBound - firstModelSample) }
        // Past what the decoder delivered (a truncated file): zeros, as a short resample is padded.
        var samples = decoded
        let needed = local(plan.modelRange(ofChunk: chunk)).upperBound
        if needed > samples.count { samples.append(contentsOf: repeatElement(0, count: needed - samples.count)) }
        let vad = VoiceActivity(samples: samples, firstModelSample: firstModelSample, plan: plan, chunk: chunk, parameters: parameters)
        var speech = 0, total = 0
        for k in plan.slices(ofChunk: chunk) {
            let (s, t) = vad.speechFrames(in: plan.slice(k))
            speech += s
            total += t
        }
        var kept: [Int] = []
        for k in plan.windows(ofChunk: chunk) {
            if parameters.vad {
                let (s, t) = vad.speechFrames(in: plan.window(k))
                if t == 0 || Double(s) / Double(t) < parameters.vadMinSpeechShare { continue }
            }
            kept.append(k)
        }
        var matrices: [FeatureMatrix] = []
        let kind = model.features.store.kind
        do {
            if kind == .mfcc {
                // Overlapping windows share their STFT frames; each matrix is still exactly the window's own.
                matrices = try extractor.mfcc(windowsOf: samples, ranges: kept.map { local(plan.window($0)) })
            } else {
                for k in kept { matrices.append(try extractor.compute(kind, from: Array(samples[local(plan.window(k))]))) }
            }
        } catch {
            throw ScoringError(file: file, reason: "chunk \(chunk): \(error.description)")
        }
        if model.normalizesPerCall {
            let summaries = model.summaries(matrices)
            let windows = kept.map { k -> WindowScore in
                let r = plan.window(k)
                return WindowScore(index: k, start: Double(r.lowerBound) / Double(plan.modelRate), end: Double(r.upperBound) / Double(plan.modelRate),
                                   label: "", probabilities: [])
            }
            return ChunkResult(chunk: chunk, windows: windows, speechFrames: speech, frames: total, summaries: summaries)
        }
        let probabilities = matrices.isEmpty ? [] : model.probabilities(matrices)
        guard probabilities.count == matrices.count else {
            throw ScoringError(file: file, reason: "the model gave no probabilities (summary \(model.features.summary) unknown?)")
        }
        var windows: [WindowScore] = []
        for (i, k) in kept.enumerated() {
            let r = plan.window(k)
            windows.append(WindowScore(index: k, start: Double(r.lowerBound) / Double(plan.modelRate), end: Double(r.upperBound) / Double(plan.modelRate),
                                       label: Self.label(probabilities[i], classes: model.classes), probabilities: probabilities[i]))
        }
        return ChunkResult(chunk: chunk, windows: windows, speechFrames: speech, frames: total)
    }

    /// The most probable class (ties: the earlier class).
    static func label(_ p: [Double], classes: [String]) -> String {
        classes[p.indices.max { p[$0] < p[$1] || (p[$0] == p[$1] && $0 > $1) } ?? 0]
    }

    /// The windows of one call (one channel) from its chunks in order: as scored, or, for a model
    /// that standardises each call's windows together, labelled now from all of the call's vectors.
    public func windows(of chunks: [ChunkResult]) -> [WindowScore] {
        var windows = chunks.flatMap(\.windows)
        guard model.normalizesPerCall else { return windows }
        let summaries = chunks.flatMap { $0.summaries ?? [] }
        guard summaries.count == windows.count, !summaries.isEmpty else { return windows }
        let probabilities = model.probabilities(summaries: summaries)
        for i in windows.indices {
            windows[i].probabilities = probabilities[i]
            windows[i].label = Self.label(probabilities[i], classes: model.classes)
        }
        return windows
    }
}
