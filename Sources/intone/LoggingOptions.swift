import ArgumentParser
import Logging
#if canImport(Glibc)
import Glibc
#endif

/// Options every subcommand shares: how much to log.
struct LoggingOptions: ParsableArguments {
    @Flag(name: .shortAndLong, help: "Log more (debug level).")
    var verbose = false

    @Flag(name: .shortAndLong, help: "Log only warnings and errors; no progress bar.")
    var quiet = false

    /// Installs a stderr log handler at the chosen level and returns a logger labelled `label`.
    func makeLogger(_ label: String) -> Logger {
        let level: Logger.Level = verbose ? .debug : (quiet ? .warning : .info)
        LoggingBootstrap.once(level: level)
        var logger = Logger(label: label)
        logger.logLevel = level
        return logger
    }

    /// Whether to draw a progress bar (stderr is a terminal and not `--quiet`).
    var showsProgress: Bool { !quiet && isatty(STDERR_FILENO) != 0 }
}

/// swift-log may be bootstrapped once per process.
enum LoggingBootstrap {
    nonisolated(unsafe) private static var done = false
    static func once(level: Logger.Level) {
        guard !done else { return }
        done = true
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
    }
}
