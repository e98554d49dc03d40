import ArgumentParser
import Foundation
import IntoneEngine
import IntoneLearning
import IntoneScoring
import IntoneModels

/// `intone score`: emotion through archived calls, window by window.
struct ScoreCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "score",
        abstract: "Score archived calls in windows with a model: per-window and per-call emotion.",
        discussion: """
        Takes files, folders (searched recursively) and CSV manifests (a `path` column). Each call is \
        read in chunks (memory stays bounded whatever its length), resampled to the model's rate, cut \
        into windows (default: the model's clip length with a 1 s hop), silent windows skipped by an \
        energy voice-activity detector, and every window scored with the model.

        Writes OUT/windows.jsonl and OUT/windows.csv (file, channel, start, end, label, one \
        probability per class), OUT/calls.csv (duration, speech, windows, dominant emotion, share of \
        each emotion, longest negative run in seconds, emotion changes) and OUT/errors.csv (file, \
        reason). Finished calls are kept in OUT/results; re-running the same command skips them. \
        With --local-workers, --bind or --cluster, calls are spread over workers, and long calls are \
        split into time ranges; the scores are identical to a single-process run. The model is \
        shipped to the workers, and so is the audio (decoded here, a time range per task, in rounds of \
        at most 256 MB) unless --shared-path says they see it at the same paths.

        Examples:
          intone score --model runs/sweep/model --out runs/scores calls/
          intone score --model runs/sweep/model --out runs/scores --channels split --local-workers 2 archive.csv
        """
    )

    @Flag(help: "Also draw each call's emotion over time as OUT/timelines/<call>.svg.")
    var timelines = false

    @Option(help: "A model folder (RUN_DIR/model from `intone sweep`).")
    var model: String

    @Option(help: "Output folder (created; resumed if present).")
    var out: String

    @Option(help: "Window length in seconds (default: the model's training clip length).")
    var window: Double?

    @Option(help: "Seconds between window starts (rounded to a whole number of the model's STFT frames, so windows share them).")
    var hop: Double = 1

    @Flag(name: .customLong("no-vad"), help: "Score every window, silent or not.")
    var noVAD = false

    @Option(name: .customLong("vad-threshold"), help: "Speech level in dB below full scale (20 ms frames).")
    var vadThreshold: Double = -45

    @Option(help: "mix (score the channels mixed) or split (score each channel: agent / customer).")
    var channels: ChannelChoice = .mix

    @Option(name: .customLong("chunk-windows"), help: ArgumentHelp("Windows per chunk (a call is decoded and resampled chunk by chunk; results depend on it).", visibility: .hidden))
    var chunkWindows: Int = 60

    @Option(name: .customLong("min-confidence"), help: "Label a window `uncertain` when its most probable class is below this probability (0, the default: never); calls.csv then has a share_uncertain column and counts such windows toward no emotion.")
    var minConfidence: Double = 0

    @Option(help: "Temporal smoothing of the window labels: viterbi (an HMM pass over each call; windows.csv then has raw_label) or none. Default: the model folder's smoothing.json, else none.")
    var smoothing: SmoothingChoice?

    @Option(help: "With --smoothing viterbi: probability that a window keeps the previous window's emotion (default: the model folder's, else 0.9).")
    var stay: Double?

    @Option(help: "Windows scored at once on this machine (default: the number of cores).")
    var jobs: Int = ProcessInfo.processInfo.activeProcessorCount

    @OptionGroup var placement: PlacementOptions

    @OptionGroup var logging: LoggingOptions

    @Argument(help: "Audio files, folders or CSV manifests.")
    var inputs: [String]

    enum ChannelChoice: String, ExpressibleByArgument, CaseIterable { case mix, split }
    enum SmoothingChoice: String, ExpressibleByArgument, CaseIterable { case viterbi, none }

    /// `--detach`: the model folder and the recordings are uploaded and the coordinator scores them.
    private func submitDetached() throws {
        var job = DetachedSubmission(command: "score")
        try job.inputOption("--model", model)
        job.option("--out", "{out}")
        job.flag("--timelines", timelines)
        job.option("--window", window)
        job.option("--hop", hop)
        job.flag("--no-vad", noVAD)
        job.option("--vad-threshold", vadThreshold)
        job.option("--channels", channels.rawValue)
        job.option("--chunk-windows", chunkWindows)
        job.option("--min-confidence", minConfidence)
        job.option("--smoothing", smoothing?.rawValue)
        job.option("--stay", stay)
        job.option("--jobs", jobs)
        var recordings: [String] = []
        for input in inputs {
            if (input as NSString).pathExtension.lowercased() == "csv" {
                throw CommandFailure("\(input): --detach uploads audio files and folders, and a manifest names its files by path; give the files or their folder")
            }
            recordings.append(try job.input(input))
        }
        for r in recordings { job.positional(r) }
        try job.submit(placement, logging: logging, out: out)
    }

    func validate() throws {
        if inputs.isEmpty { throw ValidationError("give at least one file, folder or manifest") }
        if let window, !(window > 0) { throw ValidationError("--window must be positive.") }
        if !(hop > 0) { throw ValidationError("--hop must be positive.") }
        if jobs < 1 { throw ValidationError("--jobs must be at least 1.") }
        if chunkWindows < 1 { throw ValidationError("--chunk-windows must be at least 1.") }
        if !(minConfidence >= 0 && minConfidence <= 1) { throw ValidationError("--min-confidence must be a probability from 0 to 1.") }
        if let stay, let problem = WindowSmoothing.problem(stay: stay) { throw ValidationError("--stay: \(problem).") }
        if stay != nil && smoothing == SmoothingChoice.none { throw ValidationError("--stay needs --smoothing viterbi (or a model folder with smoothing.json).") }
    }

    func run() throws {
        if placement.detach { return try submitDetached() }
        let runLock = try claimRunDirectory(out)
        defer { withExtendedLifetime(runLock) {} }
        let logger = logging.makeLogger("intone.score")
        // Parallelism comes from scoring chunks side by side; the model's products are small.
        BLAS.setThreads(1)
        let loaded: LoadedModel
        do { loaded = try ModelArchive.load(path: model) } catch { throw CommandFailure(error.description) }
        let parameters = ScoringParameters(window: window ?? loaded.features.store.duration ?? 3, hop: hop, vad: !noVAD,
                                           vadThresholdDB: vadThreshold, splitChannels: channels == .split,
                                           windowsPerChunk: chunkWindows)
        if let problem = parameters.problem { throw CommandFailure(problem) }
        let chosen = try placement.makePlacement(threads: jobs, logger: logger, quiet: logging.quiet, command: "score")
        defer { chosen.stop() }
        var job = ScoringJob(modelPath: model, outDirectory: out, parameters: parameters, placement: chosen.placement)
        job.timelines = timelines
        job.minConfidence = minConfidence
        let kept: WindowSmoothing?
        do { kept = try WindowSmoothing.load(modelFolder: model) } catch { throw CommandFailure(error.description) }
        switch smoothing {
        case .none?: job.smoothing = nil
        case .viterbi?: job.smoothing = WindowSmoothing(stay: stay ?? kept?.stay ?? 0.9)
        case nil:
            if kept == nil && stay != nil { throw CommandFailure("--stay needs --smoothing viterbi (\(model) has no smoothing.json)") }
            job.smoothing = kept.map { WindowSmoothing(stay: stay ?? $0.stay) }
        }
        job.model = loaded
        let progress = ProgressBar(total: 0, label: "score", enabled: logging.showsProgress)
        let started = Date()
        let summary: ScoringJob.Summary
        do {
            summary = try job.run(inputs: inputs, jobs: jobs) { done, total, audio in
                let hours = audio / 3600
                progress.label = String(format: "score %.2f h, %.2f h/s", hours, hours / max(Date().timeIntervalSince(started), 1e-3))
                progress.update(done: done, total: total, failed: 0)
            }
        } catch {
            progress.finish()
            throw CommandFailure(error.description)
        }
        progress.finish()
        let seconds = Date().timeIntervalSince(started)
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        print(String(format: "score: %d call(s): %d scored, %d already done, %d failed (errors.csv); %d windows; %.2f h of audio in %.1f s; peak memory %.0f MB; see %@/calls.csv",
                     summary.files, summary.scored, summary.reused, summary.failed, summary.windows, summary.audioSeconds / 3600, seconds,
                     Double(usage.ru_maxrss) / 1024, out))
        if summary.failed > 0 { throw ExitCode(1) }
    }
}
