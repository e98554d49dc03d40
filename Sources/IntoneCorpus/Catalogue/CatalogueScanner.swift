import Foundation
import IntoneFormats

/// Builds a catalogue from folders (any of the four corpora, in any mix, or labelled sub-folders)
/// and CSV manifests.
public enum CatalogueScanner {
    /// File extensions read as audio (case-insensitive).
    public static let audioExtensions: Set<String> = ["wav", "flac", "ogg", "oga", "opus", "mp3", "aif", "aiff", "au", "snd", "caf", "w64", "rf64"]

    /// Scans every root: a folder is walked recursively; a `.csv` file is read as a manifest.
    ///
    /// A file is catalogued by the first rule that fits: its name follows a corpus convention
    /// (CREMA-D, RAVDESS, SAVEE, TESS); otherwise an ancestor folder inside the root is named after an
    /// emotion (`happy/`, `Sad/`, `angry/`...) and it becomes custom data, with the folder above the
    /// label folder (if inside the root) as its speaker. Anything else is skipped with the reason.
    /// Non-audio files (by extension) and hidden files are ignored and only counted.
    ///
    /// - Parameter foldCalm: RAVDESS calm counts as neutral (default).
    /// - Returns: recordings sorted by path; skipped files sorted by path.
    public static func scan(_ roots: [String], foldCalm: Bool = true) -> (catalogue: Catalogue, ignored: Int) {
        var catalogue = Catalogue()
        var ignored = 0
        for root in roots {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: root, isDirectory: &isDirectory) else {
                catalogue.skipped.append(SkippedFile(path: root, reason: "no such file or folder"))
                continue
            }
            if isDirectory.boolValue {
                ignored += scanFolder(root, foldCalm: foldCalm, into: &catalogue)
            } else if root.lowercased().hasSuffix(".csv") {
                readManifest(root, foldCalm: foldCalm, into: &catalogue)
            } else {
                catalogueFile(root, root: URL(fileURLWithPath: root).deletingLastPathComponent().path, foldCalm: foldCalm, into: &catalogue)
            }
        }
        catalogue.recordings.sort { $0.path < $1.path }
        catalogue.skipped.sort { $0.path < $1.path }
        // The same file reached through two roots is listed once.
        var seen = Set<String>()
        catalogue.recordings = catalogue.recordings.filter { seen.insert($0.path).inserted }
        return (catalogue, ignored)
    }

    private static func scanFolder(_ root: String, foldCalm: Bool, into catalogue: inout Catalogue) -> Int {
        var ignored = 0
        var files: [String] = []
        if let walker = FileManager.default.enumerator(atPath: root) {
            while let relative = walker.nextObject() as? String {
                files.append(relative)
            }
        }
        for relative in files.sorted() {
            let name = (relative as NSString).lastPathComponent
            let path = (root as NSString).appendingPathComponent(relative)
            var isDirectory: ObjCBool = false
            FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory)
            if isDirectory.boolValue { continue }
            if name.hasPrefix(".") || !audioExtensions.contains((name as NSString).pathExtension.lowercased()) {
                ignored += 1
                continue
            }
            catalogueFile(path, root: root, foldCalm: foldCalm, into: &catalogue)
        }
        return ignored
    }

    /// Catalogues one audio file found under `root`.
    static func catalogueFile(_ path: String, root: String, foldCalm: Bool, into catalogue: inout Catalogue) {
        let url = URL(fileURLWithPath: path)
        let name = url.lastPathComponent
        let parent = url.deletingLastPathComponent().lastPathComponent
        switch CorpusFileName.read(name, parent: parent, foldCalm: foldCalm) {
        case .labelled(let corpus, let speaker, let emotion, let label, let sex):
            catalogue.recordings.append(LabelledRecording(path: path, corpus: corpus, speaker: speaker, emotion: emotion, sourceLabel: label, sex: sex))
        case .rejected(_, let reason):
            catalogue.skipped.append(SkippedFile(path: path, reason: reason))
        case .unrecognised:
            // Folders between the root and the file, nearest first.
            let relativeFolders = relativeComponents(of: url.deletingLastPathComponent().path, under: root)
            for (i, folder) in relativeFolders.reversed().enumerated() {
                if let emotion = Emotion(label: folder, foldCalm: foldCalm) {
                    let above = relativeFolders.count - i - 2
                    let speaker = above >= 0 ? relativeFolders[above] : nil
                    catalogue.recordings.append(LabelledRecording(path: path, corpus: .custom, speaker: speaker, emotion: emotion, sourceLabel: folder))
                    return
                }
            }
            catalogue.skipped.append(SkippedFile(path: path, reason: "name fits no corpus convention (CREMA-D, RAVDESS, SAVEE, TESS) and no folder above it is an emotion label"))
        }
    }

    private static func relativeComponents(of folder: String, under root: String) -> [String] {
        let f = URL(fileURLWithPath: folder).standardizedFileURL.pathComponents
        let r = URL(fileURLWithPath: root).standardizedFileURL.pathComponents
        guard f.count >= r.count, Array(f.prefix(r.count)) == r else { return [] }
        return Array(f.dropFirst(r.count))
    }

    /// Reads a manifest `path,label[,speaker]` (a header row naming these columns is optional;
    /// relative paths are relative to the manifest's folder).
    static func readManifest(_ manifest: String, foldCalm: Bool, into catalogue: inout Catalogue) {
        let text: String
        do { text = try String(contentsOfFile: manifest, encoding: .utf8) } catch {
            catalogue.skipped.append(SkippedFile(path: manifest, reason: "cannot read manifest (\(error.localizedDescription))"))
            return
        }
        let rows: [[String]]
        do { rows = try CSV.parse(text) } catch {
            catalogue.skipped.append(SkippedFile(path: manifest, reason: "not a valid CSV manifest: \(error)"))
            return
        }
        guard let first = rows.first else { return }
        var pathColumn = 0, labelColumn = 1, speakerColumn: Int? = first.count > 2 ? 2 : nil
        var body = rows[...]
        let lowered = first.map { $0.lowercased().trimmingCharacters(in: .whitespaces) }
        if let p = lowered.firstIndex(of: "path"), let l = lowered.firstIndex(of: "label") {
            pathColumn = p
            labelColumn = l
            speakerColumn = lowered.firstIndex(of: "speaker")
            body = rows.dropFirst()
        }
        let base = (manifest as NSString).deletingLastPathComponent
        for (offset, row) in body.enumerated() {
            let line = offset + (body.startIndex == 0 ? 1 : 2)
            if row.allSatisfy({ $0.trimmingCharacters(in: .whitespaces).isEmpty }) { continue }
            guard row.count > max(pathColumn, labelColumn) else {
                catalogue.skipped.append(SkippedFile(path: "\(manifest):\(line)", reason: "row has \(row.count) field(s); expected path,label[,speaker]"))
                continue
            }
            let rawPath = row[pathColumn].trimmingCharacters(in: .whitespaces)
            let path = rawPath.hasPrefix("/") || base.isEmpty ? rawPath : (base as NSString).appendingPathComponent(rawPath)
            let label = row[labelColumn].trimmingCharacters(in: .whitespaces)
            guard let emotion = Emotion(label: label, foldCalm: foldCalm) else {
                catalogue.skipped.append(SkippedFile(path: path, reason: "unknown label '\(label)' (expected one of \(Emotion.allCases.map(\.rawValue).joined(separator: ", ")))"))
                continue
            }
            guard FileManager.default.fileExists(atPath: path) else {
                catalogue.skipped.append(SkippedFile(path: path, reason: "listed in \(manifest) line \(line) but no such file"))
                continue
            }
            let speaker = speakerColumn.flatMap { $0 < row.count ? row[$0].trimmingCharacters(in: .whitespaces) : nil }
            catalogue.recordings.append(LabelledRecording(path: path, corpus: .custom, speaker: speaker?.isEmpty == false ? speaker : nil,
                                                          emotion: emotion, sourceLabel: label))
        }
    }
}
