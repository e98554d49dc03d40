import ArgumentParser
import Foundation
import IntoneEngine
import IntoneLearning
import IntoneNeural
import IntoneTraining

/// `intone train`: a CNN or CNN-LSTM on MFCC frame sequences.
struct TrainCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "train",
        abstract: "Train a deep model (CNN, CNN-LSTM) on a feature store's MFCC frames.",
        discussion: """
        Reads the model and training settings from a YAML config (data/models/*.yaml; docs/TRAINING.md), \
        trains on the store's train split, watches the validation split (ReduceLROnPlateau, early \
        stopping, the best-validation-accuracy checkpoint) and scores the test split (held-out \
        speakers). Writes RUN_DIR/history.csv, metrics.json, model/ (for `intone predict` and \
        `intone score`), loss.svg, accuracy.svg, confusion.svg and report.md. An interrupted run \
        continues from its last finished epoch when the same command is run again.

        Data-parallel: with --local-workers, --bind or --cluster each global batch is cut into \
        --shards shards (default: the number of local workers, else 2) computed on the workers; \
        their gradients are averaged and one optimizer step is applied. The result depends on the \
        shard count, not on how many workers there are or which of them fail.

        Examples:
          intone train --config data/models/cnn-lstm.yaml --store runs/store --out runs/cnn-lstm
          intone train --config data/models/cnn.yaml --store runs/store --out runs/cnn --epochs 5
          intone train --config data/models/cnn-lstm.yaml --store runs/store --out runs/dp --local-workers 2
        """
    )

    @Option(help: "Model config (YAML).")
    var config: String

    @Option(help: "Feature store made by `intone extract` (MFCC).")
    var store: String

    @Option(help: "Run directory (created; resumed if it holds this config's run).")
    var out: String

    @Option(help: "Override the config's epochs.")
    var epochs: Int?

    @Option(help: "Override the config's seed.")
    var seed: UInt64?

    @Option(help: "BLAS threads for the products (default: the number of cores).")
    var threads: Int = ProcessInfo.processInfo.activeProcessorCount

    @Option(help: "Shards per global batch for data-parallel training (default: --local-workers, else 2 on a cluster, 1 alone).")
    var shards: Int?

    @Option(help: "How workers exchange gradients: ring (allreduce among the workers, each holding a replica) or coordinator (every step's shards through the coordinator).")
    var allreduce: AllreduceMode = .ring

    @Option(name: .customLong("step-timeout"), help: "Ring: seconds a worker waits for its ring neighbour before the epoch is rolled back and the ring re-formed.")
    var stepTimeout: Double = 30

    @Option(name: .customLong("check-every"), help: "Ring: steps between checks that every replica holds the same parameters (also at each epoch's end).")
    var checkEvery: Int = 50

    @Flag(name: .customLong("sync-batch-norm"), help: "Ring: batch normalisation over the whole global batch (statistics summed over the workers, as SyncBatchNorm), instead of each shard's own.")
    var syncBatchNorm = false

    @OptionGroup var placement: PlacementOptions

    @OptionGroup var logging: LoggingOptions

    func validate() throws {
        if let epochs, epochs < 1 { throw ValidationError("--epochs must be at least 1.") }
        if threads < 1 { throw ValidationError("--threads must be at least 1.") }
        if let shards, shards < 1 { throw ValidationError("--shards must be at least 1.") }
        if !(stepTimeout > 0 && stepTimeout <= 86_400) { throw ValidationError("--step-timeout must be a positive number of seconds, at most 86400.") }
        if checkEvery < 0 { throw ValidationError("--check-every must be 0 or more.") }
        if syncBatchNorm && (allreduce != .ring || !placement.isDistributed) {
            throw ValidationError("--sync-batch-norm needs workers on a ring: --local-workers or --bind (with --allreduce ring).")
        }
    }

    func run() throws {
        let runLock = try claimRunDirectory(out)
        defer { withExtendedLifetime(runLock) {} }
        var parsed: ModelConfig
        var text: String
        do {
            text = try String(contentsOfFile: config, encoding: .utf8)
            parsed = try ModelConfig.parse(text, file: config)
        } catch let error as ModelConfigError {
            throw CommandFailure(error.description)
        } catch {
            throw CommandFailure("\(config): cannot read (\(error.localizedDescription))")
        }
        // Overrides become part of the config text, so a resumed run must use the same ones.
        if let epochs { parsed.epochs = epochs; text += "\n# --epochs \(epochs)\n" }
        if let seed { parsed.seed = seed; text += "\n# --seed \(seed)\n" }
        // The shard count changes the arithmetic, so it is part of the run's identity too.
        let shardCount = shards ?? placement.localWorkers ?? (placement.isDistributed ? 2 : 1)
        if shardCount != 1 { text += "\n# --shards \(shardCount)\n" }
        if syncBatchNorm { text += "\n# --sync-batch-norm\n" }
        let logger = logging.makeLogger("intone.train")
        let chosen = try placement.makePlacement(threads: threads, logger: logger, quiet: logging.quiet, command: "train")
        defer { chosen.stop() }
        // Alone, the training loop runs here and its products use the cores; with workers, each
        // computes its shards on one thread.
        let workers: (any Placement)? = chosen.placement.traits.inProcess ? nil : chosen.placement
        BLAS.setThreads(workers == nil ? threads : 1)
        Parallelism.threads = workers == nil ? threads : 1
        let progress = ProgressBar(total: parsed.epochs, label: "train \(parsed.name)", enabled: logging.showsProgress)
        let quiet = logging.quiet, showsProgress = logging.showsProgress
        var run = TrainingRun(config: parsed, configText: text, storePath: store, runDirectory: out)
        run.shards = shardCount
        run.computer = workers.map { PlacedGradientComputer(placement: $0) }
        if allreduce == .ring, let workers {
            let ring = RingEpochRunner(placement: workers, waitForWorkers: placement.waitForWorkers, stepTimeout: stepTimeout,
                                       checkEvery: checkEvery, syncBatchNorm: syncBatchNorm, log: { [logger] in logger.info("\($0)") })
            ring.expectedWorkers = placement.localWorkers
            run.replicas = ring
        }
        let metrics: TrainingRun.Metrics
        do {
            metrics = try run.run(epochEnded: { r in
                progress.update(done: r.epoch, total: parsed.epochs, failed: 0)
                if !quiet && !showsProgress {
                    var line = String(format: "epoch %d/%d: loss %.4f, accuracy %.4f, val_loss %.4f, val_accuracy %.4f, lr %g (%.1f s",
                                      r.epoch, parsed.epochs, r.loss, r.accuracy, r.valLoss, r.valAccuracy, r.lr, r.seconds)
                    if let c = r.computeSeconds, let x = r.communicationSeconds, let k = r.replicas {
                        line += String(format: "; %d replica(s): compute %.2f s, communication %.2f s", k, c, x)
                    }
                    print(line + ")")
                }
            })
        } catch {
            progress.finish()
            throw CommandFailure(error.description)
        }
        progress.finish()
        var line = "train: \(metrics.model), \(metrics.epochs) epoch(s), best epoch \(metrics.bestEpoch); "
        line += String(format: "validation accuracy %.3f, UAR %.3f", metrics.validation.accuracy, metrics.validation.uar)
        if let t = metrics.test { line += String(format: "; test accuracy %.3f, UAR %.3f, macro F1 %.3f", t.accuracy, t.uar, t.macroF1) }
        print(line + "; see \(out)/report.md")
    }
}

/// How data-parallel workers exchange gradients.
enum AllreduceMode: String, ExpressibleByArgument, CaseIterable {
    case ring, coordinator
}
