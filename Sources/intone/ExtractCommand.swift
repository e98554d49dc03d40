import ArgumentParser
import Foundation
import IntoneEngine
import IntoneCorpus
import IntoneFeatures

/// `intone extract`: a feature store from labelled audio.
struct ExtractCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "extract",
        abstract: "Decode, split by speaker, augment and extract features into a feature store.",
        discussion: """
        Writes STORE/manifest.csv (path,corpus,speaker,label,source_label,split,augmentation,sha256,features,frames), \
        STORE/features/**/*.npy (float32 MFCC, 40 × frames, unpadded; 43 rows with --features mfcc-prosody, 88 × 1 with egemaps, 128 rows with mfcc-egemaps), STORE/params.json, STORE/errors.csv and \
        STORE/skipped.csv. Re-running computes only what is missing; a store made with other feature \
        parameters is refused. Splits are speaker-independent unless --split random is given. With \
        --local-workers, --bind or --cluster the decoding and feature computation run on cluster workers \
        (the audio is shipped to them unless --shared-path) and the store is written here, identical to a \
        local run's.

        Examples:
          intone extract --data data/generated/small --out runs/store
          intone extract --data ~/corpora/Crema --data ~/corpora/Tess --out store --augment --jobs 2
          intone extract --data ~/corpora/Crema --out phone-store --channel telephone
          intone extract --data ~/corpora/Crema --out prosody-store --features mfcc-prosody
          intone extract --data ~/corpora/Crema --out egemaps-store --features egemaps --channel telephone
          intone extract --data data/generated/small --out runs/store --local-workers 2
          intone extract --data ~/corpora/Crema --out store --cluster tcp://10.0.0.1:5555 --key keys/me.key --coordinator-key keys/coordinator.pub
        """
    )

    @Option(name: .customLong("data"), help: "A folder or CSV manifest of labelled audio (repeatable).")
    var data: [String]

    @Option(help: "The feature store folder (created if missing; resumed if present).")
    var out: String

    @Flag(help: "Add augmented copies of training examples (noise 15-30 dB SNR, shift ±10%, stretch 0.8-1.2, pitch ±2-4 semitones), seeded.")
    var augment = false

    @Option(help: "The channel the models will hear: studio (the default: the recordings as they are), telephone (also a G.711 mu-law and an A-law copy of each training example through the 300-3,400 Hz band with line noise at 15-35 dB SNR, seeded), for models that score phone calls, or telephone-gsm (those and a third copy coded with GSM 06.10, as mobile calls are).")
    var channel: Channel = .studio

    enum Channel: String, ExpressibleByArgument, CaseIterable {
        case studio, telephone
        case telephoneGSM = "telephone-gsm"
    }

    @Option(help: "Files processed at once (default: the number of cores).")
    var jobs: Int = ProcessInfo.processInfo.activeProcessorCount

    @Option(help: "Seed of the split and of augmentation.")
    var seed: UInt64 = 0

    @Option(help: "speaker (no speaker in two splits; default) or random (the seed tool's leaky 60/20/20 split).")
    var split: SplitChoice = .speaker

    @Option(help: "Seconds skipped at the start of each file.")
    var offset: Double = 0.5

    @Option(help: "Seconds read from each file.")
    var duration: Double = 3.0

    @Option(name: .customLong("n-mfcc"), help: "MFCC coefficients.")
    var nMFCC: Int = 40

    @Option(help: "The feature set stored per example: mfcc (the default: n_mfcc rows), mfcc-prosody (the MFCC rows and 3 prosody rows: F0 in semitones by pYIN, voicing probability, level in dB), prosody (the 3 rows alone), egemaps (the 88 eGeMAPSv02 functionals of the clip: 88 × 1, classic models only) or mfcc-egemaps (the MFCC rows, then the 88 functionals on every frame).")
    var features: FeatureKind = .mfcc

    @Flag(name: .customLong("no-calm-fold"), help: "Do not count RAVDESS calm as neutral (skip it instead).")
    var noCalmFold = false

    @OptionGroup var placement: PlacementOptions

    @OptionGroup var logging: LoggingOptions

    enum SplitChoice: String, ExpressibleByArgument, CaseIterable { case speaker, random }

    /// `--detach`: the data folders are uploaded and the coordinator runs the extraction.
    private func submitDetached() throws {
        var job = DetachedSubmission(command: "extract")
        for d in data {
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: d, isDirectory: &isDirectory), !isDirectory.boolValue {
                throw CommandFailure("\(d): --detach uploads folders of audio, and a manifest names its files by path; give the folder that holds them")
            }
            try job.inputOption("--data", d)
        }
        job.option("--out", "{out}")
        job.flag("--augment", augment)
        job.option("--channel", channel.rawValue)
        job.option("--jobs", jobs)
        job.option("--seed", seed)
        job.option("--split", split.rawValue)
        job.option("--offset", offset)
        job.option("--duration", duration)
        job.option("--n-mfcc", nMFCC)
        job.option("--features", features.rawValue)
        job.flag("--no-calm-fold", noCalmFold)
        try job.submit(placement, logging: logging, out: out)
    }

    func validate() throws {
        if data.isEmpty { throw ValidationError("Give at least one --data folder or manifest.") }
        if jobs < 1 { throw ValidationError("--jobs must be at least 1.") }
        if !(duration > 0) { throw ValidationError("--duration must be positive.") }
        if offset < 0 { throw ValidationError("--offset must not be negative.") }
        if !FeatureKind.storable.contains(features) {
            throw ValidationError("--features must be one of \(FeatureKind.storable.map(\.rawValue).joined(separator: ", ")) (\(features.rawValue) is for `intone features`).")
        }
    }

    /// The copies `--augment` and `--channel` ask for, if any.
    var augmentationPolicy: AugmentationPolicy? {
        switch (augment, channel) {
        case (false, .studio): return nil
        case (true, .studio): return .standard
        case (false, .telephone): return .telephone
        case (true, .telephone): return AugmentationPolicy.standard.withTelephoneCopies
        case (false, .telephoneGSM): return .telephoneWithGSM
        case (true, .telephoneGSM):
            var p = AugmentationPolicy.standard.withTelephoneCopies
            p.gsmSNR = AugmentationPolicy.telephoneWithGSM.gsmSNR
            return p
        }
    }

    func run() throws {
        if placement.detach { return try submitDetached() }
        let runLock = try claimRunDirectory(out)
        defer { withExtendedLifetime(runLock) {} }
        let logger = logging.makeLogger("intone.extract")
        let (catalogue, _) = CatalogueScanner.scan(data, foldCalm: !noCalmFold)
        logger.debug("catalogue: \(catalogue.recordings.count) recordings, \(catalogue.skipped.count) skipped")
        if catalogue.recordings.isEmpty {
            throw CommandFailure("no labelled recordings found in \(data.joined(separator: ", ")); see `intone corpus scan`")
        }
        let parameters = FeatureStoreParameters(kind: features, features: FeatureParameters(nMFCC: nMFCC), offset: offset, duration: duration)
        let strategy: SplitStrategy = split == .speaker ? .default : .random()
        let chosen = try placement.makePlacement(threads: jobs, logger: logger, quiet: logging.quiet, command: "extract")
        defer { chosen.stop() }
        let job = FeatureExtractionJob(store: out, parameters: parameters, split: strategy, seed: seed,
                                       augmentation: augmentationPolicy, placement: chosen.placement)
        let progress = ProgressBar(total: 0, label: "extract", enabled: logging.showsProgress)
        let started = Date()
        let summary: FeatureExtractionJob.Summary
        do {
            summary = try job.run(catalogue: catalogue, jobs: jobs) { done, total, failed in
                progress.update(done: done, total: total, failed: failed)
            }
        } catch {
            progress.finish()
            throw CommandFailure(error.description)
        }
        progress.finish()
        let seconds = Date().timeIntervalSince(started)
        let splits = SplitName.allCases.map { "\($0.rawValue) \(summary.perSplit[$0] ?? 0)" }.joined(separator: ", ")
        print("extract: \(summary.rows) examples in \(out) (\(splits)); \(summary.computed) computed, \(summary.reused) reused, "
              + "\(summary.failed) failed (errors.csv), \(summary.skipped) skipped (skipped.csv) in \(String(format: "%.1f", seconds)) s")
        if summary.failed > 0 { throw ExitCode(1) }
    }
}
