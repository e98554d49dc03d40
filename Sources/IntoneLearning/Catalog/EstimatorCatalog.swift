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
        case "sgd":
            var r = ParameterReader(estimator: name, parameters: parameters,
                                    known: ["loss", "penalty", "alpha", "l1_ratio", "max_iter", "tol", "n_iter_no_change", "fit_intercept", "shuffle"])
            let loss = try r.choice("loss", default: "hinge", allowed: SGDLoss.allCases.map(\.rawValue))
            let penalty = try r.choice("penalty", default: "l2", allowed: SGDPenalty.allCases.map(\.rawValue))
            let alpha = try r.double("alpha", default: 1e-4, in: 1e-12...1e6)
            let l1Ratio = try r.double("l1_ratio", default: 0.15, in: 0...1)
            let maxIter = try r.int("max_iter", default: 1000, in: 1...1_000_000)
            let tol = try r.optionalDouble("tol", default: 1e-3, in: 0...1e6)
            let e = SGDClassifier(loss: SGDLoss(rawValue: loss)!, penalty: SGDPenalty(rawValue: penalty)!, alpha: alpha, l1Ratio: l1Ratio,
                                  maxIter: maxIter, tol: tol, nIterNoChange: try r.int("n_iter_no_change", default: 5, in: 1...10_000),
                                  fitIntercept: try r.bool("fit_intercept", default: true), shuffle: try r.bool("shuffle", default: true))
            try r.finish()
            return e
        case "mlp":
            var r = ParameterReader(estimator: name, parameters: parameters,
                                    known: ["hidden_layer_sizes", "activation", "solver", "alpha", "batch_size", "learning_rate",
                                            "learning_rate_init", "max_iter", "shuffle", "tol", "momentum", "early_stopping",
                                            "validation_fraction", "n_iter_no_change", "beta_1", "beta_2", "epsilon"])
            let hidden = try r.positiveIntList("hidden_layer_sizes", default: [100])
            let activation = try r.choice("activation", default: "relu", allowed: MLPActivation.allCases.map(\.rawValue))
            let solver = try r.choice("solver", default: "adam", allowed: ["adam", "sgd"])
            let alpha = try r.double("alpha", default: 1e-4, in: 0...1e6)
            let batch: Int?
            if case .string("auto")? = parameters["batch_size"] { _ = try r.choice("batch_size", default: "auto", allowed: ["auto"]); batch = nil }
            else { batch = try r.optionalInt("batch_size", default: nil, in: 1...1_000_000) }
            let rate = try r.choice("learning_rate", default: "constant", allowed: ["constant", "invscaling", "adaptive"])
            let e = MLPClassifier(hiddenLayerSizes: hidden, activation: MLPActivation(rawValue: activation)!, solver: MLPSolver(rawValue: solver)!,
                                  alpha: alpha, batchSize: batch, learningRate: MLPLearningRate(rawValue: rate)!,
                                  learningRateInit: try r.double("learning_rate_init", default: 1e-3, in: 1e-12...1e3),
                                  maxIter: try r.int("max_iter", default: 200, in: 1...1_000_000),
                                  shuffle: try r.bool("shuffle", default: true), tol: try r.double("tol", default: 1e-4, in: 0...1e6),
                                  momentum: try r.double("momentum", default: 0.9, in: 0...1),
                                  earlyStopping: try r.bool("early_stopping", default: false),
                                  validationFraction: try r.double("validation_fraction", default: 0.1, in: 1e-6...0.999),
                                  beta1: try r.double("beta_1", default: 0.9, in: 0...0.999999),
                                  beta2: try r.double("beta_2", default: 0.999, in: 0...0.999999),
                                  epsilon: try r.double("epsilon", default: 1e-8, in: 1e-300...1),
                                  nIterNoChange: try r.int("n_iter_no_change", default: 10, in: 1...1_000_000))
            try r.finish()
            return e
        case "hist_gradient_boosting":
            var r = ParameterReader(estimator: name, parameters: parameters,
                                    known: ["learning_rate", "max_iter", "max_leaf_nodes", "max_depth", "min_samples_leaf", "l2_regularization",
                                            "max_features", "max_bins", "early_stopping", "validation_fraction", "n_iter_no_change", "tol"])
            let early: HistGradientBoostingClassifier.EarlyStopping
            switch parameters["early_stopping"] {
            case .bool(let b)?: _ = try r.bool("early_stopping", default: false); early = b ? .on : .off
            default: _ = try r.choice("early_stopping", default: "auto", allowed: ["auto"]); early = .auto
            }
            let validation: CountOrFraction?
            if parameters["validation_fraction"] == .null { _ = try r.optionalInt("validation_fraction", default: nil, in: 1...1); validation = nil }
            else { validation = try r.countOrFraction("validation_fraction", default: .fraction(0.1)) }
            let e = HistGradientBoostingClassifier(
                learningRate: try r.double("learning_rate", default: 0.1, in: 1e-12...1e6),
                maxIter: try r.int("max_iter", default: 100, in: 1...1_000_000),
                maxLeafNodes: try r.optionalInt("max_leaf_nodes", default: 31, in: 2...1_000_000),
                maxDepth: try r.optionalInt("max_depth", default: nil, in: 1...10_000),
                minSamplesLeaf: try r.int("min_samples_leaf", default: 20, in: 1...1_000_000),
                l2Regularization: try r.double("l2_regularization", default: 0, in: 0...1e12),
                maxFeatures: try r.double("max_features", default: 1, in: 1e-9...1),
                maxBins: try r.int("max_bins", default: 255, in: 2...255),
                earlyStopping: early, validationFraction: validation,
                nIterNoChange: try r.int("n_iter_no_change", default: 10, in: 1...1_000_000),
                tol: try r.double("tol", default: 1e-7, in: 0...1e6))
            do { try e.validate() } catch { throw ParameterError(estimator: name, parameter: "-", reason: error.reason) }
            try r.finish()
            return e
        default:
            throw ParameterError(estimator: name, parameter: "-", reason: "unknown estimator (known: \(names.joined(separator: ", ")))")
        }
    }
}
