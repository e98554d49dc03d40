import IntoneFeatures

/// One example whose features are wanted: the audio file (its path on the machine that runs the
/// job), its content hash, and the augmentation to apply (`none` for the original).
public struct FeatureRequest: Codable, Equatable, Sendable {
    public var path: String
    public var sha256: String
    public var augmentation: String

    public init(path: String, sha256: String, augmentation: String) {
        self.path = path
        self.sha256 = sha256
        self.augmentation = augmentation
    }
}

/// Why one example's features could not be computed, in words for errors.csv.
public struct FeatureComputationError: Error, Equatable, Sendable {
    public var reason: String
    public init(reason: String) { self.reason = reason }
}
