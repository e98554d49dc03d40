import ArgumentParser
import Foundation
import IntoneAudio
import IntoneFeatures
import IntoneModels

/// `intone predict`: the emotion of each file with a saved model.
struct PredictCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "predict",
        abstract: "Predict the emotion of audio files with a saved model.",
        discussion: """
        Prints one CSV row per file: file, label, and the probability of each class. A file that \
        cannot be read is reported on stderr and the others are still predicted; the exit status is 1 \
        if any failed.

        Example:
          intone predict --model runs/sweep/model clip1.wav clip2.flac
        """
    )

    @Option(help: "A model folder (RUN_DIR/model from `intone sweep`).")
    var model: String

    @Argument(help: "Audio files.")
    var files: [String]

    func run() throws {
        let loaded: LoadedModel
        do { loaded = try ModelArchive.load(path: model) } catch { throw CommandFailure(error.description) }
        let p = loaded.features.store
        let extractor = try FeatureExtractor(parameters: p.features)
        print((["file", "label"] + loaded.classes).joined(separator: ","))
        var failed = 0
        for file in files {
            do {
                let signal = try AudioLoader.load(path: file, sampleRate: p.features.sampleRate, offset: p.offset, duration: p.duration)
                let m = try extractor.compute(p.kind, from: signal.samples)
                let probs = loaded.probabilities([m])[0]
                let best = probs.indices.max { probs[$0] < probs[$1] }!
                print(([file, loaded.classes[best]] + probs.map { String(format: "%.4f", $0) }).joined(separator: ","))
            } catch let error as AudioError {
                failed += 1
                FileHandle.standardError.write(Data("intone: error: \(error.description)\n".utf8))
            } catch {
                failed += 1
                FileHandle.standardError.write(Data("intone: error: \(file): \(error)\n".utf8))
            }
        }
        if failed > 0 { throw ExitCode(1) }
    }
}
