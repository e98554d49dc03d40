import ArgumentParser
import Foundation
import IntoneAudio
import IntoneFeatures
import IntoneFormats
import IntoneEngine
import Logging

/// `intone features`: one `.npy` of features per audio file.
struct FeaturesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "features",
        abstract: "Extract librosa-compatible features from audio files into .npy files.",
        discussion: """
        Each input gets one float32 .npy in --out named after its file name (call_0001.wav → call_0001.npy), \
        readable with numpy.load: rows × frames (e.g. 40 × 130 for 3 s of MFCC), or one vector of row means \
        with --summary mean. Defaults match librosa 0.11 (sr 22050, n_fft 2048, hop 512, 128 mels), \
        except --n-mfcc, which is 40.

        A file that cannot be read is reported on stderr and in the summary; the other files are still \
        written, and the exit status is 1.

        Examples:
          intone features --out feats/ calls/*.wav
          intone features --kind mel-db --summary none --frames 130 --offset 0.5 --duration 3 --out feats/ clip.flac
          intone features --kind chroma --sr 16000 --jobs 2 --out feats/ a.wav b.ogg
        """
    )

    @Option(help: "Folder for the .npy files (created if missing).")
    var out: String

    @Option(help: "Feature: \(FeatureKind.allCases.map(\.rawValue).joined(separator: ", ")).")
    var kind: FeatureKind = .mfcc

    @Option(help: "Resample to this rate in Hz before extracting (librosa's sr).")
    var sr: Int = 22_050

    @Option(help: "Seconds to skip at the start of each file.")
    var offset: Double = 0

    @Option(help: "Seconds to read from each file (default: to the end).")
    var duration: Double?

    @Option(name: .customLong("n-mfcc"), help: "MFCC coefficients.")
    var nMFCC: Int = 40

    @Option(name: .customLong("n-mels"), help: "Mel bands.")
    var nMels: Int = 128

    @Option(name: .customLong("n-fft"), help: "FFT length in samples.")
    var nFFT: Int = 2048

    @Option(name: .customLong("hop-length"), help: "Samples between frames.")
    var hopLength: Int = 512

    @Option(help: "mean: one vector of per-row means over time (classic models); none: the rows × frames matrix.")
    var summary: Summary = .mean

    @Option(help: "With --summary none: pad with zeros or cut to exactly this many frames (deep models).")
    var frames: Int?

    @Option(help: "Files processed at once (default: the number of cores).")
    var jobs: Int = ProcessInfo.processInfo.activeProcessorCount

    @Argument(help: "Audio files: WAV (any encoding), FLAC, Ogg Vorbis/Opus, MP3...")
    var files: [String]

    @OptionGroup var logging: LoggingOptions

    enum Summary: String, ExpressibleByArgument, CaseIterable {
        case mean, none
    }

    func validate() throws {
        if files.isEmpty { throw ValidationError("Give at least one audio file.") }
        if jobs < 1 { throw ValidationError("--jobs must be at least 1.") }
        if let frames, frames < 1 { throw ValidationError("--frames must be at least 1.") }
        if frames != nil && summary == .mean { throw ValidationError("--frames needs --summary none.") }
        do { try parameters.validate() } catch { throw ValidationError(error.description) }
    }

    var parameters: FeatureParameters {
        FeatureParameters(sampleRate: sr, stft: STFTParameters(nFFT: nFFT, hopLength: hopLength), nMels: nMels, nMFCC: nMFCC)
    }

    func run() throws {
        let logger = logging.makeLogger("intone.features")
        let extractor = try FeatureExtractor(parameters: parameters)
        do {
            try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)
        } catch {
            throw CommandFailure("cannot create output folder \(out): \(error.localizedDescription)")
        }
        let plan = OutputPlan(inputs: files, folder: out)
        let request = FeatureFileRequest(kind: kind, offset: offset, duration: duration,
                                         summary: summary == .mean, frames: frames)
        let progress = ProgressBar(total: files.count, label: "features", enabled: logging.showsProgress)
        let started = Date()
        let outcomes = LocalRunner.map(count: files.count, jobs: jobs) { i -> Result<String, FeatureFileError> in
            let result: Result<String, FeatureFileError>
            if let clash = plan.collisions[i] {
                result = .failure(FeatureFileError(file: files[i], reason: "output \(plan.outputs[i]) would overwrite the features of \(clash)"))
            } else {
                result = Result { () throws(FeatureFileError) in
                    try request.process(path: files[i], output: plan.outputs[i], extractor: extractor)
                    return plan.outputs[i]
                }
            }
            if case .failure(let error) = result {
                progress.finish()
                FileHandle.standardError.write(Data("intone: error: \(error.description)\n".utf8))
            }
            progress.advance(failed: (try? result.get()) == nil)
            return result
        }
        progress.finish()
        let failed = outcomes.filter { (try? $0.get()) == nil }.count
        let seconds = Date().timeIntervalSince(started)
        let shape = summary == .mean ? "mean of \(kind.rows(for: parameters)) rows" : "\(kind.rows(for: parameters)) rows × frames"
        let line = "features: \(files.count - failed) written, \(failed) failed (\(kind.rawValue), \(shape), sr \(sr) Hz) into \(out) in \(String(format: "%.2f", seconds)) s"
        logger.debug("finished", metadata: ["written": "\(files.count - failed)", "failed": "\(failed)"])
        print(line)
        if failed > 0 { throw ExitCode(1) }
    }
}

extension FeatureKind: ExpressibleByArgument {}
