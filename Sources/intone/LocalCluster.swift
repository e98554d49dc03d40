import Foundation
import IntoneCluster

/// Worker processes started on this machine for `--local-workers`, stopped when the job ends.
final class LocalCluster {
    let shell: CoordinatorShell
    private var processes: [Process] = []

    init(shell: CoordinatorShell) { self.shell = shell }

    /// This `intone` binary (to start more of it).
    static var executable: URL {
        let named = URL(fileURLWithPath: ProcessInfo.processInfo.arguments[0]).standardizedFileURL
        return FileManager.default.isExecutableFile(atPath: named.path) ? named : URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
    }

    /// Starts `count` `intone worker` processes (one job each) connected to the shell's endpoint.
    func startWorkers(_ count: Int, quiet: Bool) throws {
        let path = Self.executable
        for i in 0..<count {
            let p = Process()
            p.executableURL = path
            p.arguments = ["worker", "--connect", shell.endpoint, "--jobs", "1", "--name", "local-\(i + 1)",
                           "--ring-bind", "tcp://127.0.0.1:*",
                           "--parent", String(getpid())] + (quiet ? ["--quiet"] : [])
            p.standardOutput = FileHandle.nullDevice
            try p.run()
            processes.append(p)
        }
    }

    /// Tells the workers to stop, then waits for them (terminating any that linger).
    func stop() {
        shell.shutdownWorkers()
        let deadline = Date().addingTimeInterval(5)
        for p in processes {
            while p.isRunning && Date() < deadline { Thread.sleep(forTimeInterval: 0.02) }
            if p.isRunning { p.terminate() }
            p.waitUntilExit()
        }
        shell.stop()
    }
}
