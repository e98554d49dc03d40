import Foundation
import IntoneFormats

/// Paths to the committed fixtures (made by `scripts/make-reference`).
enum AudioFixtures {
    static let root = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("Fixtures")
    static func audio(_ name: String) -> String { root.appendingPathComponent("audio/\(name)").path }
    static func reference(_ stem: String, _ what: String) throws -> NPYArray {
        try NPYFile.read(path: root.appendingPathComponent("reference/\(stem).\(what).npy").path)
    }
    static let stems = ["tones_16k", "noise_44k", "stereo_48k", "speech_8k_ulaw", "speech_8k_alaw", "speech_22k", "stereo_8bit_11k"]
    static func fileName(_ stem: String) -> String { stem == "speech_22k" ? "speech_22k.flac" : "\(stem).wav" }
}

/// A fresh temporary directory, removed by the caller with `cleanup()`.
struct TemporaryDirectory {
    let path: String
    init() throws {
        path = NSTemporaryDirectory() + "intone-test-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }
    func file(_ name: String) -> String { path + "/" + name }
    func cleanup() { try? FileManager.default.removeItem(atPath: path) }
}

func maxAbsDifference(_ a: [Float], _ b: [Float]) -> Float {
    guard a.count == b.count else { return .infinity }
    var m: Float = 0
    for i in a.indices { m = max(m, abs(a[i] - b[i])) }
    return m
}
