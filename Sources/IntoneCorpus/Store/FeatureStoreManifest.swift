import Foundation
import IntoneFormats

/// One stored example: a recording (possibly augmented) and where its features are.
public struct FeatureStoreRow: Codable, Hashable, Sendable {
    /// Audio file path as catalogued.
    public var path: String
    public var corpus: CorpusKind
    /// Speaker id within the corpus, empty when unknown.
    public var speaker: String
    public var label: Emotion
    /// The label as the corpus wrote it.
    public var sourceLabel: String
    public var split: SplitName
    /// Augmentation id (`none` for the original audio).
    public var augmentation: String
    /// SHA-256 of the audio file's bytes.
    public var sha256: String
    /// Features file, relative to the store.
    public var features: String
    /// Frames in the features file.
    public var frames: Int

    public init(path: String, corpus: CorpusKind, speaker: String, label: Emotion, sourceLabel: String, split: SplitName,
                augmentation: String, sha256: String, features: String, frames: Int) {
        self.path = path
        self.corpus = corpus
        self.speaker = speaker
        self.label = label
        self.sourceLabel = sourceLabel
        self.split = split
        self.augmentation = augmentation
        self.sha256 = sha256
        self.features = features
        self.frames = frames
    }

    /// The speaker as a group key unique across corpora (the same rule as `LabelledRecording.speakerKey`).
    public var speakerKey: String { speaker.isEmpty ? "\(corpus.rawValue)/file:\(path)" : "\(corpus.rawValue)/\(speaker)" }

    static let header = ["path", "corpus", "speaker", "label", "source_label", "split", "augmentation", "sha256", "features", "frames"]

    var fields: [String] {
        [path, corpus.rawValue, speaker, label.rawValue, sourceLabel, split.rawValue, augmentation, sha256, features, String(frames)]
    }
}

/// `manifest.csv` of a feature store: one row per stored example, sorted by path then augmentation,
/// readable with `pandas.read_csv`.
public enum FeatureStoreManifest {
    /// The CSV text of `rows` (sorted here, so the file does not depend on completion order).
    public static func encode(_ rows: [FeatureStoreRow]) -> String {
        let sorted = rows.sorted { ($0.path, $0.augmentation) < ($1.path, $1.augmentation) }
        return CSV.table(header: FeatureStoreRow.header, rows: sorted.map(\.fields))
    }

    /// Parses a manifest; `file` names it in errors.
    public static func decode(_ text: String, file: String) throws(FeatureStoreError) -> [FeatureStoreRow] {
        let table: [[String]]
        do { table = try CSV.parse(text) } catch { throw FeatureStoreError(store: file, reason: "manifest is not valid CSV: \(error)") }
        guard let header = table.first else { return [] }
        let column = Dictionary(header.enumerated().map { ($1, $0) }, uniquingKeysWith: { a, _ in a })
        for name in FeatureStoreRow.header where column[name] == nil {
            throw FeatureStoreError(store: file, reason: "manifest has no '\(name)' column")
        }
        var rows: [FeatureStoreRow] = []
        for (i, f) in table.dropFirst().enumerated() {
            func v(_ name: String) -> String { let c = column[name]!; return c < f.count ? f[c] : "" }
            guard let corpus = CorpusKind(rawValue: v("corpus")), let label = Emotion(rawValue: v("label")),
                  let split = SplitName(rawValue: v("split")), let frames = Int(v("frames")) else {
                throw FeatureStoreError(store: file, reason: "manifest row \(i + 2) is malformed")
            }
            rows.append(FeatureStoreRow(path: v("path"), corpus: corpus, speaker: v("speaker"), label: label, sourceLabel: v("source_label"),
                                        split: split, augmentation: v("augmentation"), sha256: v("sha256"), features: v("features"), frames: frames))
        }
        return rows
    }
}

/// A feature store that cannot be used, naming the store and the reason.
public struct FeatureStoreError: Error, Equatable, Sendable, CustomStringConvertible {
    public let store: String
    public let reason: String

    public init(store: String, reason: String) {
        self.store = store
        self.reason = reason
    }

    public var description: String { "\(store): \(reason)" }
}
