import Foundation

/// The in-process placement: a job's tasks run on threads of this process, through the same
/// registry of kinds a worker serves, with the same codecs. What `intone extract`, `sweep`,
/// `score` and `train` use without `--local-workers`, `--bind` or `--cluster`.
///
/// Tasks are taken in order by `threads` dedicated threads (not Swift's cooperative pool: the work
/// blocks on decoding, FFTs and BLAS). A task that fails is abandoned at once with its error (its
/// failure is deterministic: running it again here would fail the same way); a task pinned to a
/// worker is abandoned, there being no gang here; a task id given twice runs once.
public final class ThreadPlacement: Placement, @unchecked Sendable {
    // @unchecked Sendable: `withdrawn` is guarded by `lock`; the rest is immutable.
    public let threads: Int
    public let registry: TaskRegistry
    private let lock = NSLock()
    private var withdrawn = false

    public init(threads: Int, registry: TaskRegistry) {
        self.threads = max(1, threads)
        self.registry = registry
    }

    public var traits: PlacementTraits { PlacementTraits(inProcess: true, sharesFiles: true) }

    public var gangWorkers: [GangWorker] { [] }

    public func withdrawTasks() { lock.withLock { withdrawn = true } }

    public func run(_ tasks: [TaskSpec], blobs: [String: [UInt8]],
                    completed: @escaping @Sendable (String, TaskOutput) -> Void,
                    abandoned: @escaping @Sendable (String, String) -> Void) throws(PlacementError) {
        lock.withLock { withdrawn = false }
        var seen: Set<String> = []
        let unique = tasks.filter { seen.insert($0.id).inserted }
        let registry = self.registry
        let outcomes = NSLock()   // one outcome call at a time, as a coordinator's service thread makes them
        _ = LocalRunner.map(count: unique.count, jobs: threads) { [self] i -> Void in
            let task = unique[i]
            if lock.withLock({ withdrawn }) { return }
            if let worker = task.worker {
                outcomes.withLock { abandoned(task.id, "worker \(worker) is not connected") }
                return
            }
            var given: [TaskBlob] = []
            for hash in task.blobs {
                guard let bytes = blobs[hash] else {
                    outcomes.withLock { abandoned(task.id, "the blob \(hash.prefix(16)) it needs was not given") }
                    return
                }
                given.append(TaskBlob(hash: hash, bytes: bytes))
            }
            do {
                let output = try registry.execute(kind: task.kind, body: task.body, blobs: given, context: TaskContext())
                outcomes.withLock { completed(task.id, output) }
            } catch {
                outcomes.withLock { abandoned(task.id, "\(error)") }
            }
        }
    }
}
