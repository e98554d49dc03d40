import Foundation
import IntoneFeatures
import IntoneLearning
import IntoneModels
import IntoneConfig
import Yams

extension SweepSpec {
    /// Reads a spec file.
    public static func load(path: String) throws(SweepSpecError) -> SweepSpec {
        let text: String
        do { text = try String(contentsOfFile: path, encoding: .utf8) } catch {
            throw SweepSpecError(file: path, line: nil, reason: "cannot read (\(error.localizedDescription))")
        }
        return try parse(text, file: path)
    }

    /// Parses and validates spec text; every estimator configuration is built once, so no invalid
    /// parameter survives to the run. `file` names the spec in errors.
    public static func parse(_ text: String, file: String = "<spec>") throws(SweepSpecError) -> SweepSpec {
        let root: Node
        if let (line, reason) = YAMLErrors.limitProblem(text) { throw SweepSpecError(file: file, line: line, reason: reason) }
        do {
            guard let node = try Yams.compose(yaml: text) else { throw SweepSpecError(file: file, line: nil, reason: "the spec is empty") }
            root = node
        } catch let error as SweepSpecError {
            throw error
        } catch let error as YamlError {
            throw SweepSpecError(file: file, line: yamlLine(error), reason: "not valid YAML (\(yamlReason(error)))")
        } catch {
            throw SweepSpecError(file: file, line: nil, reason: "not valid YAML (\(error))")
        }
        guard let top = root.mapping else { throw SweepSpecError(file: file, line: line(root), reason: "the spec must be a mapping with an `estimators` key") }
        func fail(_ node: Node?, _ why: String) -> SweepSpecError { SweepSpecError(file: file, line: node.flatMap(line), reason: why) }

        var spec = SweepSpec(seed: 0, folds: 5, scoring: .uar, search: .grid, features: .mean, estimators: [], text: text)
        var samples: Int?
        var factor = 3
        var searchNode: Node?
        for (keyNode, value) in top {
            guard let key = keyNode.string else { throw fail(keyNode, "keys must be names") }
            switch key {
            case "seed":
                guard let v = value.plainInt, v >= 0 else { throw fail(value, "seed must be a non-negative integer") }
                spec.seed = UInt64(v)
            case "cv":
                guard let v = value.plainInt, v >= 2, v <= 100 else { throw fail(value, "cv must be an integer from 2 to 100 (folds)") }
                spec.folds = v
            case "scoring":
                guard let s = value.string, let v = Scoring(rawValue: s) else {
                    throw fail(value, "scoring must be one of \(Scoring.allCases.map(\.rawValue).joined(separator: ", "))")
                }
                spec.scoring = v
            case "search":
                searchNode = value
            case "n_samples":
                guard let v = value.plainInt, v >= 1 else { throw fail(value, "n_samples must be a positive integer") }
                samples = v
            case "halving_factor":
                guard let v = value.plainInt, v >= 2 else { throw fail(value, "halving_factor must be an integer ≥ 2") }
                factor = v
            case "features":
                guard let s = value.string, let v = FeatureSummary(rawValue: s) else { throw fail(value, "features must be mean or mean_std") }
                spec.features = v
            case "estimators":
                guard let m = value.mapping, !m.isEmpty else { throw fail(value, "estimators must map estimator names to parameter grids") }
                for (nameNode, gridNode) in m {
                    guard let name = nameNode.string else { throw fail(nameNode, "estimator names must be strings") }
                    guard EstimatorCatalog.names.contains(name) || DeepCandidate.networks.contains(name) else {
                        throw fail(nameNode, "unknown estimator '\(name)' (known: \((EstimatorCatalog.names + DeepCandidate.networks).joined(separator: ", ")))")
                    }
                    var grid = EstimatorGrid(name: name, axes: [], lines: ["": line(nameNode) ?? 0])
                    if case .scalar = gridNode, gridNode.null != nil {
                        // `sgd:` with nothing: the defaults.
                    } else {
                        guard let params = gridNode.mapping else { throw fail(gridNode, "the grid of \(name) must map parameter names to values") }
                        for (pNode, vNode) in params {
                            guard let p = pNode.string else { throw fail(pNode, "parameter names must be strings") }
                            if let m = vNode.mapping, m.count == 1, let kind = m.first?.key.string, ParameterDistribution.names.contains(kind) {
                                grid.distributions[p] = try SweepSpec.distribution(kind, m.first!.value, file: file, parameter: "\(name).\(p)")
                                grid.lines[p] = line(pNode)
                                continue
                            }
                            let values: [ParameterValue]
                            if let seq = vNode.sequence, !isTupleParameter(p) || seq.contains(where: { $0.sequence != nil }) {
                                values = try seq.map { n throws(SweepSpecError) in try SweepSpec.value(of: n, file: file) }
                                if values.isEmpty { throw fail(vNode, "empty grid for \(name).\(p)") }
                            } else {
                                values = [try SweepSpec.value(of: vNode, file: file)]
                            }
                            grid.axes.append((p, values))
                            grid.lines[p] = line(pNode)
                        }
                    }
                    spec.estimators.append(grid)
                }
            case "normalization":
                guard let s = value.string, let v = FeatureNormalization(rawValue: s) else {
                    throw fail(value, "normalization must be one of \(FeatureNormalization.allCases.map(\.rawValue).joined(separator: ", "))")
                }
                spec.normalization = v
            case "workers_per_trial":
                guard let v = value.plainInt, v >= 1, v <= 64 else { throw fail(value, "workers_per_trial must be an integer from 1 to 64") }
                spec.workersPerTrial = v
            case "pruning":
                spec.pruning = try PruningSchedule.parse(value, file: file)
            case "smoothing":
                guard let m = value.mapping else { throw fail(value, "smoothing must be a mapping such as {method: viterbi, stay: 0.9}") }
                var stay = 0.9
                for (k, v) in m {
                    switch k.string ?? "" {
                    case "method": guard v.string == "viterbi" else { throw fail(v, "smoothing method must be viterbi") }
                    case "stay":
                        guard let x = v.plainFloat else { throw fail(v, "smoothing stay must be a number") }
                        if let problem = WindowSmoothing.problem(stay: x) { throw fail(v, problem) }
                        stay = x
                    default: throw fail(k, "unknown smoothing key '\(k.string ?? "")' (known: method, stay)")
                    }
                }
                spec.smoothing = WindowSmoothing(stay: stay)
            default:
                throw fail(keyNode, "unknown key '\(key)' (known: seed, cv, scoring, search, n_samples, halving_factor, features, normalization, smoothing, workers_per_trial, pruning, estimators)")
            }
        }
        if spec.estimators.isEmpty { throw SweepSpecError(file: file, line: nil, reason: "no estimators: add an `estimators:` mapping") }
        switch searchNode?.string ?? "grid" {
        case "grid": spec.search = .grid
        case "random":
            guard let samples else { throw fail(searchNode, "search: random needs n_samples") }
            spec.search = .random(samples: samples)
        case "halving": spec.search = .halving(factor: factor)
        default: throw fail(searchNode, "search must be grid, random or halving")
        }
        if spec.hasDistributions {
            guard case .random = spec.search else {
                let (grid, name) = spec.estimators.lazy.compactMap { g in g.distributions.keys.sorted().first.map { (g, $0) } }.first!
                throw SweepSpecError(file: file, line: grid.lines[name], reason: "\(grid.name).\(name): a distribution needs search: random (with n_samples)")
            }
        }
        // Build every configuration once (distributions at both ends of their range): unknown
        // parameters and bad values fail here, with their line.
        for grid in spec.estimators {
            var configurations = grid.configurations()
            for (name, d) in grid.distributions.sorted(by: { $0.key < $1.key }) {
                configurations = configurations.flatMap { c in d.extremes.map { c.merging([name: $0]) { _, new in new } } }
            }
            for config in configurations {
                let (own, featureSet) = FeatureSetSelection.split(config)
                if let featureSet, !grid.isDeep {
                    guard case .string(let name) = featureSet, FeatureKind.storable.contains(where: { $0.rawValue == name }) else {
                        throw SweepSpecError(file: file, line: grid.lines[FeatureSetSelection.parameter] ?? grid.lines[""],
                                             reason: "\(grid.name).feature_set must name stored features (\(FeatureKind.storable.map(\.rawValue).joined(separator: ", "))), not \(featureSet)")
                    }
                }
                do {
                    if grid.isDeep { _ = try DeepCandidate(network: grid.name, parameters: config, order: 0) } else {
                        _ = try EstimatorCatalog.make(grid.name, parameters: own)
                    }
                } catch {
                    throw SweepSpecError(file: file, line: grid.lines[error.parameter] ?? grid.lines[""], reason: error.description)
                }
            }
        }
        return spec
    }

