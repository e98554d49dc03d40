import IntoneFormats
/// A failure while a command runs (not a usage mistake): printed as one line, without the usage text.
struct CommandFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// Claims `folder` (a run directory or feature store) for this process: another intone process
/// writing it at the same time is refused.
func claimRunDirectory(_ folder: String) throws -> RunDirectoryLock {
    do { return try RunDirectoryLock(folder: folder) } catch { throw CommandFailure(error.description) }
}
