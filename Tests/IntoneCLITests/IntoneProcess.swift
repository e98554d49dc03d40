import Foundation

/// Runs the built `intone` executable as a separate process, as a user would.
struct IntoneProcess {
    struct Output {
        let status: Int32
        let stdout: String
        let stderr: String
    }

    /// The `intone` binary next to the test bundle in the build folder.
    static var executable: URL {
        var dir = Bundle.main.bundleURL
        // swift test runs tests from <bin>/IntonePackageTests.xctest or via swiftpm-testing-helper in <bin>.
        for _ in 0..<4 {
            let candidate = dir.appendingPathComponent("intone")
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
            dir.deleteLastPathComponent()
        }
        let bin = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent(".build/debug/intone")
        return bin
    }

    static func run(_ arguments: [String], directory: String? = nil) throws -> Output {
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        if let directory { process.currentDirectoryURL = URL(fileURLWithPath: directory) }
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        // Read both pipes before waiting so a chatty child cannot block on a full pipe.
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        let errData = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Output(status: process.terminationStatus,
                      stdout: String(decoding: outData, as: UTF8.self),
                      stderr: String(decoding: errData, as: UTF8.self))
    }
}

extension IntoneProcess {
    /// Starts `intone` without waiting; the caller kills or waits for it. Its stderr goes to `log`
    /// (created) if given.
    static func start(_ arguments: [String], directory: String? = nil, log: String? = nil) throws -> Process {
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        if let directory { process.currentDirectoryURL = URL(fileURLWithPath: directory) }
        process.standardOutput = FileHandle.nullDevice
        if let log {
            FileManager.default.createFile(atPath: log, contents: nil)
            process.standardError = try FileHandle(forWritingTo: URL(fileURLWithPath: log))
        } else {
            process.standardError = FileHandle.nullDevice
        }
        try process.run()
        return process
    }

    /// Runs `intone` and fails the test with its stderr if it exits non-zero.
    @discardableResult
    static func succeed(_ arguments: [String], directory: String? = nil) throws -> Output {
        let out = try run(arguments, directory: directory)
        if out.status != 0 { throw CLIFailure(arguments: arguments, output: out) }
        return out
    }
}

struct CLIFailure: Error, CustomStringConvertible {
    let arguments: [String]
    let output: IntoneProcess.Output
    var description: String { "intone \(arguments.joined(separator: " ")) exited \(output.status): \(output.stderr)" }
}

/// Every regular file under `root`, relative path → bytes.
func treeContents(_ root: String) -> [String: Data] {
    var out: [String: Data] = [:]
    guard let walker = FileManager.default.enumerator(atPath: root) else { return out }
    while let relative = walker.nextObject() as? String {
        var isDirectory: ObjCBool = false
        let path = root + "/" + relative
        if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), !isDirectory.boolValue {
            out[relative] = FileManager.default.contents(atPath: path)
        }
    }
    return out
}
