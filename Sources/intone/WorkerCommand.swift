import ArgumentParser
import Foundation
import IntoneCluster
import IntoneEngine
import IntoneLearning
import IntoneTraining

/// `intone worker`: runs tasks for a coordinator.
struct WorkerCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "worker",
        abstract: "Run tasks for a coordinator (reconnects by itself if the coordinator goes away).",
        discussion: """
        Connects to the coordinator, announces its cores, runs up to --jobs tasks at once and sends \
        the results back, with heartbeats both ways. Needs no shared files: the data a task needs is \
        shipped once and cached. Stops when the coordinator says the job is finished.

        Examples:
          intone worker --connect tcp://10.0.0.1:5555 --jobs 2
          intone worker --connect tcp://127.0.0.1:5555 --name host7
        """
    )

    @Option(help: "The coordinator's endpoint, e.g. tcp://10.0.0.1:5555.")
    var connect: String

    @Option(help: "Tasks run at once (default: the number of cores).")
    var jobs: Int = ProcessInfo.processInfo.activeProcessorCount

    @Option(help: "Name shown by the coordinator (default: host name and process id).")
    var name: String?

    @Option(name: .customLong("ring-bind"), help: "Endpoint for ring allreduce with other workers (data-parallel training); tcp://*:* picks a free port. Default tcp://*:* with keys (CurveZMQ), tcp://127.0.0.1:* without.")
    var ringBind: String?

    @Option(help: "Host or address other workers reach this one at (default: this machine's address on the route to the coordinator).")
    var advertise: String?

    @Option(name: .customLong("fault-perturb-after-step"),
            help: ArgumentHelp("Fault injection for tests: nudge one parameter of this worker's replica after this step of every epoch.", visibility: .hidden))
    var faultPerturbAfterStep: Int?

    @Flag(name: .customLong("fault-forget-replica"),
          help: ArgumentHelp("Fault injection for tests: keep no replica between epochs, as a worker restarted under the same name.", visibility: .hidden))
    var faultForgetReplica = false

    @Option(help: ArgumentHelp("Stop when the process with this id exits (for workers started by --local-workers).", visibility: .hidden))
    var parent: Int32?

    @OptionGroup var security: SecurityOptions

    @OptionGroup var logging: LoggingOptions

    func run() throws {
        if let parent {
            // A worker started for one job must not outlive the job's process.
            Thread.detachNewThread {
                while kill(parent, 0) == 0 { Thread.sleep(forTimeInterval: 0.5) }
                Foundation.exit(0)
            }
        }
        let logger = logging.makeLogger("intone.worker")
        BLAS.setThreads(1)
        let mode = try security.worker(connect: connect) { logger.warning("\($0)") }
        var keys: CurveKeyPair?
        if case .curve(let client, _) = mode { keys = client }
        // Without keys ring traffic is plaintext: on loopback only, unless asked for otherwise.
        // (An address to advertise says the peers are elsewhere: then every interface.)
        let ringEndpoint = ringBind ?? (keys == nil && !security.insecure && advertise == nil ? "tcp://127.0.0.1:*" : "tcp://*:*")
        if keys == nil, !CoordinatorSecurity.isLocalOnly(ringEndpoint) {
            logger.warning("WARNING: the ring endpoint \(ringEndpoint) has no keys: gradients travel unencrypted and any host that reaches it can send to it")
        }
        let ring: RingLink?
        do {
            ring = try RingLink(bind: ringEndpoint, advertiseHost: advertise, coordinator: connect, keys: keys)
        } catch {
            logger.warning("no ring allreduce on this worker (\(error.description)); data-parallel training will exchange through the coordinator")
            ring = nil
        }
        let registry = TaskKinds.registry(faults: ReplicaFaults(perturbAfterStep: faultPerturbAfterStep, forgetKeptReplica: faultForgetReplica))
        let worker = WorkerShell(connect: connect, name: name ?? "\(ProcessInfo.processInfo.hostName)-\(getpid())", jobs: jobs,
                                 security: mode, registry: registry, context: TaskContext(gang: ring))
        worker.ringEndpoint = ring?.advertised
        worker.log = { logger.info("\($0)") }
        do {
            let reason = try worker.run()
            logger.info("worker stopping: \(reason)")
        } catch {
            FileHandle.standardError.write(Data("intone: error: \(error.description)\n".utf8))
            throw ExitCode(1)
        }
    }
}