    /// `{loguniform: [low, high]}` and friends.
    static func distribution(_ kind: String, _ node: Node, file: String, parameter: String) throws(SweepSpecError) -> ParameterDistribution {
        let bad = SweepSpecError(file: file, line: line(node), reason: "\(parameter): \(kind) takes [low, high] with low < high"
                                 + (kind == "loguniform" ? " and low > 0" : kind == "randint" ? " (whole numbers; high excluded)" : ""))
        guard let seq = node.sequence, seq.count == 2 else { throw bad }
        if kind == "randint" {
            guard let lo = seq[0].plainInt, let hi = seq[1].plainInt, lo < hi else { throw bad }
            return .randomInteger(low: lo, high: hi)
        }
        guard let lo = seq[0].plainFloat, let hi = seq[1].plainFloat, lo < hi, lo.isFinite, hi.isFinite else { throw bad }
        if kind == "loguniform" {
            guard lo > 0 else { throw bad }
            return .logUniform(low: lo, high: hi)
        }
        return .uniform(low: lo, high: hi)
    }

    /// `hidden_layer_sizes: [64, 32]` is one tuple value, not a grid axis, unless it is a list of lists.
    static func isTupleParameter(_ name: String) -> Bool { name == "hidden_layer_sizes" }

    static func value(of node: Node, file: String) throws(SweepSpecError) -> ParameterValue {
        switch node {
        case .sequence(let seq):
            return .list(try seq.map { n throws(SweepSpecError) in try value(of: n, file: file) })
        case .mapping:
            throw SweepSpecError(file: file, line: line(node), reason: "a parameter value cannot be a mapping")
        case .scalar(let scalar):
            if node.null != nil && scalar.style == .plain { return .null }
            if scalar.style == .plain {
                if let b = node.bool { return .bool(b) }
                if let i = node.plainInt { return .int(i) }
                if let d = node.plainFloat { return .double(d) }
            }
            return .string(scalar.string)
        }
    }

    static func line(_ node: Node) -> Int? { node.mark.map { $0.line } }

    /// The line a YAML parse error points at, if it says.
    public static func yamlLine(_ error: YamlError) -> Int? { YAMLErrors.line(error) }

    /// What a YAML parse error says is wrong.
    public static func yamlReason(_ error: YamlError) -> String { YAMLErrors.reason(error) }
}
