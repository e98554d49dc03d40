import Foundation
import IntoneFormats

/// A model folder as one blob, so that it travels to workers once and is cached by content hash:
/// for each file, in name order, its name and its bytes, each length-prefixed (`ByteCoding`).
public enum ModelBundle {
    /// The files of `folder` as one blob (an unreadable file is packed empty, and fails its load).
    public static func pack(_ folder: String) -> [UInt8] {
        var out: [UInt8] = []
        for name in ((try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []).sorted() {
            let bytes = [UInt8](FileManager.default.contents(atPath: folder + "/" + name) ?? Data())
            ByteCoding.appendRecord(Array(name.utf8), to: &out)
            ByteCoding.appendRecord(bytes, to: &out)
        }
        return out
    }

    /// Writes the bundle's files into `folder`; refuses names that would leave it.
    public static func unpack(_ bundle: [UInt8], into folder: String) throws(ModelError) {
        var reader = ByteCoding.Reader(bundle, what: "a model bundle")
        do {
            while !reader.isAtEnd {
                let name = String(decoding: try reader.record(), as: UTF8.self)
                guard !name.contains("/"), !name.hasPrefix(".") else { throw ModelError("a model bundle names an unsafe file \(name)") }
                let contents = try reader.record()
                guard FileManager.default.createFile(atPath: folder + "/" + name, contents: Data(contents)) else {
                    throw ModelError("cannot write the model on this worker")
                }
            }
        } catch let error as ByteCodingError {
            throw ModelError(error.reason)
        } catch let error as ModelError {
            throw error
        } catch {
            throw ModelError("\(error)")
        }
    }

    /// Unpacks a bundle into a scratch folder, loads the model from it and removes the folder.
    public static func load(_ bundle: [UInt8], hash: String) throws(ModelError) -> LoadedModel {
        let folder = NSTemporaryDirectory() + "intone-model-\(getpid())-\(hash.prefix(16))-\(UInt32.random(in: 0 ... .max))"
        do { try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true) } catch {
            throw ModelError("cannot unpack the model on this worker: \(error.localizedDescription)")
        }
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try unpack(bundle, into: folder)
        return try ModelArchive.load(path: folder)
    }
}
