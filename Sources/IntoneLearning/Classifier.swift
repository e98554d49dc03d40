/// A fitted classifier: class probabilities for rows of features.
public protocol TrainedClassifier: Sendable {
    /// Number of classes (columns of `probabilities`).
    var classCount: Int { get }
    /// Class probabilities, `x.rows × classCount`, row-major.
    func probabilities(_ x: Matrix) -> [Double]
    /// The predicted class of each row. Defaults to the most probable class; models whose
    /// probabilities can tie where their decision does not (modified Huber clips at 1) override it.
    func predict(_ x: Matrix) -> [Int]
}

extension TrainedClassifier {
    /// The most probable class of each row (the lowest index on ties, as numpy's argmax).
    public func predict(_ x: Matrix) -> [Int] { argmaxRows(probabilities(x), columns: classCount) }
}

/// An unfitted estimator with its hyper-parameters: `fit` is deterministic for a seed.
public protocol Estimator: Sendable {
    /// scikit-learn's class name (`RandomForestClassifier`...), for reports.
    var name: String { get }
    /// Fits on `data`. Randomness comes only from `seed`.
    func fit(_ data: Dataset, seed: UInt64) throws(LearningError) -> any TrainedClassifier
}

/// Why learning could not proceed, in words a user can act on.
public struct LearningError: Error, Equatable, Sendable, CustomStringConvertible {
    public let reason: String
    public init(_ reason: String) { self.reason = reason }
    public var description: String { reason }
}
