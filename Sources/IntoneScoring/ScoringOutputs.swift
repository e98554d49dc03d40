import Foundation
import IntoneFormats

/// Writes a scoring run's result files (see docs/SCORING.md): `windows.jsonl`, `windows.csv`,
/// `calls.csv` and `errors.csv`, each atomically.
public enum ScoringOutputs {
    public static func write(_ calls: [CallResult], classes: [String], errors: [String: String], to folder: String) throws(ScoringError) {
        var jsonl = ""
        var csv = CSV.row(["file", "channel", "start", "end", "label"] + classes)
        for call in calls {
            for w in call.windows {
                var object = "{\"file\":" + JSONText.quoted(call.file) + ",\"channel\":" + JSONText.quoted(call.channel)
                object += ",\"start\":\(number(w.start)),\"end\":\(number(w.end)),\"label\":" + JSONText.quoted(w.label)
                for (c, p) in zip(classes, w.probabilities) { object += "," + JSONText.quoted(c) + ":" + probability(p) }
                jsonl += object + "}\n"
                csv += CSV.row([call.file, call.channel, number(w.start), number(w.end), w.label] + w.probabilities.map(probability))
            }
        }
        var calls_ = CSV.row(["file", "channel", "duration", "speech", "windows", "dominant"] + classes.map { "share_" + $0 }
                             + ["longest_negative_run", "emotion_changes"])
        for call in calls {
            calls_ += CSV.row([call.file, call.channel, number(call.duration), number(call.speech), String(call.windows.count), call.dominant(classes: classes)]
                              + call.shares(classes: classes).map { String(format: "%.4f", $0) }
                              + [number(call.longestNegativeRun), String(call.emotionChanges)])
        }
        let errorRows = errors.keys.sorted().map { [$0, errors[$0]!] }
        for (name, text) in [("windows.jsonl", jsonl), ("windows.csv", csv), ("calls.csv", calls_),
                             ("errors.csv", CSV.table(header: ["file", "reason"], rows: errorRows))] {
            do { try AtomicFile.write(Data(text.utf8), to: folder + "/" + name) } catch {
                throw ScoringError(file: folder, reason: "cannot write \(name) (\(error.localizedDescription))")
            }
        }
    }

    /// Seconds with three decimals (milliseconds).
    static func number(_ x: Double) -> String { String(format: "%.3f", x) }
    static func probability(_ p: Double) -> String { String(format: "%.6f", p) }
}
