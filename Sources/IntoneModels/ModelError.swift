/// A model folder that cannot be written or read, in words a user can act on (they name the folder).
public struct ModelError: Error, Equatable, Sendable, CustomStringConvertible {
    public let reason: String
    public init(_ reason: String) { self.reason = reason }
    public var description: String { reason }
}
