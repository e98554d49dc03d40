import Foundation
import IntoneFormats
import IntoneLearning

/// `trials.csv` in a run directory: every finished trial, appended and flushed to disk as it
/// completes, so an interrupted sweep resumes without redoing any.
///
/// Columns: `key,estimator,parameters,fold,resource,score,accuracy,uar,macro_f1,train_accuracy,fit_seconds,
/// epochs,stopped_early,workers,rung` (`parameters` is canonical JSON; `resource` is training rows for
/// successive halving and the rung's epochs for deep networks; the last four are empty for classic
/// estimators). A torn last line from a crash is ignored on reading, and journals written before the
/// last four columns existed are read as they are.
public final class TrialJournal: @unchecked Sendable {
    // @unchecked Sendable: the file handle and the table are only touched under `lock`.
    public let path: String
    private let handle: FileHandle
    private let lock = NSLock()
    private var results: [String: TrialResult] = [:]

    static let header = ["key", "estimator", "parameters", "fold", "resource", "score", "accuracy", "uar", "macro_f1", "train_accuracy", "fit_seconds",
                         "epochs", "stopped_early", "workers", "rung"]
    /// The columns of journals from before deep trials.
    static let classicColumns = 11

    /// Opens (creating if needed) the journal at `path` and reads what it holds.
    public init(path: String) throws(SweepError) {
        self.path = path
        let fm = FileManager.default
        if !fm.fileExists(atPath: path) {
            guard fm.createFile(atPath: path, contents: Data(CSV.row(Self.header).utf8)) else {
                throw SweepError("cannot create \(path)")
            }
        }
        guard let data = fm.contents(atPath: path) else { throw SweepError("cannot read \(path)") }
        // A journal that is not text is not silently restarted: every trial in it would run again
        // and be appended to a file no one can read.
        guard let text = String(data: data, encoding: .utf8) else {
            throw SweepError("\(path) is not UTF-8 text: it is not a trial journal this sweep can resume; move it away to start the sweep over")
        }
        // Keep only complete lines: a crash may have torn the last one (rewritten atomically, synced).
        let complete = text.hasSuffix("\n") ? text : String(text[..<(text.lastIndex(of: "\n").map { text.index(after: $0) } ?? text.startIndex)])
        if complete.utf8.count != text.utf8.count {
            do { try AtomicFile.write(Data(complete.utf8), to: path, sync: true) } catch {
                throw SweepError("cannot repair the torn last line of \(path): \(error.localizedDescription)")
            }
        }
        let rows: [[String]]
        do { rows = try CSV.parse(complete) } catch {
            throw SweepError("\(path) cannot be read as CSV (\(error)); move it away to start the sweep over")
        }
        if let first = rows.first, first != Self.header, Array(first.prefix(Self.classicColumns)) != Array(Self.header.prefix(Self.classicColumns)) {
            throw SweepError("\(path) does not start with the trial journal's header; move it away to start the sweep over")
        }
        do {
            for row in rows.dropFirst() where row.count == Self.header.count || row.count == Self.classicColumns {
                guard let score = Double(row[5]), let acc = Double(row[6]), let uar = Double(row[7]), let f1 = Double(row[8]),
                      let trainAcc = Double(row[9]), let secs = Double(row[10]) else { continue }
                var r = TrialResult(score: score, accuracy: acc, uar: uar, macroF1: f1, trainAccuracy: trainAcc, fitSeconds: secs)
                if row.count == Self.header.count {
                    r.epochs = Int(row[11])
                    r.stoppedEarly = row[12].isEmpty ? nil : row[12] == "true"
                    r.workers = Int(row[13])
                    r.rung = Int(row[14])
                }
                results[row[0]] = r
            }
        }
        guard let h = FileHandle(forWritingAtPath: path) else { throw SweepError("cannot open \(path) for appending") }
        handle = h
        do { try handle.seekToEnd() } catch { throw SweepError("cannot open \(path) for appending: \(error.localizedDescription)") }
    }

    deinit { try? handle.close() }

    /// The result of a trial already journaled.
    public func result(for trial: Trial) -> TrialResult? {
        lock.lock(); defer { lock.unlock() }
        return results[trial.key]
    }

    /// Number of journaled trials.
    public var count: Int { lock.lock(); defer { lock.unlock() }; return results.count }

    /// Appends a finished trial and flushes it to disk (fsync) before returning.
    /// - Throws: `SweepError` when the line cannot be written or synced (a full disk): the trial
    ///   is then not counted as journaled.
    public func record(_ trial: Trial, _ r: TrialResult) throws(SweepError) {
        var fields: [String] = [trial.key, trial.estimator, trial.parametersJSON, String(trial.fold), trial.resource.map(String.init) ?? ""]
        fields += ["\(r.score)", "\(r.accuracy)", "\(r.uar)", "\(r.macroF1)", "\(r.trainAccuracy)", String(format: "%.6f", r.fitSeconds)]
        let stopped: String = r.stoppedEarly.map { $0 ? "true" : "false" } ?? ""
        fields += [r.epochs.map(String.init) ?? "", stopped, r.workers.map(String.init) ?? "", r.rung.map(String.init) ?? ""]
        lock.lock(); defer { lock.unlock() }
        guard results[trial.key] == nil else { return }
        do {
            try handle.write(contentsOf: Data(CSV.row(fields).utf8))
            try handle.synchronize()
        } catch {
            throw SweepError("cannot journal a trial in \(path): \(error.localizedDescription)")
        }
        results[trial.key] = r
    }
}

/// A sweep that cannot go on, in words a user can act on.
public struct SweepError: Error, Equatable, Sendable, CustomStringConvertible {
    public let reason: String
    public init(_ reason: String) { self.reason = reason }
    public var description: String { reason }
}
