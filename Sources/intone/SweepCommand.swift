import ArgumentParser
import Foundation
import IntoneCluster
import IntoneLearning
import IntoneSweep

/// `intone sweep`: grid / random / halving search over classic classifiers.
struct SweepCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sweep",
        abstract: "Cross-validate classifier configurations on a feature store and keep the best.",
        discussion: """
        Expands the spec into trials (estimator × parameters × fold; folds grouped by speaker), runs them \
        on the local cores, and writes RUN_DIR/best.json (schema: docs/BEST-JSON.md), trials.csv, the \
        winner refitted on all development data as RUN_DIR/model (docs/MODEL-FORMAT.md), confusion.svg, \
        estimators.svg and report.md. Re-running with the same RUN_DIR runs only the missing trials; \
        adding grid points to the spec reuses every trial already done.

        Examples:
          intone sweep --spec data/sweeps/quick.yaml --store runs/store --out runs/sweep
          intone sweep --spec data/sweeps/seed-grid.yaml --store runs/store --out runs/seed --jobs 2
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

    @Option(name: .customLong("local-workers"), help: "Run trials on this many worker processes started on this machine (through the cluster protocol).")
    var localWorkers: Int?

    @Option(help: "Act as coordinator: bind this endpoint (e.g. tcp://*:5555) and run trials on the workers that connect.")
    var bind: String?

    @Option(name: .customLong("wait-for-workers"), help: "With --bind: seconds to wait for a first worker before giving up.")
    var waitForWorkers: Double = 120

    @OptionGroup var security: SecurityOptions

    @OptionGroup var logging: LoggingOptions

    func validate() throws {
        if jobs < 1 { throw ValidationError("--jobs must be at least 1.") }
        if let localWorkers, localWorkers < 1 { throw ValidationError("--local-workers must be at least 1.") }
        if localWorkers != nil && bind != nil { throw ValidationError("give --local-workers or --bind, not both.") }
    }

    func run() throws {
        let parsed: SweepSpec
        do { parsed = try SweepSpec.load(path: spec) } catch { throw CommandFailure(error.description) }
        // Parallelism comes from running trials side by side; one BLAS thread per trial keeps results
        // independent of --jobs.
        BLAS.setThreads(1)
        let logger = logging.makeLogger("intone.sweep")
        var executor: (any TrialExecutor)?
        var cluster: LocalCluster?
        if localWorkers != nil || bind != nil {
            do {
                let endpoint = bind ?? "tcp://127.0.0.1:*"
                let mode = try security.coordinator(bind: endpoint) { logger.warning("\($0)") }
                let shell = try CoordinatorShell(bind: endpoint, security: mode)
                shell.log = { [logger] in logger.info("\($0)") }
                executor = ClusterTrialExecutor(scheduler: shell, waitForWorkers: waitForWorkers)
                cluster = LocalCluster(shell: shell)
                if let localWorkers { try cluster!.startWorkers(localWorkers, quiet: logging.quiet) }
                logger.info("coordinator listening on \(shell.endpoint)")
            } catch let error as CommandFailure {
                throw error
            } catch {
                throw CommandFailure("cannot start the coordinator: \(error)")
            }
        }
        defer { cluster?.stop() }
        let progress = ProgressBar(total: 0, label: "sweep", enabled: logging.showsProgress)
        let started = Date()
        let best: BestArtifact
        do {
            best = try SweepRun(spec: parsed, storePath: store, runDirectory: out, jobs: jobs, executor: executor).run { done, total, _ in
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
