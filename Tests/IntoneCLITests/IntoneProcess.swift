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

    static func run(_ arguments: [String]) throws -> Output {
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
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
