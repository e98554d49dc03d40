import ArgumentParser
import Foundation
import IntoneCorpus
import IntoneFormats

/// `intone corpus`: look at and make corpora.
struct CorpusCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "corpus",
        abstract: "Scan labelled audio (CREMA-D, RAVDESS, SAVEE, TESS, folders, manifests) or make the synthetic corpus.",
        subcommands: [CorpusScanCommand.self, CorpusSynthCommand.self]
    )
}

/// `intone corpus scan DIR...`
struct CorpusScanCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "scan",
        abstract: "Count recordings per corpus, class and speaker, and list the files skipped and why.",
        discussion: """
        Reads each corpus in its own naming convention: CREMA-D (1001_DFA_ANG_XX.wav), RAVDESS \
        (Actor_01/03-01-05-01-02-01-01.wav), SAVEE (DC_a01.wav), TESS (OAF_angry/OAF_back_angry.wav); \
        other audio is labelled by the nearest folder named after an emotion (happy/, Sad/...), with the \
        folder above it as the speaker; a .csv argument is read as a manifest path,label[,speaker].

        Examples:
          intone corpus scan data/generated/small
          intone corpus scan ~/corpora/Crema ~/corpora/Ravdess my-labels.csv --list catalogue.csv
        """
    )

    @Argument(help: "Folders to walk and/or CSV manifests.")
    var roots: [String]

    @Flag(name: .customLong("no-calm-fold"), help: "Do not count RAVDESS calm as neutral (skip it instead).")
    var noCalmFold = false

    @Option(help: "Also write the catalogue (path,corpus,speaker,label,source_label) to this CSV file.")
    var list: String?

    func validate() throws {
        if roots.isEmpty { throw ValidationError("Give at least one folder or manifest.") }
    }

    func run() throws {
        let (catalogue, ignored) = CatalogueScanner.scan(roots, foldCalm: !noCalmFold)
        print(CatalogueReport.text(catalogue, roots: roots.count, ignored: ignored))
        if let list {
            let rows = catalogue.recordings.map { [$0.path, $0.corpus.rawValue, $0.speaker ?? "", $0.emotion.rawValue, $0.sourceLabel] }
            do {
                try AtomicFile.write(Data(CSV.table(header: ["path", "corpus", "speaker", "label", "source_label"], rows: rows).utf8), to: list)
            } catch {
                throw CommandFailure("cannot write \(list): \(error.localizedDescription)")
            }
            print("catalogue written to \(list)")
        }
    }
}

/// The text `intone corpus scan` prints.
enum CatalogueReport {
    static func text(_ catalogue: Catalogue, roots: Int, ignored: Int) -> String {
        var out = "scanned \(roots) root(s): \(catalogue.recordings.count) recordings, \(catalogue.skipped.count) skipped"
        if ignored > 0 { out += ", \(ignored) non-audio file(s) ignored" }
        out += "\n"
        let counts = catalogue.counts()
        let speakers = Dictionary(grouping: catalogue.recordings, by: \.corpus).mapValues { Set($0.map(\.speakerKey)).count }
        if !catalogue.recordings.isEmpty {
            let header = ["corpus"] + Emotion.allCases.map(\.rawValue) + ["total", "speakers"]
            var table: [[String]] = [header]
            var totals = [Int](repeating: 0, count: Emotion.allCases.count)
            for corpus in CorpusKind.allCases {
                guard let c = counts[corpus] else { continue }
                var row = [corpus.rawValue]
                for (i, e) in Emotion.allCases.enumerated() {
                    row.append(c[e].map(String.init) ?? "-")
                    totals[i] += c[e] ?? 0
                }
                row.append(String(c.values.reduce(0, +)))
                row.append(String(speakers[corpus] ?? 0))
                table.append(row)
            }
            table.append(["total"] + totals.map(String.init) + [String(catalogue.recordings.count), String(speakers.values.reduce(0, +))])
            out += "\n" + render(table)
            out += "\nspeakers (recordings):\n"
            let bySpeaker = catalogue.speakerCounts()
            for corpus in CorpusKind.allCases {
                let keys = bySpeaker.keys.filter { $0.hasPrefix(corpus.rawValue + "/") }.sorted()
                guard !keys.isEmpty else { continue }
                let shown = keys.prefix(40).map { "\($0.dropFirst(corpus.rawValue.count + 1)) (\(bySpeaker[$0]!))" }
                out += "  \(corpus.rawValue): " + shown.joined(separator: ", ") + (keys.count > 40 ? ", ... (\(keys.count) in all)" : "") + "\n"
            }
            let noSpeaker = catalogue.recordings.filter { $0.speaker == nil }.count
            if noSpeaker > 0 {
                out += "  \(noSpeaker) recording(s) have no speaker: each is its own group, so splits cannot keep their speakers apart\n"
            }
        }
        if !catalogue.skipped.isEmpty {
            out += "\nskipped:\n"
            for s in catalogue.skipped { out += "  \(s.path): \(s.reason)\n" }
        }
        return out
    }

    /// Left-aligned first column, right-aligned numbers.
    static func render(_ table: [[String]]) -> String {
        let widths = (0..<table[0].count).map { c in table.map { $0[c].count }.max() ?? 0 }
        return table.map { row in
            row.enumerated().map { c, v in
                c == 0 ? v.padding(toLength: widths[c], withPad: " ", startingAt: 0)
                       : String(repeating: " ", count: widths[c] - v.count) + v
            }.joined(separator: "  ")
        }.joined(separator: "\n") + "\n"
    }
}
