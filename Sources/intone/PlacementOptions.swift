import ArgumentParser
import Foundation
import IntoneCluster
import IntoneEngine
import Logging

/// Where a job's tasks run, the one options group of every job command (`extract`, `sweep`,
/// `score`, `train`): threads of this process (the default), worker processes started here
/// (`--local-workers`), workers that connect to this process (`--bind`), or a running `intone
/// coordinator` (`--cluster`). The command describes its job once; this chooses the placement.
struct PlacementOptions: ParsableArguments {
    @Option(name: .customLong("local-workers"), help: "Run the tasks on this many worker processes started on this machine (through the cluster protocol).")
    var localWorkers: Int?

    @Option(help: "Act as coordinator: bind this endpoint (e.g. tcp://*:5555) and run the tasks on the workers that connect.")
    var bind: String?

    @Option(help: "Send the tasks to a running `intone coordinator` at this endpoint (e.g. tcp://10.0.0.1:5555); results are written here.")
    var cluster: String?

    @Option(name: .customLong("wait-for-workers"), help: "With --bind or --cluster: seconds to wait for a worker before giving up.")
    var waitForWorkers: Double = 120

    @Option(help: "With --cluster: this job's weight in the coordinator's fair share (2: twice the slots of a job of priority 1 while both have work).")
    var priority: Double = 1

    @Option(name: .customLong("max-slots"), help: "With --cluster: at most this many of this job's tasks run at once.")
    var maxSlots: Int?

    @Flag(help: "With --cluster: hand the job to the coordinator and return at once. Its inputs are uploaded, the coordinator runs it (and runs it again after a restart), and `intone jobs fetch NAME --out DIR` copies its results here later.")
    var detach = false

    @Option(name: .customLong("job-name"), help: "With --cluster: this job's name on the coordinator (default client-HOST-PID, or COMMAND-DATE-TIME-XXXX with --detach): letters, digits, '-', '_', '.'.")
    var jobName: String?

    @Flag(name: .customLong("shared-path"), help: "With workers on other hosts: they see the audio at the same paths (a common mount), so it is not shipped to them.")
    var sharedPath = false

    @OptionGroup var security: SecurityOptions

    func validate() throws {
        if let localWorkers, localWorkers < 1 { throw ValidationError("--local-workers must be at least 1.") }
        if [localWorkers != nil, bind != nil, cluster != nil].filter({ $0 }).count > 1 {
            throw ValidationError("give one of --local-workers, --bind and --cluster.")
        }
        if !(priority > 0 && priority.isFinite && priority <= 1_000_000) { throw ValidationError("--priority must be a positive number (at most 1000000).") }
        if let maxSlots, maxSlots < 1 { throw ValidationError("--max-slots must be at least 1.") }
        if (priority != 1 || maxSlots != nil) && cluster == nil { throw ValidationError("--priority and --max-slots are for jobs sent with --cluster.") }
        if (detach || jobName != nil) && cluster == nil { throw ValidationError("--detach and --job-name are for jobs sent with --cluster.") }
        if let jobName, !HostedJob.isValidName(jobName) { throw ValidationError("--job-name must be letters, digits, '-', '_' and '.' (at most 128, not starting with '.').") }
    }

    /// Whether tasks leave this process.
    var isDistributed: Bool { localWorkers != nil || bind != nil || cluster != nil }

    /// The placement chosen, and what to stop when the job ends (the coordinator and workers of
    /// `--local-workers` / `--bind`).
    struct Chosen {
        let placement: any Placement
        let localCluster: LocalCluster?

        func stop() { localCluster?.stop() }
    }

    /// The placement for these options; `threads` threads of this process when none is chosen.
    func makePlacement(threads: Int, logger: Logger, quiet: Bool, command: String? = nil) throws -> Chosen {
        if let cluster {
            let mode = try security.worker(connect: cluster) { logger.warning("\($0)") }
            let client = ClusterClient(connect: cluster, security: mode, name: jobName, share: JobShare(priority: priority, maxSlots: maxSlots),
                                       command: command)
            client.log = { [logger] in logger.info("\($0)") }
            return Chosen(placement: ClusterPlacement(scheduler: client, waitForWorkers: waitForWorkers, sharesFiles: sharedPath), localCluster: nil)
        }
        guard localWorkers != nil || bind != nil else {
            return Chosen(placement: ThreadPlacement(threads: threads, registry: TaskKinds.registry()), localCluster: nil)
        }
        do {
            let endpoint = bind ?? "tcp://127.0.0.1:*"
            let mode = try security.coordinator(bind: endpoint) { logger.warning("\($0)") }
            let shell = try CoordinatorShell(bind: endpoint, security: mode)
            shell.log = { [logger] in logger.info("\($0)") }
            let local = LocalCluster(shell: shell)
            if let localWorkers { try local.startWorkers(localWorkers, quiet: quiet) }
            logger.info("coordinator listening on \(shell.endpoint)")
            // Workers on this machine see every file; elsewhere the audio travels unless --shared-path.
            return Chosen(placement: ClusterPlacement(scheduler: shell, waitForWorkers: waitForWorkers, sharesFiles: sharedPath || localWorkers != nil),
                          localCluster: local)
        } catch let error as CommandFailure {
            throw error
        } catch {
            throw CommandFailure("cannot start the coordinator: \(error)")
        }
    }
}
