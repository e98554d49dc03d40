import CSndfile
import Synchronization

/// `sf_open` with its failure message read safely. libsndfile keeps the reason for a failed open
/// in one process-wide variable (`sf_strerror(NULL)`), so two threads failing at once could read
/// each other's reason (or "No Error."); opening under one lock keeps each reason with its file.
enum SoundFileOpening {
    private static let lock = Mutex(())

    /// The handle, or libsndfile's reason for refusing the file.
    static func open(_ path: String, mode: Int32, info: inout SF_INFO) -> Result<OpaquePointer, SoundFileOpenFailure> {
        lock.withLock { _ in
            if let handle = sf_open(path, mode, &info) { return .success(handle) }
            return .failure(SoundFileOpenFailure(message: String(cString: sf_strerror(nil))))
        }
    }
}

/// libsndfile's reason for not opening a file.
struct SoundFileOpenFailure: Error {
    let message: String
}
