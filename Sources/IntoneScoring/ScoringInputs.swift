import Foundation
import IntoneFormats

/// The recordings named on the command line: files, folders (searched recursively for audio) and
/// CSV manifests (a `path` column, or the first column; relative paths are relative to the manifest).
public enum ScoringInputs {
    /// File name extensions taken from folders.
    public static let audioExtensions: Set<String> = ["wav", "wave", "flac", "ogg", "oga", "opus", "mp3", "aif", "aiff", "au", "snd", "caf", "w64", "rf64"]

    /// The files in order (folders sorted), and the inputs that name nothing usable.
    public static func expand(_ inputs: [String]) -> (files: [String], problems: [(path: String, reason: String)]) {
        var files: [String] = []
        var problems: [(String, String)] = []
        let fm = FileManager.default
        for input in inputs {
            var isDirectory: ObjCBool = false
            guard fm.fileExists(atPath: input, isDirectory: &isDirectory) else {
                problems.append((input, "no such file or folder"))
                continue
            }
            if isDirectory.boolValue {
                let found = (fm.enumerator(atPath: input)?.allObjects as? [String] ?? [])
                    .filter { audioExtensions.contains(($0 as NSString).pathExtension.lowercased()) }
                    .sorted()
                    .map { (input as NSString).appendingPathComponent($0) }
                if found.isEmpty { problems.append((input, "no audio files in this folder")) }
                files += found
            } else if (input as NSString).pathExtension.lowercased() == "csv" {
                guard let text = try? String(contentsOfFile: input, encoding: .utf8), let table = try? CSV.parse(text), let header = table.first else {
                    problems.append((input, "unreadable CSV manifest"))
                    continue
                }
                let column = header.firstIndex(of: "path") ?? 0
                let base = (input as NSString).deletingLastPathComponent
                for row in table.dropFirst() where column < row.count && !row[column].isEmpty {
                    let p = row[column]
                    files.append(p.hasPrefix("/") ? p : (base as NSString).appendingPathComponent(p))
                }
            } else {
                files.append(input)
            }
        }
        return (files, problems)
    }
}
