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

/// A job failure of a whole remote computation (no workers, coordinator unreachable).
public struct RemoteComputationError: Error, Sendable, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}

/// Computes features somewhere else (on cluster workers): `intone extract --cluster` /
/// `--local-workers`. Augmentations are applied with `Augmentation(id:)` and the job's seed, as
/// `intone extract --augment` does locally, so the features are the same bits either way.
public protocol RemoteFeatureComputer: Sendable {
    /// Computes the features of every request and calls `finished(index, result)` once per request
    /// (from any thread). Throws only when the computation as a whole cannot go on.
    func compute(_ requests: [FeatureRequest], parameters: FeatureStoreParameters, seed: UInt64,
                 finished: @escaping @Sendable (Int, Result<FeatureMatrix, FeatureComputationError>) -> Void) throws(RemoteComputationError)
}
