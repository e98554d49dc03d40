import Foundation
import IntoneFormats

/// The committed fixtures (made by `scripts/make-reference`): audio files and librosa's numbers for them.
public enum Fixtures {
    /// `Tests/Fixtures`.
    public static let root = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("Fixtures")

    /// `Tests/Fixtures/audio/<name>`.
    public static func audio(_ name: String) -> String { root.appendingPathComponent("audio/\(name)").path }

    /// `Tests/Fixtures/reference/<name>.npy`.
    public static func referencePath(_ name: String) -> String { root.appendingPathComponent("reference/\(name).npy").path }

    /// Reads `Tests/Fixtures/reference/<stem>.<what>.npy`.
    public static func reference(_ stem: String, _ what: String) throws -> NPYArray {
        try NPYFile.read(path: referencePath("\(stem).\(what)"))
    }

    /// Reads `Tests/Fixtures/reference/<name>.npy`.
    public static func reference(_ name: String) throws -> NPYArray {
        try NPYFile.read(path: referencePath(name))
    }

    /// The librosa-loaded signal (`librosa.load(path, sr=22050, offset=0.5, duration=3)`) of a fixture.
    public static func loadedSamples(_ stem: String) throws -> [Float] { try reference(stem, "load").values }

    /// Fixture stems that have reference arrays.
    public static let stems = ["tones_16k", "noise_44k", "stereo_48k", "speech_8k_ulaw", "speech_8k_alaw", "speech_22k", "stereo_8bit_11k"]

    /// File name of each stem.
    public static func fileName(_ stem: String) -> String { stem == "speech_22k" ? "speech_22k.flac" : "\(stem).wav" }
}

/// A fresh temporary directory; call `cleanup()` (usually in a `defer`) to remove it.
public struct TemporaryDirectory: Sendable {
    public let path: String

    public init() throws {
        path = NSTemporaryDirectory() + "intone-test-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    /// `<path>/<name>`.
    public func file(_ name: String) -> String { path + "/" + name }

    public func cleanup() { try? FileManager.default.removeItem(atPath: path) }
}

/// Largest absolute difference between two equally long arrays (`.infinity` if lengths differ).
public func maxAbsDifference(_ a: [Float], _ b: [Float]) -> Float {
    guard a.count == b.count else { return .infinity }
    var m: Float = 0
    for i in a.indices { m = max(m, abs(a[i] - b[i])) }
    return m
}

/// Largest difference relative to the larger magnitude, ignoring pairs where both are below `floor`.
public func maxRelativeDifference(_ a: [Float], _ b: [Float], floor: Float = 1e-12) -> Float {
    guard a.count == b.count else { return .infinity }
    var m: Float = 0
    for i in a.indices {
        let scale = max(abs(a[i]), abs(b[i]))
        if scale < floor { continue }
        m = max(m, abs(a[i] - b[i]) / scale)
    }
    return m
}
