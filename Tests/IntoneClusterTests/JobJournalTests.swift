import Foundation
import Testing
import IntoneTestSupport
import IntoneFormats
@testable import IntoneCluster

/// The journal of detached jobs (SQLite), the checks on what a detached job's request may ask for,
/// and how journaled rows join the live job table.
struct JobJournalTests {
    @Test func hostedJobsAndTableRowsSurviveReopeningTheJournal() throws {
        let dir = try TemporaryDirectory()
        defer { dir.cleanup() }
        var job = HostedJob(name: "sweep-20261204-010203-abcd", command: "sweep", arguments: ["sweep", "--spec", "/x/spec.yaml"],
                            submittedBy: "submit-h-1", submitted: 1_700_000_000)
        do {
            let journal = try JobJournal(path: dir.file("jobs.sqlite"))
            try journal.save(job)
            job.state = .finished
            job.exitStatus = 0
            try journal.save(job)   // replaces the row
            var row = JobSummary(name: "client-h-2", state: "gone", connections: 0, pending: 0, running: 0, done: 12, abandoned: 1, withdrawn: 0)
            try journal.record([row], at: 5)
            row.done = 13
            try journal.record([row], at: 6)
        }
        let reopened = try JobJournal(path: dir.file("jobs.sqlite"))
        let (jobs, unreadable) = try reopened.hostedJobs()
        #expect(jobs == [job])
        #expect(unreadable.isEmpty)
        let rows = try reopened.summaries()
        #expect(rows.count == 1 && rows["client-h-2"]?.done == 13)
    }

    @Test func onlyTheNewestTableRowsAreKept() throws {
        let dir = try TemporaryDirectory()
        defer { dir.cleanup() }
        let journal = try JobJournal(path: dir.file("jobs.sqlite"))
        let rows = (0..<(JobJournal.keptSummaries + 5)).map { i in
            JobSummary(name: String(format: "client-%05d", i), state: "gone", connections: 0, pending: 0, running: 0, done: i, abandoned: 0, withdrawn: 0)
        }
        for (i, r) in rows.enumerated() { try journal.record([r], at: Double(i)) }
        let kept = try journal.summaries()
        #expect(kept.count == JobJournal.keptSummaries)
        #expect(kept["client-00000"] == nil && kept["client-00004"] == nil && kept["client-00005"] != nil)
    }

