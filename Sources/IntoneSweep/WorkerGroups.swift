import Foundation
import IntoneEngine

/// The job's share-out of a placement's gang workers among deep trials training side by side:
/// each trial reserves `k` workers (a group that can reach each other: they serve ring endpoints)
/// for one rung, trains data-parallel on them, and gives them back. The coordinator still
/// dispatches every task; the job pins each trial's tasks to its own group.
final class WorkerGroups: @unchecked Sendable {
    // @unchecked Sendable: `reserved` is guarded by `lock`.
    let placement: any Placement
    private let lock = NSLock()
    private var reserved: Set<String> = []

    init(placement: any Placement) { self.placement = placement }

    /// Gang workers known now.
    var known: [GangWorker] { placement.gangWorkers }

    /// Reserves `size` free workers (fewer if fewer are known at all, at least one), or nil if not
    /// enough are free now.
    func reserve(_ size: Int) -> [GangWorker]? {
        let all = placement.gangWorkers
        return lock.withLock {
            let free = all.filter { !reserved.contains($0.worker) }
            let wanted = min(size, all.count)
            guard wanted >= 1, free.count >= wanted else { return nil }
            let group = Array(free.prefix(wanted))
            reserved.formUnion(group.map(\.worker))
            return group
        }
    }

    func release(_ group: [GangWorker]) {
        lock.withLock { reserved.subtract(group.map(\.worker)) }
    }

    /// Waits up to `seconds` for `count` gang workers (or returns as soon as there are).
    func waitFor(_ count: Int, seconds: Double) {
        let deadline = Date().addingTimeInterval(seconds)
        while placement.gangWorkers.count < count && Date() < deadline { Thread.sleep(forTimeInterval: 0.05) }
    }
}

/// A placement that shows a trial only its reserved group as gang workers (the ring of its
/// data-parallel training forms from them); it runs tasks where the underlying placement does. A
/// reserved worker that disconnects drops out, and the ring re-forms on the ones left.
final class GroupPlacement: Placement, @unchecked Sendable {
    // @unchecked Sendable: `group` is guarded by `lock`.
    let base: any Placement
    private let lock = NSLock()
    private var group: Set<String> = []

    init(base: any Placement) { self.base = base }

    /// The workers of the trial's current reservation.
    func assign(_ workers: [GangWorker]) { lock.withLock { group = Set(workers.map(\.worker)) } }

    var traits: PlacementTraits { base.traits }

    func run(_ tasks: [TaskSpec], blobs: [String: [UInt8]], completed: @escaping @Sendable (String, TaskOutput) -> Void,
             abandoned: @escaping @Sendable (String, String) -> Void) throws(PlacementError) {
        try base.run(tasks, blobs: blobs, completed: completed, abandoned: abandoned)
    }

    var gangWorkers: [GangWorker] {
        let mine = lock.withLock { group }
        return base.gangWorkers.filter { mine.contains($0.worker) }
    }

    func withdrawTasks() { base.withdrawTasks() }
}
