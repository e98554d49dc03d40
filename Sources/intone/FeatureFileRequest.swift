import Foundation
import IntoneAudio
import IntoneFeatures
import IntoneFormats

/// One input's failure, printed as `file: reason`.
struct FeatureFileError: Error, CustomStringConvertible {
    let file: String
    let reason: String
    var description: String { "\(file): \(reason)" }
}

/// What to compute for each file of `intone features`.
struct FeatureFileRequest: Sendable {
    let kind: FeatureKind
    let offset: Double
    let duration: Double?
    /// Write the per-row mean over time instead of the matrix.
    let summary: Bool
    /// Fixed frame count (pad or cut), matrices only.
    let frames: Int?

    /// Decodes `path`, computes the features and writes `output` (.npy) atomically.
    func process(path: String, output: String, extractor: FeatureExtractor) throws(FeatureFileError) {
        let signal: AudioSignal
        do {
            signal = try AudioLoader.load(path: path, sampleRate: extractor.parameters.sampleRate, offset: offset, duration: duration)
        } catch {
            throw FeatureFileError(file: error.file, reason: error.reason.message)
        }
        var matrix: FeatureMatrix
        do { matrix = try extractor.compute(kind, from: signal.samples) } catch {
            throw FeatureFileError(file: path, reason: error.description)
        }
        let array: NPYArray
        if summary {
            let mean = matrix.meanOverTime()
            array = NPYArray(shape: [mean.count], values: mean)
        } else {
            if let frames { matrix = matrix.fixedFrames(frames) }
            array = NPYArray(shape: [matrix.rows, matrix.frames], values: matrix.values)
        }
        do { try NPYFile.write(array, to: output) } catch {
            throw FeatureFileError(file: path, reason: "cannot write \(output): \(error.reason)")
        }
    }
}

/// Where each input's features go, and which inputs would collide on the same output name.
struct OutputPlan: Sendable {
    /// Output path per input.
    let outputs: [String]
    /// For an input whose output name an earlier input already takes: that earlier input.
    let collisions: [Int: String]

    init(inputs: [String], folder: String) {
        var outputs: [String] = []
        var owner: [String: String] = [:]
        var collisions: [Int: String] = [:]
        for (i, input) in inputs.enumerated() {
            let stem = URL(fileURLWithPath: input).deletingPathExtension().lastPathComponent
            let output = URL(fileURLWithPath: folder).appendingPathComponent(stem + ".npy").path
            outputs.append(output)
            if let first = owner[output] { collisions[i] = first } else { owner[output] = input }
        }
        self.outputs = outputs
        self.collisions = collisions
    }
}
