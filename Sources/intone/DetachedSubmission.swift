import Foundation
import IntoneCluster

/// A job command's arguments for `--detach`, built from its parsed options: input paths become
/// `{input:N}` (their files are uploaded), the run directory `{out}`. The coordinator runs the
/// command with these arguments on its own copy of the inputs.
struct DetachedSubmission {
    let command: String
    private(set) var arguments: [String] = []
    private var inputs: [DetachedJobRequest.Input] = []
    private var files: [DetachedJobRequest.File] = []
    private var frames: [[UInt8]] = []

    init(command: String) { self.command = command }

    /// Adds `--name VALUE`.
    mutating func option(_ name: String, _ value: some CustomStringConvertible) { arguments += [name, value.description] }

    /// Adds `--name VALUE` when there is a value.
    mutating func option(_ name: String, _ value: (some CustomStringConvertible)?) { if let value { option(name, value) } }

    /// Adds a positional argument.
    mutating func positional(_ value: String) { arguments.append(value) }

    /// Adds `--name` when `on`.
    mutating func flag(_ name: String, _ on: Bool) { if on { arguments.append(name) } }

    /// Uploads the file or folder at `path` (a folder with its whole tree) and returns its placeholder.
    mutating func input(_ path: String) throws -> String {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw CommandFailure("\(path): no such file or folder")
        }
        let url = URL(fileURLWithPath: path).standardizedFileURL
        let index = inputs.count
        let name = url.lastPathComponent.isEmpty || url.lastPathComponent == "/" ? "input" : url.lastPathComponent
        inputs.append(DetachedJobRequest.Input(folder: isDirectory.boolValue, name: name))
        if isDirectory.boolValue {
            guard FileManager.default.isReadableFile(atPath: url.path) else { throw CommandFailure("\(path): cannot list the folder") }
            for relative in filesUnder(url.path, followingLinks: true) {
                guard let data = FileManager.default.contents(atPath: url.path + "/" + relative) else { throw CommandFailure("\(path)/\(relative): cannot read") }
                files.append(DetachedJobRequest.File(input: index, path: relative))
                frames.append([UInt8](data))
            }
        } else {
            guard let data = FileManager.default.contents(atPath: url.path) else { throw CommandFailure("\(path): cannot read") }
            files.append(DetachedJobRequest.File(input: index, path: name))
            frames.append([UInt8](data))
        }
        return "{input:\(index)}"
    }

    /// Adds `--name` with an uploaded input.
    mutating func inputOption(_ name: String, _ path: String) throws { arguments += [name, try input(path)] }

    /// Sends the job to the coordinator of `placement` (with the placement's own options: priority,
    /// slot cap, wait for workers) and prints its name and how to fetch its results.
    /// `out` is the command's own run directory, which the hint to fetch into names.
    func submit(_ placement: PlacementOptions, logging: LoggingOptions, out: String) throws {
        guard let cluster = placement.cluster else { throw CommandFailure("--detach needs --cluster") }
        var all = self
        all.option("--wait-for-workers", placement.waitForWorkers)
        if placement.priority != 1 { all.option("--priority", placement.priority) }
        all.option("--max-slots", placement.maxSlots)
        all.flag("--verbose", logging.verbose)
        let request = DetachedJobRequest(command: command, arguments: all.arguments, inputs: inputs, files: files, name: placement.jobName)
        let mode = try placement.security.worker(connect: cluster) { FileHandle.standardError.write(Data("intone: \($0)\n".utf8)) }
        let client = ClusterClient(connect: cluster, security: mode, name: "submit-\(ProcessInfo.processInfo.hostName)-\(getpid())")
        let bytes = frames.reduce(0) { $0 + $1.count }
        let name: String
        do { name = try client.launch(request, files: frames) } catch { throw CommandFailure(error.description) }
        print(name)
        if !logging.quiet {
            FileHandle.standardError.write(Data("""
                intone: submitted \(command) job \(name) to \(cluster) (\(files.count) input file(s), \(bytes) bytes uploaded)
                intone: follow it with `intone jobs show \(name) --coordinator \(cluster)`; once it has finished, \
                copy its results with `intone jobs fetch \(name) --coordinator \(cluster) --out \(out)`\n
                """.utf8))
        }
    }
}

/// The files under `folder` (not folders), as sorted relative paths; symbolic links to files are
/// listed when `followingLinks` (an upload takes what they point to) and left out otherwise (a
/// fetch hands out only what the job itself wrote).
func filesUnder(_ folder: String, followingLinks: Bool) -> [String] {
    let fm = FileManager.default
    guard let walker = fm.enumerator(atPath: folder) else { return [] }
    var relatives: [String] = []
    for case let relative as String in walker {
        let path = folder + "/" + relative
        var isDirectory: ObjCBool = false
        if !followingLinks, (try? fm.destinationOfSymbolicLink(atPath: path)) != nil { continue }
        if fm.fileExists(atPath: path, isDirectory: &isDirectory), !isDirectory.boolValue { relatives.append(relative) }
    }
    return relatives.sorted()
}
