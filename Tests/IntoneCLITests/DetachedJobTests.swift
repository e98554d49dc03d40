import Foundation
import Testing
import IntoneTestSupport
import IntoneCluster

/// Jobs handed to `intone coordinator` with `--detach`: the submitter uploads the inputs and exits,
/// the coordinator runs the job (again after a restart), and `intone jobs fetch` copies the results.
/// Real processes on loopback; results compared byte for byte with a local run.
@Suite(.serialized)
struct DetachedJobTests {
    static func show(_ name: String, _ endpoint: String) -> String {
        (try? IntoneProcess.run(["jobs", "show", name, "--coordinator", endpoint]))?.stdout ?? ""
    }

    /// The submitter exits at once; a fetch before the end is refused; the coordinator is killed
    /// (SIGKILL) mid-sweep and started again: the job's process of the killed coordinator is
    /// stopped, the job starts again and resumes from its run directory, and the fetched run
    /// directory's best.json is the local sweep's. The job table after the restart still has it.
    @Test func aDetachedSweepSurvivesACoordinatorRestartAndIsFetched() throws {
        let dir = try TemporaryDirectory()
        defer { dir.cleanup() }
        let (store, spec) = try ClusterSweepTests.prepare(dir)
        try IntoneProcess.succeed(["sweep", "--spec", spec, "--store", store, "--out", dir.file("local"), "--quiet"])
        let endpoint = "ipc://" + dir.file("c.sock")
        let service = ["coordinator", "--bind", endpoint, "--run", dir.file("service"), "--quiet"]
        var coordinator = try IntoneProcess.start(service)
        let worker = try IntoneProcess.start(["worker", "--connect", endpoint, "--jobs", "1", "--name", "w1", "--quiet"])
        var all = [coordinator, worker]
        defer { for p in all where p.isRunning { kill(p.processIdentifier, SIGKILL); p.waitUntilExit() } }
        #expect(ClusterServiceTests.waitUntil(20) { FileManager.default.fileExists(atPath: dir.file("service/coordinator.json")) })

        let submitted = try IntoneProcess.succeed(["sweep", "--spec", spec, "--store", store, "--out", dir.file("fetched"),
                                                   "--cluster", endpoint, "--detach", "--wait-for-workers", "60"])
        let name = submitted.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(name.hasPrefix("sweep-") && HostedJob.isValidName(name), "\(submitted.stdout)")
        #expect(submitted.stderr.contains("intone jobs fetch \(name) --coordinator \(endpoint) --out \(dir.file("fetched"))"), "\(submitted.stderr)")
        let early = try IntoneProcess.run(["jobs", "fetch", name, "--coordinator", endpoint, "--out", dir.file("early")])
        #expect(early.status != 0 && early.stderr.contains("job \(name) is "), "\(early.stderr)")
        #expect(!FileManager.default.fileExists(atPath: dir.file("early")))

        let trials = dir.file("service/jobs/\(name)/run/trials.csv")
        #expect(ClusterServiceTests.waitUntil(120) { ClusterServiceTests.trialLines(trials) > 5 })
        let firstPID = try #require(Self.pid(of: name, in: dir.file("service/jobs.sqlite")))
        kill(coordinator.processIdentifier, SIGKILL)
        coordinator.waitUntilExit()
        try FileManager.default.removeItem(atPath: dir.file("service/coordinator.json"))
        coordinator = try IntoneProcess.start(service)
        all.append(coordinator)
        // The killed coordinator's job process is stopped before the job starts again.
        #expect(ClusterServiceTests.waitUntil(30) {
            ClusterServiceTests.text(dir.file("service/events.log")).contains("detached job \(name): stopped process \(firstPID), left running by the previous coordinator")
        })
        #expect(!Self.isRunning(pid: firstPID), "the killed coordinator's job process still runs")
        var shown = ""
        #expect(ClusterServiceTests.waitUntil(240) {
            shown = Self.show(name, endpoint)
            return shown.contains("\"state\" : \"finished\"") || shown.contains("\"state\" : \"failed\"")
        }, "\(shown)")
        #expect(shown.contains("\"state\" : \"finished\"") && shown.contains("\"detached\" : true") && shown.contains("\"exitStatus\" : 0"), "\(shown)")

        let fetched = try IntoneProcess.succeed(["jobs", "fetch", name, "--coordinator", endpoint, "--out", dir.file("fetched")])
        #expect(fetched.stdout.hasPrefix("fetched \(name) (finished, exit status 0): "), "\(fetched.stdout)")
        #expect(try ClusterSweepTests.bytes(dir.file("fetched/best.json")) == ClusterSweepTests.bytes(dir.file("local/best.json")))
        #expect(differences(dir.file("fetched/model"), dir.file("local/model")) == [])
        let keys = try String(contentsOfFile: dir.file("fetched/trials.csv"), encoding: .utf8).split(separator: "\n").dropFirst().map { $0.split(separator: ",")[0] }
        #expect(keys.count == 7 * 4 && Set(keys).count == keys.count)   // nothing lost, nothing twice
        let log = ClusterServiceTests.text(dir.file("fetched/intone-job.log"))
        #expect(log.contains("winner"), "\(log)")
        let events = ClusterServiceTests.text(dir.file("service/events.log"))
        #expect(events.contains("detached job \(name): starting again after a coordinator restart"), "\(events)")

        // The finished job is still listed after another restart (journaled), and can be fetched again.
        kill(coordinator.processIdentifier, SIGTERM)
        #expect(ClusterServiceTests.waitUntil(20) { !coordinator.isRunning })
        try FileManager.default.removeItem(atPath: dir.file("service/coordinator.json"))
        coordinator = try IntoneProcess.start(service)
        all.append(coordinator)
        #expect(ClusterServiceTests.waitUntil(20) { FileManager.default.fileExists(atPath: dir.file("service/coordinator.json")) })
        let listed = try IntoneProcess.succeed(["jobs", "list", "--coordinator", endpoint]).stdout
        #expect(listed.contains("\(name)  finished"), "\(listed)")
        try IntoneProcess.succeed(["jobs", "fetch", name, "--coordinator", endpoint, "--out", dir.file("again")])
        #expect(try ClusterSweepTests.bytes(dir.file("again/best.json")) == ClusterSweepTests.bytes(dir.file("local/best.json")))
        let unknown = try IntoneProcess.run(["jobs", "fetch", "sweep-nosuch", "--coordinator", endpoint, "--out", dir.file("none")])
        #expect(unknown.status != 0 && unknown.stderr.contains("no detached job named sweep-nosuch"), "\(unknown.stderr)")
    }

    /// A detached extraction with no worker to run it is cancelled: it ends `cancelled`, its
    /// process stops, and a fetch copies what it wrote and exits 1 with the reason.
    @Test func aDetachedJobIsCancelledAndFetchSaysSo() throws {
        let dir = try TemporaryDirectory()
        defer { dir.cleanup() }
        let endpoint = "ipc://" + dir.file("c.sock")
        let coordinator = try IntoneProcess.start(["coordinator", "--bind", endpoint, "--run", dir.file("service"), "--quiet"])
        defer { if coordinator.isRunning { kill(coordinator.processIdentifier, SIGKILL); coordinator.waitUntilExit() } }
        #expect(ClusterServiceTests.waitUntil(20) { FileManager.default.fileExists(atPath: dir.file("service/coordinator.json")) })
        try "path,label\n".write(toFile: dir.file("list.csv"), atomically: true, encoding: .utf8)
        let manifest = try IntoneProcess.run(["extract", "--data", dir.file("list.csv"), "--out", dir.file("x"), "--cluster", endpoint, "--detach"])
        #expect(manifest.status != 0 && manifest.stderr.contains("--detach uploads folders of audio"), "\(manifest.stderr)")
        // A request that reaches beyond its uploads is refused, whatever the client sends.
        let client = ClusterClient(connect: endpoint, name: "hostile")
        func refusal(_ arguments: [String]) -> String {
            let request = DetachedJobRequest(command: "sweep", arguments: arguments, inputs: [.init(folder: false, name: "spec.yaml")],
                                             files: [.init(input: 0, path: "spec.yaml")])
            do { _ = try client.launch(request, files: [Array("x: 1".utf8)], timeout: 20); return "" } catch { return error.reason }
        }
        #expect(refusal(["--spec", "/etc/passwd", "--store", "{input:0}", "--out", "{out}"]).contains("--spec must name an uploaded input"))
        #expect(refusal(["--spec", "{input:0}", "--store", "{input:0}", "--out", "/tmp/elsewhere"]).contains("--out must be the job's own run directory"))
        #expect(refusal(["--spec", "{input:0}", "--store", "{input:0}", "--out", "{out}", "--key", "/x.key"]).contains("does not take \"--key\""))
        #expect(refusal(["--spec", "{input:0}", "--store", "{input:0}"]).contains("exactly one --out {out}"))
        let extract = ["extract", "--data", SharedCorpus.corpus, "--out", dir.file("store"), "--cluster", endpoint, "--detach", "--job-name", "nightly-extract"]
        let name = try IntoneProcess.succeed(extract + ["--quiet"]).stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(name == "nightly-extract")
        let twice = try IntoneProcess.run(extract)
        #expect(twice.status != 0 && twice.stderr.contains("a job named nightly-extract exists"), "\(twice.stderr)")
        #expect(ClusterServiceTests.waitUntil(60) { Self.show(name, endpoint).contains("\"state\" : \"running\"") })
        let cancelled = try IntoneProcess.succeed(["jobs", "cancel", name, "--coordinator", endpoint])
        #expect(cancelled.stdout.hasPrefix("cancelled \(name)"), "\(cancelled.stdout)")
        var shown = ""
        #expect(ClusterServiceTests.waitUntil(60) { shown = Self.show(name, endpoint); return shown.contains("\"state\" : \"cancelled\"") }, "\(shown)")
        #expect(shown.contains("was cancelled by jobs-"), "\(shown)")
        let fetched = try IntoneProcess.run(["jobs", "fetch", name, "--coordinator", endpoint, "--out", dir.file("store")])
        #expect(fetched.status == 1 && fetched.stdout.hasPrefix("fetched \(name) (cancelled"), "\(fetched.stdout) \(fetched.stderr)")
        #expect(fetched.stderr.contains("was cancelled by"), "\(fetched.stderr)")
        #expect(FileManager.default.fileExists(atPath: dir.file("store/intone-job.log")))
    }

    /// Whether process `pid` exists and is no zombie (an orphan that ended waits for its new
    /// parent to reap it).
    static func isRunning(pid: Int) -> Bool {
        guard kill(pid_t(pid), 0) == 0, let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8) else { return false }
        return !stat.contains(") Z ")
    }

    /// The process id the journal holds for job `name` (its current run).
    static func pid(of name: String, in database: String) -> Int? {
        guard let db = try? SQLiteDatabase(path: database),
              let rows = try? db.query("SELECT record FROM hosted_jobs WHERE name = ?", [.text(name)]),
              let text = rows.first?.first?.text,
              let job = try? JSONDecoder().decode(HostedJob.self, from: Data(text.utf8)) else { return nil }
        return job.pid
    }
}
