import Foundation
import IntoneFormats
import IntoneNeural

/// Everything a run needs to continue after an interruption exactly as if it had not stopped:
/// written after every epoch to `RUN_DIR/checkpoint/` (replacing the previous one as a whole).
///
/// `checkpoint.json` holds the epoch count, the history, the optimizer's settings and step count,
/// the callbacks' states and the config's text; the float buffers are `.npy` files beside it:
/// `parameters`, `state`, `optimizer_slots`, and the best-validation-accuracy and early-stopping
/// snapshots (`best_parameters`, `best_state`, `restore_parameters`, `restore_state`).
struct TrainingCheckpoint: Codable {
    var configText: String
    var epochsDone: Int
    var history: [EpochRecord]
    var optimizer: TrainingOptimizer
    var reduceLR: ReduceLROnPlateau?
    var earlyStopping: EarlyStopping?
    var best: BestCheckpoint
    var stopped: Bool

    /// Float buffers, by file stem; not in the JSON.
    var buffers: [String: [Float]] = [:]

    enum CodingKeys: String, CodingKey { case configText = "config", epochsDone = "epochs_done", history, optimizer, reduceLR = "reduce_lr", earlyStopping = "early_stopping", best, stopped }

    static func encoder() -> JSONEncoder {
        let e = JSONEncoder()
        e.outputFormatting = [.prettyPrinted, .sortedKeys]
        e.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        return e
    }

    static func decoder() -> JSONDecoder {
        let d = JSONDecoder()
        d.nonConformingFloatDecodingStrategy = .convertFromString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        return d
    }

    /// Writes the checkpoint to `folder` as a whole: into `folder.new`, then swapped in.
    func write(to folder: String) throws {
        let fm = FileManager.default
        let staging = folder + ".new", old = folder + ".old"
        try? fm.removeItem(atPath: staging)
        try fm.createDirectory(atPath: staging, withIntermediateDirectories: true)
        var json = self
        json.optimizer = optimizer.with(slots: [])
        for (name, values) in buffers { try NPYFile.write(NPYArray(shape: [values.count], values: values), to: staging + "/\(name).npy") }
        try NPYFile.write(NPYArray(shape: [optimizer.slots.count], values: optimizer.slots), to: staging + "/optimizer_slots.npy")
        try AtomicFile.write(try Self.encoder().encode(json), to: staging + "/checkpoint.json", sync: true)
        try? fm.removeItem(atPath: old)
        if fm.fileExists(atPath: folder) { try fm.moveItem(atPath: folder, toPath: old) }
        try fm.moveItem(atPath: staging, toPath: folder)
        try? fm.removeItem(atPath: old)
    }

    /// Reads the checkpoint in `folder` (or the previous one, if a swap was interrupted); nil if none.
    static func read(from folder: String) throws -> TrainingCheckpoint? {
        let fm = FileManager.default
        let source = fm.fileExists(atPath: folder + "/checkpoint.json") ? folder
            : fm.fileExists(atPath: folder + ".old/checkpoint.json") ? folder + ".old" : nil
        guard let source else { return nil }
        var c = try decoder().decode(TrainingCheckpoint.self, from: Data(contentsOf: URL(fileURLWithPath: source + "/checkpoint.json")))
        for name in (try fm.contentsOfDirectory(atPath: source)) where name.hasSuffix(".npy") {
            let stem = String(name.dropLast(4))
            let values = try NPYFile.read(path: source + "/" + name).values
            if stem == "optimizer_slots" { c.optimizer.slots = values } else { c.buffers[stem] = values }
        }
        return c
    }
}
