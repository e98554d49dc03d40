import ArgumentParser
import Foundation
import IntoneCluster
import Logging

/// Where a job's tasks run, shared by `extract` and `sweep`: on local threads (the default), on
/// worker processes started here (`--local-workers`), on workers that connect to this process
/// (`--bind`), or through a running `intone coordinator` (`--cluster`).
struct ClusterOptions: ParsableArguments {
    @Option(name: .customLong("local-workers"), help: "Run the tasks on this many worker processes started on this machine (through the cluster protocol).")
    var localWorkers: Int?

    @Option(help: "Act as coordinator: bind this endpoint (e.g. tcp://*:5555) and run the tasks on the workers that connect.")
    var bind: String?

    @Option(help: "Send the tasks to a running `intone coordinator` at this endpoint (e.g. tcp://10.0.0.1:5555); results are written here.")
    var cluster: String?

    @Option(name: .customLong("wait-for-workers"), help: "With --bind or --cluster: seconds to wait for a worker before giving up.")
    var waitForWorkers: Double = 120

    @OptionGroup var security: SecurityOptions

    func validate() throws {
        if let localWorkers, localWorkers < 1 { throw ValidationError("--local-workers must be at least 1.") }
        if [localWorkers != nil, bind != nil, cluster != nil].filter({ $0 }).count > 1 {
            throw ValidationError("give one of --local-workers, --bind and --cluster.")
        }
    }

    /// Whether tasks leave this process.
    var isDistributed: Bool { localWorkers != nil || bind != nil || cluster != nil }

    /// The scheduler for the chosen placement (nil: local threads) and, for `--local-workers` /
    /// `--bind`, the coordinator to stop when the job ends.
    func makeScheduler(logger: Logger, quiet: Bool) throws -> (scheduler: (any TaskScheduler)?, coordinator: LocalCluster?) {
        if let cluster {
            let mode = try security.worker(connect: cluster) { logger.warning("\($0)") }
            let client = ClusterClient(connect: cluster, security: mode)
            client.log = { [logger] in logger.info("\($0)") }
            return (client, nil)
        }
        guard localWorkers != nil || bind != nil else { return (nil, nil) }
        do {
            let endpoint = bind ?? "tcp://127.0.0.1:*"
            let mode = try security.coordinator(bind: endpoint) { logger.warning("\($0)") }
            let shell = try CoordinatorShell(bind: endpoint, security: mode)
            shell.log = { [logger] in logger.info("\($0)") }
            let local = LocalCluster(shell: shell)
            if let localWorkers { try local.startWorkers(localWorkers, quiet: quiet) }
            logger.info("coordinator listening on \(shell.endpoint)")
            return (shell, local)
        } catch let error as CommandFailure {
            throw error
        } catch {
            throw CommandFailure("cannot start the coordinator: \(error)")
        }
    }
}
