import IntoneFormats

extension LinearModel: ArchivableClassifier {
    public static let archiveKind = "sgd_linear"

    /// scikit-learn's `coef_` (`outputs × features`, float64) and `intercept_`; `mapping` says how
    /// decision values become probabilities.
    public func archivedWeights() -> ModelWeights {
        ModelWeights(arrays: ["coef": .float64(coefficients, shape: [outputs, featureCount]), "intercept": .float64(intercepts)],
                     attributes: ["n_classes": .int(classCount), "n_features": .int(featureCount),
                                  "probability_mapping": .string(mapping.rawValue), "n_iter": .int(iterations)])
    }

    public init(archived w: ModelWeights) throws(LearningError) {
        let k = try ArchiveChecks.classCount(try w.int("n_classes"), what: "the linear model"), d = try w.int("n_features")
        guard let mapping = ProbabilityMapping(rawValue: try w.string("probability_mapping")) else {
            throw LearningError("unknown probability mapping in the linear model")
        }
        let coef = try w.array("coef").doubles, intercept = try w.array("intercept").doubles
        guard k >= 2, intercept.count == (k == 2 ? 1 : k), coef.count == (try ArchiveChecks.product(intercept.count, d, what: "linear model coefficients")) else {
            throw LearningError("linear model arrays are inconsistent")
        }
        self.init(coefficients: coef, intercepts: intercept, featureCount: d, classCount: k, mapping: mapping,
                  iterations: (try? w.int("n_iter")) ?? 0)
    }

    public var archivedInputWidth: Int { featureCount }
}

extension MultilayerPerceptron: ArchivableClassifier {
    public static let archiveKind = "mlp"

    /// scikit-learn's `coefs_[i]` (`units[i] × units[i+1]`, float32) as `coef_<i>` and `intercepts_[i]`
    /// as `intercept_<i>`; `layer_units` lists the widths from input to output.
    public func archivedWeights() -> ModelWeights {
        var arrays: [String: NPYTypedArray] = ["layer_units": .int32(layerUnits.map(Int32.init))]
        for l in coefs.indices {
            arrays["coef_\(l)"] = .float32(coefs[l], shape: [layerUnits[l], layerUnits[l + 1]])
            arrays["intercept_\(l)"] = .float32(intercepts[l])
        }
        return ModelWeights(arrays: arrays, attributes: ["n_classes": .int(classCount), "activation": .string(activation.rawValue)])
    }

    public init(archived w: ModelWeights) throws(LearningError) {
        let k = try ArchiveChecks.classCount(try w.int("n_classes"), what: "the MLP")
        guard let activation = MLPActivation(rawValue: try w.string("activation")) else {
            throw LearningError("unknown MLP activation")
        }
        let units = try w.int32s("layer_units").map(Int.init)
        guard k >= 2, (2...64).contains(units.count), units.allSatisfy({ $0 >= 1 }), units.last == (k == 2 ? 1 : k) else {
            throw LearningError("MLP layer widths are inconsistent")
        }
        var coefs: [[Float]] = [], intercepts: [[Float]] = []
        for l in 0..<(units.count - 1) {
            let c = try w.array("coef_\(l)").floats, b = try w.array("intercept_\(l)").floats
            guard c.count == (try ArchiveChecks.product(units[l], units[l + 1], what: "MLP layer \(l)")), b.count == units[l + 1] else {
                throw LearningError("MLP layer \(l) has the wrong shape")
            }
            coefs.append(c); intercepts.append(b)
        }
        self.init(layerUnits: units, coefs: coefs, intercepts: intercepts, activation: activation, classCount: k)
    }

    public var archivedInputWidth: Int { layerUnits.first ?? 0 }
}
