/// A YAML file (a sweep spec, a model config) that cannot be used: the file, the line when known,
/// and what is wrong, printed `file:line: reason`.
public struct ConfigFileError: Error, Equatable, Sendable, CustomStringConvertible {
    public let file: String
    public let line: Int?
    public let reason: String

    public init(file: String, line: Int?, reason: String) {
        self.file = file
        self.line = line
        self.reason = reason
    }

    public var description: String { line.map { "\(file):\($0): \(reason)" } ?? "\(file): \(reason)" }
}
