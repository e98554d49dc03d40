import Foundation
import IntoneAudio
import IntoneFeatures
import IntoneSweep

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

    public func plan(for info: AudioInfo) -> WindowPlan {
        WindowPlan(nativeRate: info.sampleRate, modelRate: modelRate, nativeFrames: info.frames, parameters: parameters)
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
            let (native, first) = plan.nativeRange(ofChunk: chunk)
            let segment = try AudioSegment.read(reader, start: native.lowerBound, count: native.count, channel: channel)
            let samples = plan.nativeRate == plan.modelRate
                ? segment
                : try Resampler.resample(segment, from: Double(plan.nativeRate), to: Double(plan.modelRate), label: path)
            return try score(samples: samples, firstModelSample: first, plan: plan, chunk: chunk, file: path)
        } catch let error as AudioError {
            throw ScoringError(file: path, reason: error.reason.message)
        } catch let error as ScoringError {
            throw error
        } catch {
            throw ScoringError(file: path, reason: "\(error)")
        }
    }

    /// Scores the windows of `chunk` from `samples` at the model's rate, whose first sample is the
    /// call's model-rate sample `firstModelSample`.
    func score(samples: [Float], firstModelSample: Int, plan: WindowPlan, chunk: Int, file: String) throws(ScoringError) -> ChunkResult {
        func local(_ r: Range<Int>) -> [Float] {
            let lo = r.lowerBound - firstModelSample, hi = r.upperBound - firstModelSample
            if lo >= 0 && hi <= samples.count { return Array(samples[lo..<hi]) }
            // Past what the decoder delivered (a truncated file): zeros, as a short resample is padded.
            return (lo..<hi).map { $0 >= 0 && $0 < samples.count ? samples[$0] : 0 }
        }
        let frame = max(1, Int((ScoringParameters.vadFrameSeconds * Double(plan.modelRate)).rounded()))
        var speech = 0, total = 0
        for k in plan.slices(ofChunk: chunk) {
            let (s, t) = speechFrames(local(plan.slice(k)), frame: frame)
            speech += s
            total += t
        }
        var windows: [WindowScore] = []
        var matrices: [FeatureMatrix] = []
        var kept: [Int] = []
        for k in plan.windows(ofChunk: chunk) {
            let x = local(plan.window(k))
            if parameters.vad {
                let (s, t) = speechFrames(x, frame: frame)
                if t == 0 || Double(s) / Double(t) < parameters.vadMinSpeechShare { continue }
            }
            do { matrices.append(try extractor.compute(model.features.store.kind, from: x)) } catch {
                throw ScoringError(file: file, reason: "window \(k): \(error.description)")
            }
            kept.append(k)
        }
        let probabilities = matrices.isEmpty ? [] : model.probabilities(matrices)
        guard probabilities.count == matrices.count else {
            throw ScoringError(file: file, reason: "the model gave no probabilities (summary \(model.features.summary) unknown?)")
        }
        for (i, k) in kept.enumerated() {
            let p = probabilities[i]
            let best = p.indices.max { p[$0] < p[$1] || (p[$0] == p[$1] && $0 > $1) } ?? 0
            let r = plan.window(k)
            windows.append(WindowScore(index: k, start: Double(r.lowerBound) / Double(plan.modelRate), end: Double(r.upperBound) / Double(plan.modelRate),
                                       label: model.classes[best], probabilities: p))
        }
        return ChunkResult(chunk: chunk, windows: windows, speechFrames: speech, frames: total)
    }

    /// Speech frames and frames in `x`, tiled from its start (a last partial frame counts if at least half a frame).
    func speechFrames(_ x: [Float], frame: Int) -> (Int, Int) {
        var speech = 0, total = 0
        var at = 0
        let threshold = pow(10, parameters.vadThresholdDB / 10)   // mean square at the threshold level
        while at < x.count && (x.count - at) * 2 >= frame {
            let end = min(x.count, at + frame)
            var sum: Double = 0
            for i in at..<end { sum += Double(x[i]) * Double(x[i]) }
            if sum / Double(end - at) >= threshold { speech += 1 }
            total += 1
            at = end
        }
        return (speech, total)
    }
}
