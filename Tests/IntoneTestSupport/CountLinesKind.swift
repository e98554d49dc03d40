import IntoneEngine

/// The example kind of docs/ARCHITECTURE.md: counts the lines of a text blob that contain a word.
public struct CountLinesKind: TaskKind {
    public static let name = "count-lines"
    public static let version = 1
    public static let isPure = true

    public struct Parameters: Codable, Equatable, Sendable {
        public var word: String
        public init(word: String) { self.word = word }
    }

    public struct Output: Codable, Equatable, Sendable {
        public var lines: Int
        public init(lines: Int) { self.lines = lines }
    }

    public init() {}

    public func execute(_ p: Parameters, blobs: [TaskBlob], context: TaskContext) throws -> Output {
        guard let text = blobs.first else { throw TaskError("no text to count in") }
        if p.word.isEmpty { throw TaskError("an empty word is in every line") }
        return Output(lines: String(decoding: text.bytes, as: UTF8.self).split(separator: "\n").filter { $0.contains(p.word) }.count)
    }
}


/// A kind's codecs checked on sample values: parameters and output survive encode → decode →
/// encode byte for byte (what a task looks like on the wire is what comes out of it).
public enum KindCodecs {
    public struct Mismatch: Error, CustomStringConvertible {
        public let description: String
    }

    /// Throws if `parameters` or `output` do not round-trip through `Kind`'s codecs.
    public static func check<Kind: TaskKind>(_ kind: Kind.Type, parameters: Kind.Parameters, output: Kind.Output) throws {
        let body = Kind.encode(parameters: parameters)
        let again = Kind.encode(parameters: try Kind.decode(parameters: body))
        guard again == body else { throw Mismatch(description: "\(Kind.identifier) parameters: \(body) became \(again)") }
        let wire = Kind.encode(output: output)
        let back = Kind.encode(output: try Kind.decode(output: wire))
        guard back == wire else { throw Mismatch(description: "\(Kind.identifier) output: \(wire.body) became \(back.body)") }
    }
}
