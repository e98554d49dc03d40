import ArgumentParser
import Foundation
import IntoneCluster
import IntoneFormats

/// `intone jobs list|show|cancel`: what a shared coordinator is running, and stopping a job.
struct JobsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "jobs",
        abstract: "List, show or cancel the jobs on a running coordinator.",
        discussion: """
        A job is a process that sent tasks with --cluster (named client-HOST-PID unless --job-name \
        says otherwise); its tasks are counted over all its connections. A job sent with --cluster \
        --detach runs on the coordinator's host (named COMMAND-DATE-TIME-XXXX): its state is queued, \
        running, finished, failed or cancelled, and `fetch` copies its run directory once it ended. \
        The table and the detached jobs are journaled (RUN_DIR/jobs.sqlite) and survive a restart. Connects as a client with the \
        same --key / --coordinator-key as jobs and workers, so the coordinator's allow-list decides \
        who may look and cancel.

        Examples:
          intone jobs list --coordinator tcp://10.0.0.1:5555 --key keys/me.key --coordinator-key keys/coordinator.pub
          intone jobs show client-gpu3-4121 --coordinator ipc:///tmp/intone.sock
          intone jobs cancel client-gpu3-4121 --coordinator ipc:///tmp/intone.sock
          intone jobs fetch sweep-20261204-213000-1a2b --coordinator ipc:///tmp/intone.sock --out runs/seed
        """,
        subcommands: [JobsListCommand.self, JobsShowCommand.self, JobsCancelCommand.self, JobsFetchCommand.self]
    )
}

/// Where the coordinator is and how to reach it.
struct CoordinatorOptions: ParsableArguments {
    @Option(help: "The coordinator's endpoint (tcp://HOST:PORT or ipc://PATH).")
    var coordinator: String

    @Option(help: "Seconds to wait for the coordinator's answer.")
    var timeout: Double = 10

    @OptionGroup var security: SecurityOptions

    func client() throws -> ClusterClient {
        let mode = try security.worker(connect: coordinator) { FileHandle.standardError.write(Data("intone: \($0)\n".utf8)) }
        return ClusterClient(connect: coordinator, security: mode, name: "jobs-\(ProcessInfo.processInfo.hostName)-\(getpid())")
    }

    func validate() throws {
        if !(timeout > 0 && timeout.isFinite) { throw ValidationError("--timeout must be a positive number of seconds.") }
    }
}

/// The table's lines, aligned.
func jobLines(_ table: JobTable) -> [String] {
    let header = ["job", "state", "connections", "pending", "running", "done", "abandoned", "withdrawn"]
    let rows = table.jobs.map { j in [j.name, j.state, String(j.connections), String(j.pending), String(j.running), String(j.done),
                                      String(j.abandoned), String(j.withdrawn)] }
    let widths = header.indices.map { c in ([header] + rows).map { $0[c].count }.max() ?? 0 }
    func line(_ r: [String]) -> String {
        r.enumerated().map { c, v in c == 0 ? v.padding(toLength: widths[c], withPad: " ", startingAt: 0) : String(repeating: " ", count: widths[c] - v.count) + v }
            .joined(separator: "  ")
    }
    return [line(header)] + rows.map(line) + ["\(table.jobs.count) job(s); \(table.workers) worker(s), \(table.slots) slot(s)"]
}

struct JobsListCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "Every job that sent tasks to the coordinator, with its tasks by state.")

    @OptionGroup var options: CoordinatorOptions

    func run() throws {
        let table: JobTable
        do { table = try options.client().jobTable(timeout: options.timeout) } catch let e as ClusterError { throw CommandFailure(e.description) }
        for l in jobLines(table) { print(l) }
    }
}

struct JobsShowCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "show", abstract: "One job's tasks by state, as JSON.")

    @Argument(help: "The job's name (from `intone jobs list`).")
    var job: String

    @OptionGroup var options: CoordinatorOptions

    func run() throws {
        let table: JobTable
        do { table = try options.client().jobTable(timeout: options.timeout) } catch let e as ClusterError { throw CommandFailure(e.description) }
        guard let j = table.jobs.first(where: { $0.name == job }) else {
            throw CommandFailure("no job named \(job) on \(options.coordinator) (jobs: \(table.jobs.map(\.name).joined(separator: ", ")))")
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        print(String(decoding: try encoder.encode(j), as: UTF8.self))
    }
}

struct JobsCancelCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cancel",
        abstract: "Cancel a job: its queued and running tasks are withdrawn and the job is told, and stops with that reason.")

    @Argument(help: "The job's name (from `intone jobs list`).")
    var job: String

    @OptionGroup var options: CoordinatorOptions

    func run() throws {
        let table: JobTable
        do { table = try options.client().cancel(job: job, timeout: options.timeout) } catch let e as ClusterError { throw CommandFailure(e.description) }
        let j = table.jobs.first { $0.name == job }
        print("cancelled \(job): \(j.map { "\($0.done) task(s) done, \($0.withdrawn) withdrawn" } ?? "")")
    }
}

struct JobsFetchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fetch",
        abstract: "Copy a detached job's run directory (and its log, intone-job.log) once it has ended.",
        discussion: "Exit status 0 for a finished job, 1 for one that failed or was cancelled (what it wrote is copied all the same).")

    @Argument(help: "The detached job's name (printed by --detach; `intone jobs list`).")
    var job: String

    @Option(help: "Folder to copy the run directory into (created; files already there are replaced).")
    var out: String

    @OptionGroup var options: CoordinatorOptions

    func run() throws {
        let fetched: FetchedJob
        let blobs: [[UInt8]]
        do { (fetched, blobs) = try options.client().fetch(job: job, timeout: max(options.timeout, 120)) } catch let e as ClusterError {
            throw CommandFailure(e.description)
        }
        var bytes = 0
        for (path, data) in zip(fetched.files, blobs) {
            guard SafePath.isPlainRelative(path) else { throw CommandFailure("the coordinator sent a file path that leaves \(out): \(path.debugDescription)") }
            let target = out + "/" + path
            do {
                try FileManager.default.createDirectory(atPath: (target as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
                try AtomicFile.write(Data(data), to: target)
            } catch {
                throw CommandFailure("cannot write \(target): \(error.localizedDescription)")
            }
            bytes += data.count
        }
        let j = fetched.job
        print("fetched \(j.name) (\(j.state.rawValue)\(j.exitStatus.map { ", exit status \($0)" } ?? "")): \(fetched.files.count) file(s), \(bytes) bytes into \(out)")
        if j.state != .finished {
            FileHandle.standardError.write(Data("intone: job \(j.name) \(j.state.rawValue): \(j.message ?? "no reason recorded"); see \(out)/\(DetachedJobHost.logName)\n".utf8))
            throw ExitCode(1)
        }
    }
}
