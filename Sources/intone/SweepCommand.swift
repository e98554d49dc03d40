import ArgumentParser
import Foundation
import IntoneEngine
import IntoneLearning
import IntoneNeural
import IntoneSweep

/// `intone sweep`: grid / random / halving search over classic classifiers.
struct SweepCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sweep",
        abstract: "Cross-validate classifier and deep-network configurations on a feature store and keep the best.",
        discussion: """
        Expands the spec into trials (estimator × parameters × fold; folds grouped by speaker), runs them \
        on the local cores, and writes RUN_DIR/best.json (schema: docs/BEST-JSON.md), trials.csv, the \
        winner refitted on all development data as RUN_DIR/model (docs/MODEL-FORMAT.md), confusion.svg, \
        estimators.svg and report.md. Re-running with the same RUN_DIR runs only the missing trials; \
        adding grid points to the spec reuses every trial already done.

        Deep networks (cnn, cnn-lstm, default) in the spec train on the same speaker-grouped folds, \
        a rung of epochs at a time, each on `workers_per_trial` workers data-parallel (a ring of \
        cluster workers, or shards here), pruned across the sweep by the spec's `pruning:` rule \
        (asha, median). The best of each network is retrained as `intone train` would, and the \
        winner's model folder, classic or deep, is RUN_DIR/model. docs/SWEEPS.md has the details.

        Examples:
          intone sweep --spec data/sweeps/quick.yaml --store runs/store --out runs/sweep
          intone sweep --spec data/sweeps/seed-grid.yaml --store runs/store --out runs/seed --jobs 2
          intone sweep --spec data/sweeps/quick.yaml --store runs/store --out runs/sweep --local-workers 2
          intone sweep --spec data/sweeps/deep.yaml --store runs/store --out runs/deep --local-workers 2
          intone sweep --spec data/sweeps/seed-grid.yaml --store runs/store --out runs/seed --cluster tcp://10.0.0.1:5555 \\
              --key keys/me.key --coordinator-key keys/coordinator.pub
        """
    )

    @Option(help: "Sweep spec (YAML).")
    var spec: String

    @Option(help: "Feature store made by `intone extract`.")
    var store: String

    @Option(help: "Run directory (created; resumed if it holds this sweep).")
    var out: String

    @Option(help: "Trials run at once (default: the number of cores).")
    var jobs: Int = ProcessInfo.processInfo.activeProcessorCount

    @Option(name: .customLong("step-timeout"), help: "Deep trials on a ring: seconds a worker waits for its ring neighbour before the epoch is rolled back and the ring re-formed.")
    var stepTimeout: Double = 30

    @OptionGroup var placement: PlacementOptions

    @OptionGroup var logging: LoggingOptions

    func validate() throws {
        if jobs < 1 { throw ValidationError("--jobs must be at least 1.") }
        if !(stepTimeout > 0 && stepTimeout <= 86_400) { throw ValidationError("--step-timeout must be a positive number of seconds, at most 86400.") }
    }

    func run() throws {
        let parsed: SweepSpec
        do { parsed = try SweepSpec.load(path: spec) } catch { throw CommandFailure(error.description) }
        if placement.detach {
            var job = DetachedSubmission(command: "sweep")
            try job.inputOption("--spec", spec)
            try job.inputOption("--store", store)
            job.option("--out", "{out}")
            job.option("--jobs", jobs)
            job.option("--step-timeout", stepTimeout)
            try job.submit(placement, logging: logging, out: out)
            return
        }
        let runLock = try claimRunDirectory(out)
        defer { withExtendedLifetime(runLock) {} }
        // Parallelism comes from running trials side by side; one BLAS thread per trial keeps results
        // independent of --jobs.
        BLAS.setThreads(1)
        Parallelism.threads = 1
        let logger = logging.makeLogger("intone.sweep")
        let chosen = try placement.makePlacement(threads: jobs, logger: logger, quiet: logging.quiet, command: "sweep")
        defer { chosen.stop() }
        let progress = ProgressBar(total: 0, label: "sweep", enabled: logging.showsProgress)
        let started = Date()
        let best: BestArtifact
        do {
            var run = SweepRun(spec: parsed, storePath: store, runDirectory: out, jobs: jobs, placement: chosen.placement)
            run.waitForWorkers = placement.waitForWorkers
            run.stepTimeout = stepTimeout
            run.log = { [logger] in logger.info("\($0)") }
            best = try run.run { done, total, _ in
                progress.update(done: done, total: total, failed: 0)
            }
        } catch {
            progress.finish()
            throw CommandFailure(error.description)
        }
        progress.finish()
        let w = best.winner
        var line = "sweep: \(parsed.configurationCount) configuration(s) × \(parsed.folds) folds in \(String(format: "%.1f", Date().timeIntervalSince(started))) s; "
        line += "winner \(w.estimator) CV \(parsed.scoring.rawValue) \(String(format: "%.3f ± %.3f", w.cv.mean, w.cv.std))"
        if let t = w.test { line += String(format: ", test accuracy %.3f, UAR %.3f, macro F1 %.3f", t.accuracy, t.uar, t.macroF1) }
        print(line + "; see \(out)/report.md")
    }
}
