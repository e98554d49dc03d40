import Foundation
import IntoneFormats

/// Writes a scoring run's result files (see docs/SCORING.md) as calls are added, so memory does not
/// grow with the archive: `windows.jsonl`, `windows.csv`, `calls.csv` and, at the end,
/// `errors.csv`. Each appears under its name only when complete (`AtomicFileWriter`).
public final class ScoringOutputs {
    private let folder: String
    private let classes: [String]
    private let jsonl: AtomicFileWriter
    private let windowsCSV: AtomicFileWriter
    private let callsCSV: AtomicFileWriter
    private var row: [UInt8] = []
    /// Windows written so far.
    public private(set) var windows = 0

    /// Whether calls.csv has a `share_uncertain` column (`--min-confidence`).
    private let uncertain: Bool
    /// Whether the windows have a `raw_label` after `label` (smoothing).
    private let smoothed: Bool

    /// Starts the files in `folder` for a model with these classes (and, with `uncertain`, a
    /// `share_uncertain` column in calls.csv; with `smoothed`, a `raw_label` after each window's label).
    public init(folder: String, classes: [String], uncertain: Bool = false, smoothed: Bool = false) throws(ScoringError) {
        self.folder = folder
        self.classes = classes
        self.uncertain = uncertain
        self.smoothed = smoothed
        do {
            jsonl = try AtomicFileWriter(path: folder + "/windows.jsonl")
            windowsCSV = try AtomicFileWriter(path: folder + "/windows.csv")
            callsCSV = try AtomicFileWriter(path: folder + "/calls.csv")
            try windowsCSV.append(CSV.row(["file", "channel", "start", "end", "label"] + (smoothed ? ["raw_label"] : []) + classes))
            try callsCSV.append(CSV.row(["file", "channel", "duration", "speech", "windows", "dominant"] + classes.map { "share_" + $0 }
                                        + (uncertain ? ["share_uncertain"] : []) + ["longest_negative_run", "emotion_changes"]))
        } catch {
            throw ScoringError(file: folder, reason: "cannot write the outputs (\(error.localizedDescription))")
        }
    }

    /// Appends the windows and the summary of each call.
    public func add(_ calls: [CallResult]) throws(ScoringError) {
        do {
            for call in calls {
                let file = CSV.field(call.file), channel = CSV.field(call.channel)
                for w in call.windows {
                    row.removeAll(keepingCapacity: true)
                    row.append(contentsOf: "{\"file\":".utf8)
                    JSONText.appendQuoted(call.file, to: &row)
                    row.append(contentsOf: ",\"channel\":".utf8)
                    JSONText.appendQuoted(call.channel, to: &row)
                    row.append(contentsOf: ",\"start\":".utf8)
                    DecimalText.appendFixed(w.start, decimals: 3, to: &row)
                    row.append(contentsOf: ",\"end\":".utf8)
                    DecimalText.appendFixed(w.end, decimals: 3, to: &row)
                    row.append(contentsOf: ",\"label\":".utf8)
                    JSONText.appendQuoted(w.label, to: &row)
                    if smoothed {
                        row.append(contentsOf: ",\"raw_label\":".utf8)
                        JSONText.appendQuoted(w.rawLabel ?? w.label, to: &row)
                    }
                    for (c, p) in zip(classes, w.probabilities) {
                        row.append(UInt8(ascii: ","))
                        JSONText.appendQuoted(c, to: &row)
                        row.append(UInt8(ascii: ":"))
                        DecimalText.appendFixed(p, decimals: 6, to: &row)
                    }
                    row.append(contentsOf: "}\n".utf8)
                    try jsonl.append(row)

                    row.removeAll(keepingCapacity: true)
                    row.append(contentsOf: file.utf8)
                    row.append(UInt8(ascii: ","))
                    row.append(contentsOf: channel.utf8)
                    row.append(UInt8(ascii: ","))
                    DecimalText.appendFixed(w.start, decimals: 3, to: &row)
                    row.append(UInt8(ascii: ","))
                    DecimalText.appendFixed(w.end, decimals: 3, to: &row)
                    row.append(UInt8(ascii: ","))
                    row.append(contentsOf: CSV.field(w.label).utf8)
                    if smoothed {
                        row.append(UInt8(ascii: ","))
                        row.append(contentsOf: CSV.field(w.rawLabel ?? w.label).utf8)
                    }
                    for p in w.probabilities {
                        row.append(UInt8(ascii: ","))
                        DecimalText.appendFixed(p, decimals: 6, to: &row)
                    }
                    row.append(UInt8(ascii: "\n"))
                    try windowsCSV.append(row)
                }
                windows += call.windows.count
                try callsCSV.append(CSV.row([call.file, call.channel, number(call.duration), number(call.speech), String(call.windows.count),
                                             call.dominant(classes: classes)]
                                            + call.shares(classes: classes).map { DecimalText.fixed($0, decimals: 4) }
                                            + (uncertain ? call.shares(classes: [CallResult.uncertainLabel]).map { DecimalText.fixed($0, decimals: 4) } : [])
                                            + [number(call.longestNegativeRun), String(call.emotionChanges)]))
            }
        } catch let error as ScoringError {
            throw error
        } catch {
            throw ScoringError(file: folder, reason: "cannot write the outputs (\(error.localizedDescription))")
        }
    }

    /// Writes `errors.csv` (file, reason; sorted by file) and puts every file in place.
    public func finish(errors: [String: String]) throws(ScoringError) {
        let errorRows = errors.keys.sorted().map { [$0, errors[$0]!] }
        do {
            try AtomicFile.write(Data(CSV.table(header: ["file", "reason"], rows: errorRows).utf8), to: folder + "/errors.csv")
            try jsonl.commit()
            try windowsCSV.commit()
            try callsCSV.commit()
        } catch {
            throw ScoringError(file: folder, reason: "cannot write the outputs (\(error.localizedDescription))")
        }
    }

    /// Seconds with three decimals (milliseconds).
    func number(_ x: Double) -> String { DecimalText.fixed(x, decimals: 3) }
}