    @Test func anUnreadableDatabaseIsAnErrorNamingTheFile() throws {
        let dir = try TemporaryDirectory()
        defer { dir.cleanup() }
        try Data(repeating: 0x41, count: 4096).write(to: URL(fileURLWithPath: dir.file("jobs.sqlite")))
        #expect {
            _ = try JobJournal(path: dir.file("jobs.sqlite"))
        } throws: { error in
            "\(error)".contains(dir.file("jobs.sqlite")) && "\(error)".contains("not a database")
        }
    }

    @Test func aDetachedRequestCannotLeaveItsFolderOrNameWhatItDoesNotCarry() throws {
        let good = DetachedJobRequest(command: "sweep", arguments: ["--spec", "{input:0}", "--store", "{input:1}", "--out", "{out}"],
                                      inputs: [.init(folder: false, name: "spec.yaml"), .init(folder: true, name: "store")],
                                      files: [.init(input: 0, path: "spec.yaml"), .init(input: 1, path: "features/a.npy")])
        try good.validate(frames: 2)
        func reason(_ r: DetachedJobRequest, frames: Int = 2) -> String {
            do { try r.validate(frames: frames); return "" } catch { return error.reason }
        }
        #expect(reason(good, frames: 1).contains("carries 1"))
        var r = good
        r.command = "worker"
        #expect(reason(r).contains("cannot run `worker` detached"))
        for path in ["../escape", "/etc/passwd", "a/../../b", "a//b", "./a", ""] {
            r = good
            r.files[1].path = path
            #expect(reason(r).contains("not a relative path inside its input"), "\(path)")
        }
        r = good
        r.inputs[1].name = ".."
        #expect(reason(r).contains("not a plain file or folder name"))
        r = good
        r.arguments.append("{input:7}")
        #expect(reason(r).contains("names input 7"))
        r = good
        r.files[0].input = 3
        #expect(reason(r).contains("names input 3"))
        r = good
        r.name = "../x"
        #expect(reason(r).contains("is not a job name"))
        #expect(DetachedJobRequest.resolve("--spec={input:0}", inputPath: { "/in/\($0)" }, out: "/o") == "--spec=/in/0")
        #expect(DetachedJobRequest.resolve("{out}/x", inputPath: { "/in/\($0)" }, out: "/o") == "/o/x")
    }

    /// A detached job's final state wins over its live rows; a journaled row of a job with no task
    /// here is listed as it was; cancelling a job known only from such rows is accepted.
    @Test func externalRowsJoinTheLiveJobTable() {
        var core = CoordinatorCore()
        var detached = JobSummary(name: "sweep-1", state: "finished", connections: 0, pending: 0, running: 0, done: 0, abandoned: 0, withdrawn: 0)
        detached.detached = true
        detached.command = "sweep"
        detached.exitStatus = 0
        let old = JobSummary(name: "client-old", state: "gone", connections: 0, pending: 0, running: 0, done: 40, abandoned: 2, withdrawn: 0)
        core.externalJobs = ["sweep-1": detached, "client-old": old]
        let table = core.jobTable
        #expect(table.jobs.map(\.name) == ["client-old", "sweep-1"])
        #expect(table.jobs[0] == old)
        #expect(table.jobs[1].state == "finished" && table.jobs[1].command == "sweep" && table.jobs[1].exitStatus == 0)
        #expect(core.jobTable(includingExternal: false).jobs.isEmpty)
        #expect(core.jobNames.contains("client-old"))

        // The detached job's process connects and runs: its live counts show, with the final
        // state from the host once it ended, and its submitter as the owner.
        let peer: [UInt8] = Array("P".utf8)
        _ = core.handle(.received(from: peer, WireMessage(Envelope(type: .hello, worker: "sweep-1", role: .client))), now: 0)
        let tasks = [CoordinatorCore.Task(id: "a", body: "{}"), CoordinatorCore.Task(id: "b", body: "{}")]
        _ = core.handle(.received(from: peer, WireMessage(Envelope(type: .submit), blobs: [CanonicalJSON.encode(tasks)])), now: 0)
        core.externalJobs["sweep-1"]!.state = "running"
        core.externalJobs["sweep-1"]!.owner = "submitter-key"
        var row = core.jobTable.jobs.first { $0.name == "sweep-1" }
        #expect(row?.state == "running" && row?.pending == 2 && row?.connections == 1 && row?.owner == "submitter-key")
        core.externalJobs["sweep-1"]!.state = "failed"
        core.externalJobs["sweep-1"]!.reason = "exit status 1"
        row = core.jobTable.jobs.first { $0.name == "sweep-1" }
        #expect(row?.state == "failed" && row?.reason == "exit status 1" && row?.pending == 2)
        // A job known only from the journal can be cancelled: later hellos under its name are refused.
        let admin: [UInt8] = Array("Q".utf8)
        _ = core.handle(.received(from: admin, WireMessage(Envelope(type: .hello, worker: "admin", role: .client))), now: 1)
        let cancelled = core.handle(.received(from: admin, WireMessage(Envelope(type: .cancel, body: "client-old"))), now: 1)
        #expect(cancelled.contains(.jobCancelled(name: "client-old", by: "admin", withdrawn: 0)))
        let again = core.handle(.received(from: Array("R".utf8), WireMessage(Envelope(type: .hello, worker: "client-old", role: .client))), now: 2)
        #expect(again.contains { if case .send(_, let m) = $0 { return m.envelope.type == .refuse } else { return false } })
    }
}
