/// Why an augmentation could not be made or applied.
///
/// Its `description` is one line naming the augmentation, e.g.
/// `augmentation stretch0.00: time-stretch rate must be a positive number (got 0.0)`.
public struct AugmentationError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The augmentation's id (`stretch0.90`), or the text that failed to parse as one.
    public let augmentation: String
    /// What is wrong, as a short phrase.
    public let reason: String

    public init(augmentation: String, reason: String) {
        self.augmentation = augmentation
        self.reason = reason
    }

    public var description: String { "augmentation \(augmentation): \(reason)" }
}
