import Foundation
import IntoneFormats

/// The coordinator's journal (`RUN_DIR/jobs.sqlite`): every detached job with its arguments and
/// state, and the last row `intone jobs list` showed for every job (attached ones too), so the job
/// table survives a coordinator restart. Written before a change is acknowledged; used under the
/// caller's lock.
public final class JobJournal {
    private let database: SQLiteDatabase
    /// Rows of finished attached jobs kept (the newest).
    public static let keptSummaries = 1000

    public init(path: String) throws(SQLiteError) {
        database = try SQLiteDatabase(path: path)
        try database.execute("""
            CREATE TABLE IF NOT EXISTS hosted_jobs (name TEXT PRIMARY KEY, submitted REAL NOT NULL, record TEXT NOT NULL);
            CREATE TABLE IF NOT EXISTS job_summaries (name TEXT PRIMARY KEY, updated REAL NOT NULL, summary TEXT NOT NULL);
            """)
    }

    /// Inserts or replaces `job`.
    public func save(_ job: HostedJob) throws(SQLiteError) {
        let record = String(decoding: CanonicalJSON.encode(job), as: UTF8.self)
        try database.query("INSERT OR REPLACE INTO hosted_jobs (name, submitted, record) VALUES (?, ?, ?)",
                           [.text(job.name), .real(job.submitted), .text(record)])
    }

    /// Every hosted job, oldest first. A row that does not decode is reported, not fatal.
    public func hostedJobs() throws(SQLiteError) -> (jobs: [HostedJob], unreadable: [String]) {
        var jobs: [HostedJob] = []
        var unreadable: [String] = []
        for row in try database.query("SELECT name, record FROM hosted_jobs ORDER BY submitted, name") {
            if let text = row[1].text, let job = CanonicalJSON.decode(HostedJob.self, Array(text.utf8)) { jobs.append(job) }
            else { unreadable.append(row[0].text ?? "?") }
        }
        return (jobs, unreadable)
    }

    /// Records the rows of the live job table (replacing older rows of the same names) and keeps
    /// only the newest `keptSummaries`.
    public func record(_ summaries: [JobSummary], at time: Double) throws(SQLiteError) {
        guard !summaries.isEmpty else { return }
        try database.execute("BEGIN IMMEDIATE")
        do {
            for s in summaries {
                try database.query("INSERT OR REPLACE INTO job_summaries (name, updated, summary) VALUES (?, ?, ?)",
                                   [.text(s.name), .real(time), .text(String(decoding: CanonicalJSON.encode(s), as: UTF8.self))])
            }
            try database.query("DELETE FROM job_summaries WHERE name NOT IN (SELECT name FROM job_summaries ORDER BY updated DESC LIMIT ?)",
                               [.integer(Int64(Self.keptSummaries))])
            try database.execute("COMMIT")
        } catch {
            try? database.execute("ROLLBACK")
            throw error
        }
    }

    /// The recorded rows, by name.
    public func summaries() throws(SQLiteError) -> [String: JobSummary] {
        var rows: [String: JobSummary] = [:]
        for row in try database.query("SELECT summary FROM job_summaries") {
            if let text = row[0].text, let s = CanonicalJSON.decode(JobSummary.self, Array(text.utf8)) { rows[s.name] = s }
        }
        return rows
    }
}
