import Foundation
import IntoneFormats

/// A job submitted with `--detach`: the coordinator keeps its inputs, runs it as its own process
/// (a `--cluster` client of the same coordinator) and keeps its run directory until `intone jobs
/// fetch` takes a copy. Journaled (`JobJournal`), so it survives a coordinator restart.
public struct HostedJob: Codable, Equatable, Sendable {
    /// Where a hosted job is in its life.
    public enum State: String, Codable, Sendable {
        /// Accepted; its process not started yet (or to be restarted after a coordinator restart).
        case queued
        /// Its process runs.
        case running
        /// Its process exited with status 0: the results can be fetched.
        case finished
        /// Its process exited with another status (`message` says why): what it wrote can be fetched.
        case failed
        /// Cancelled with `intone jobs cancel`.
        case cancelled

        /// Whether the job will not run again.
        public var isFinal: Bool { self == .finished || self == .failed || self == .cancelled }
    }

    /// `COMMAND-YYYYMMDD-HHMMSS-XXXX`, unique on this coordinator.
    public var name: String
    /// The `intone` command it runs (`sweep`, `extract`, `score`).
    public var command: String
    /// The command's arguments, inputs as `{input:N}` and the run directory as `{out}`.
    public var arguments: [String]
    public var state: State
    /// The client that submitted it (its hello name).
    public var submittedBy: String
    /// Seconds since 1970.
    public var submitted: Double
    public var finished: Double?
    /// The process's exit status once it ended.
    public var exitStatus: Int?
    /// Why it failed or was cancelled (the last line its process logged, or the cancel reason).
    public var message: String?
    /// The process id of its current run (to stop an orphan left by a coordinator that was killed).
    public var pid: Int?
    /// How often its process was started (more than once after coordinator restarts).
    public var starts: Int
    /// Set when `intone jobs cancel` asked for it (journaled at once, so a restart does not run
    /// the job again); the job ends `cancelled` when its process has stopped.
    public var cancelReason: String?
    /// The CURVE public key the submitter authenticated with (none without keys).
    public var owner: String?

    public init(name: String, command: String, arguments: [String], submittedBy: String, submitted: Double) {
        self.name = name
        self.command = command
        self.arguments = arguments
        self.state = .queued
        self.submittedBy = submittedBy
        self.submitted = submitted
        self.starts = 0
    }

    /// The row `intone jobs list` shows before the job's process has sent tasks (or after its tasks
    /// are gone from the coordinator's memory).
    public var summary: JobSummary {
        var s = JobSummary(name: name, state: state.rawValue, connections: 0, pending: 0, running: 0, done: 0, abandoned: 0, withdrawn: 0)
        s.command = command
        s.detached = true
        s.exitStatus = exitStatus
        s.owner = owner
        if state == .failed || state == .cancelled { s.reason = message }
        return s
    }

    /// Whether `name` can be a hosted job's name (letters, digits, `-`, `_`, `.`; no path separators).
    public static func isValidName(_ name: String) -> Bool {
        !name.isEmpty && name.count <= 128 && name.first != "." && name.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || "-_.".contains($0)) }
    }
}

/// What `--detach` sends: the command, its arguments with placeholders, and its inputs' files
/// (frames after the header, in `files` order).
public struct DetachedJobRequest: Codable, Equatable, Sendable {
    /// One input path of the command: a file (its base name kept) or a folder (its tree kept).
    public struct Input: Codable, Equatable, Sendable {
        public var folder: Bool
        /// The base name of the file or folder.
        public var name: String
        public init(folder: Bool, name: String) { self.folder = folder; self.name = name }
    }

    /// One file of an input: its path inside the input folder (the base name for a file input).
    public struct File: Codable, Equatable, Sendable {
        public var input: Int
        public var path: String
        public init(input: Int, path: String) { self.input = input; self.path = path }
    }

    public var command: String
    public var arguments: [String]
    public var inputs: [Input]
    public var files: [File]
    /// The name asked for (`--job-name`); absent, the coordinator names the job.
    public var name: String?

    public init(command: String, arguments: [String], inputs: [Input], files: [File], name: String? = nil) {
        self.name = name
        self.command = command
        self.arguments = arguments
        self.inputs = inputs
        self.files = files
    }

    /// The commands a coordinator runs detached.
    public static let commands: Set<String> = ["sweep", "extract", "score"]

    /// Checks what a coordinator must not trust: a known command, placeholders that name inputs,
    /// relative file paths that stay inside their input, one frame per file.
    public func validate(frames: Int) throws(ClusterError) {
        guard Self.commands.contains(command) else { throw ClusterError("cannot run `\(command)` detached (only \(Self.commands.sorted().joined(separator: ", ")))") }
        if let name, !HostedJob.isValidName(name) { throw ClusterError("\(name.debugDescription) is not a job name (letters, digits, '-', '_', '.')") }
        guard frames == files.count else { throw ClusterError("the request lists \(files.count) file(s) but carries \(frames)") }
        guard arguments.count <= 10_000, inputs.count <= 1_000 else { throw ClusterError("too many arguments or inputs") }
        for i in inputs where !SafePath.isPlainRelative(i.name) || i.name.contains("/") {
            throw ClusterError("input name \(i.name.debugDescription) is not a plain file or folder name")
        }
        for f in files {
            guard inputs.indices.contains(f.input) else { throw ClusterError("file \(f.path.debugDescription) names input \(f.input), which does not exist") }
            guard SafePath.isPlainRelative(f.path) else { throw ClusterError("file path \(f.path.debugDescription) is not a relative path inside its input") }
        }
        for a in arguments {
            for n in Self.placeholders(in: a) where !inputs.indices.contains(n) {
                throw ClusterError("argument \(a.debugDescription) names input \(n), which does not exist")
            }
        }
    }

    /// The argument with `{input:N}` replaced by `inputPath(N)` and `{out}` by `out`.
    public static func resolve(_ argument: String, inputPath: (Int) -> String, out: String) -> String {
        var a = argument.replacingOccurrences(of: "{out}", with: out)
        for n in placeholders(in: argument) { a = a.replacingOccurrences(of: "{input:\(n)}", with: inputPath(n)) }
        return a
    }

    static func placeholders(in argument: String) -> [Int] {
        var found: [Int] = []
        var rest = Substring(argument)
        while let open = rest.range(of: "{input:") {
            rest = rest[open.upperBound...]
            guard let close = rest.firstIndex(of: "}"), let n = Int(rest[..<close]), n >= 0 else { continue }
            found.append(n)
            rest = rest[rest.index(after: close)...]
        }
        return found
    }

}

/// What `intone jobs fetch` receives: the job as journaled, and its files (frames after the
/// header, in `files` order): the run directory's tree, and `intone-job.log`.
public struct FetchedJob: Codable, Equatable, Sendable {
    public var job: HostedJob
    public var files: [String]
    public init(job: HostedJob, files: [String]) { self.job = job; self.files = files }
}
