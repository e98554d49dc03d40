/// The classifiers a sweep spec can name, built from scikit-learn-style parameters.
///
/// Spec names and their scikit-learn classes: `random_forest` (RandomForestClassifier), `sgd`
/// (SGDClassifier), `hist_gradient_boosting` (HistGradientBoostingClassifier), `bagging`
/// (BaggingClassifier over decision trees), `adaboost` (AdaBoostClassifier, SAMME, over trees of
/// `max_depth`), `mlp` (MLPClassifier), `decision_tree` (DecisionTreeClassifier).
public enum EstimatorCatalog {
    /// Every spec name, in the order reports list them.
    public static let names = ["random_forest", "sgd", "hist_gradient_boosting", "bagging", "adaboost", "mlp", "decision_tree"]

    /// Builds the estimator `name` with `parameters` (scikit-learn names and meanings).
    ///
    /// - Throws: `ParameterError` for an unknown estimator, an unknown parameter, a value of the wrong
    ///   type or out of range.
    public static func make(_ name: String, parameters: [String: ParameterValue]) throws(ParameterError) -> any Estimator {
        switch name {
        case "random_forest":
            var r = ParameterReader(estimator: name, parameters: parameters,
                                    known: ["n_estimators", "max_depth", "min_samples_split", "min_samples_leaf", "max_features", "bootstrap"])
            let e = RandomForestClassifier(
                estimators: try r.int("n_estimators", default: 100, in: 1...100_000),
                tree: TreeParameters(maxDepth: try r.optionalInt("max_depth", default: nil, in: 1...10_000),
                                     minSamplesSplit: try r.countOrFraction("min_samples_split", default: .count(2), minimumCount: 2),
                                     minSamplesLeaf: try r.countOrFraction("min_samples_leaf", default: .count(1)),
                                     maxFeatures: try r.maxFeatures("max_features", default: .sqrt)),
                bootstrap: try r.bool("bootstrap", default: true))
            try r.finish()
            return e
        case "decision_tree":
            var r = ParameterReader(estimator: name, parameters: parameters,
                                    known: ["max_depth", "min_samples_split", "min_samples_leaf", "max_features"])
            let e = DecisionTreeClassifier(parameters: TreeParameters(
                maxDepth: try r.optionalInt("max_depth", default: nil, in: 1...10_000),
                minSamplesSplit: try r.countOrFraction("min_samples_split", default: .count(2), minimumCount: 2),
                minSamplesLeaf: try r.countOrFraction("min_samples_leaf", default: .count(1)),
                maxFeatures: try r.maxFeatures("max_features", default: .all)))
            try r.finish()
            return e
        case "bagging":
            var r = ParameterReader(estimator: name, parameters: parameters, known: ["n_estimators", "max_samples", "max_features"])
            let e = BaggingClassifier(estimators: try r.int("n_estimators", default: 10, in: 1...100_000),
                                      maxSamples: try r.countOrFraction("max_samples", default: .fraction(1.0)),
                                      maxFeatures: try r.countOrFraction("max_features", default: .fraction(1.0)))
            try r.finish()
            return e
        case "adaboost":
            var r = ParameterReader(estimator: name, parameters: parameters, known: ["n_estimators", "learning_rate", "max_depth"])
            let e = AdaBoostClassifier(estimators: try r.int("n_estimators", default: 50, in: 1...100_000),
                                       learningRate: try r.double("learning_rate", default: 1.0, in: 1e-12...1e6),
                                       maxDepth: try r.int("max_depth", default: 1, in: 1...10_000))
            try r.finish()
            return e
        default:
            if let extra = additional[name] { return try extra(parameters) }
            throw ParameterError(estimator: name, parameter: "-", reason: "unknown estimator (known: \(names.joined(separator: ", ")))")
        }
    }

    /// Estimators defined in other files of this module (`sgd`, `mlp`, `hist_gradient_boosting`).
    static var additional: [String: @Sendable ([String: ParameterValue]) throws(ParameterError) -> any Estimator] {
        [:]
    }
}
