import Foundation
import Testing
import IntoneTestSupport
import IntoneFormats
import IntoneLearning
import IntoneRandom

/// scikit-learn's HistGradientBoostingClassifier: binning, growth, early stopping, validation, and
/// agreement with scikit-learn on the committed dataset of `scripts/reference/sklearn_hgb.py`.
struct HistGradientBoostingTests {
    // MARK: Fixtures

    struct Setting: Decodable {
        var name: String
        var params: [String: Double]
        var accuracy: Double
        var n_iter: Int
    }

    struct FirstSplit: Decodable {
        var `class`: Int
        var feature: Int
        var bin: Int
        var threshold: Double
    }

    struct Report: Decodable {
        var sklearn: String
        var settings: [Setting]
        var first_splits: [FirstSplit]
    }

    static func path(_ name: String) -> String { Fixtures.root.appendingPathComponent("learning/\(name)").path }

    static func dataset(_ split: String) throws -> Dataset {
        let x = try NPYFile.read(path: path("hgb.\(split).npy"))
        let y = try NPYFile.read(path: path("hgb.\(split)_labels.npy"))
        return Dataset(features: Matrix(rows: x.shape[0], columns: x.shape[1], values: x.values),
                       labels: y.values.map { Int($0) }, classCount: 7)
    }

    static func report() throws -> Report {
        try JSONDecoder().decode(Report.self, from: Data(contentsOf: URL(fileURLWithPath: path("sklearn_hgb_accuracy.json"))))
    }

    /// The estimator for a setting of the script (scikit-learn parameter names).
    static func estimator(_ params: [String: Double]) -> HistGradientBoostingClassifier {
        var e = HistGradientBoostingClassifier()
        for (name, value) in params {
            switch name {
            case "learning_rate": e.learningRate = value
            case "max_depth": e.maxDepth = Int(value)
            case "max_leaf_nodes": e.maxLeafNodes = Int(value)
            case "l2_regularization": e.l2Regularization = value
            case "min_samples_leaf": e.minSamplesLeaf = Int(value)
            default: Issue.record("unknown parameter \(name) in sklearn_hgb_accuracy.json")
            }
        }
        return e
    }

    static func accuracy(_ model: any TrainedClassifier, _ data: Dataset) -> Double {
        ClassificationReport(truth: data.labels, predicted: model.predict(data.features), classCount: data.classCount).accuracy
    }

    static func expectProbabilities(_ p: [Double], classes: Int, sourceLocation: SourceLocation = #_sourceLocation) {
        for i in 0..<(p.count / classes) {
            let row = p[(i * classes)..<((i + 1) * classes)]
            #expect(abs(row.reduce(0, +) - 1) < 1e-12, sourceLocation: sourceLocation)
            #expect(row.allSatisfy { $0 >= 0 && $0 <= 1 }, sourceLocation: sourceLocation)
        }
    }

    // MARK: Binning

    /// Expected values from scikit-learn 1.9.1 (numpy 2.4.6):
    /// `sklearn.ensemble._hist_gradient_boosting.binning._find_binning_thresholds(np.array(values), max_bins).tolist()`.
    @Test func binThresholdsMatchScikitLearnOnSmallColumns() {
        // Fewer distinct values than bins: midpoints.
        #expect(FeatureBinner.thresholds(of: [3, 1, 2, 2, 7.5, 1, 10, 4.25], maxBins: 255) == [1.5, 2.5, 3.625, 5.875, 8.75])
        // More distinct values than bins: averaged-inverted-CDF percentiles (whole and fractional indices).
        let b: [Double] = [0.5, -1.25, 3, 2, 2, 9, 4, -0.75, 6.5, 1, 2, 5.25]
        #expect(FeatureBinner.thresholds(of: b, maxBins: 4) == [0.75, 2.0, 4.625])
        #expect(FeatureBinner.thresholds(of: b, maxBins: 5) == [0.5, 2.0, 3.0, 5.25])
        #expect(FeatureBinner.thresholds(of: (0..<10).map { Double($0 * $0) }, maxBins: 3) == [9, 36])
        // A constant column has a single bin.
        #expect(FeatureBinner.thresholds(of: [4, 4, 4], maxBins: 255) == [])
    }

    /// `_BinMapper(n_bins=5).fit(X)` with X = np.stack([b, b[::-1] * 2], 1), b as above:
    /// `bin_thresholds_` and `transform(X).T`.
    @Test func binnerMapsValuesLikeScikitLearnsBinMapper() {
        let b: [Float] = [0.5, -1.25, 3, 2, 2, 9, 4, -0.75, 6.5, 1, 2, 5.25]
        let x = Matrix(rows: 12, columns: 2, values: (0..<12).flatMap { [b[$0], b[11 - $0] * 2] })
        var random = SeededRandom(seed: 0)
        let binner = FeatureBinner(fitting: x, maxBins: 4, random: &random)
        #expect(binner.thresholds == [[0.75, 2.0, 4.625], [1.5, 4.0, 9.25]])
        let binned = binner.transform(x)
        #expect((0..<12).map { binned[$0, 0] } == [0, 0, 2, 1, 1, 3, 2, 0, 3, 1, 1, 3])
        #expect((0..<12).map { binned[$0, 1] } == [3, 1, 1, 3, 0, 2, 3, 1, 1, 2, 0, 0])
    }

    /// Every training value of the fixture lands in scikit-learn's bin (`hgb.train_bins.npy`).
    @Test func fixtureBinsMatchScikitLearn() throws {
        let train = try Self.dataset("train")
        let expected = try NPYFile.read(path: Self.path("hgb.train_bins.npy"))
        var random = SeededRandom(seed: 0)
        let binned = FeatureBinner(fitting: train.features, random: &random).transform(train.features)
        var mismatches = 0
        for r in 0..<train.count { for f in 0..<train.featureCount where Float(binned[r, f]) != expected.values[r * train.featureCount + f] { mismatches += 1 } }
        #expect(mismatches == 0)
    }

    // MARK: Behaviour

    @Test func learnsBlobsWithProbabilitiesThatSumToOne() throws {
        let train = TreeTests.blobs(300, seed: 1), test = TreeTests.blobs(300, seed: 2)
        let model = try HistGradientBoostingClassifier().fit(train, seed: 3)
        #expect(Self.accuracy(model, test) > 0.85)
        Self.expectProbabilities(model.probabilities(test.features), classes: 3)
    }

    @Test func sameSeedReplaysBitForBit() throws {
        let train = TreeTests.blobs(300, seed: 1), test = TreeTests.blobs(100, seed: 2)
        // Feature sampling and the early-stopping split both draw from the seed.
        let e = HistGradientBoostingClassifier(maxIter: 40, maxFeatures: 0.5, earlyStopping: .on)
        let a = try e.fitModel(train, seed: 11), b = try e.fitModel(train, seed: 11), c = try e.fitModel(train, seed: 12)
        #expect(a == b)
        #expect(a.probabilities(test.features) == b.probabilities(test.features))
        #expect(a.trees != c.trees)
    }

    @Test func twoClassesUseOneLogisticTreePerIterationAndUnseenClassesGetZero() throws {
        var train = TreeTests.blobs(300, seed: 1)
        let keep = (0..<train.count).filter { train.labels[$0] != 1 }
        train = train.subset(keep)  // classes 0 and 2 of 3
        let model = try HistGradientBoostingClassifier(maxIter: 20).fitModel(train, seed: 0)
        #expect(model.treesPerIteration == 1 && model.trees.count == 20 && model.classes == [0, 2])
        let p = model.probabilities(train.features)
        Self.expectProbabilities(p, classes: 3)
        #expect((0..<train.count).allSatisfy { p[$0 * 3 + 1] == 0 })
        #expect(Self.accuracy(model, train) > 0.9)
    }

    @Test func depthAndLeafLimitsAreHonoured() throws {
        let train = TreeTests.blobs(600, seed: 4)
        let shallow = try HistGradientBoostingClassifier(maxIter: 5, maxLeafNodes: nil, maxDepth: 2, minSamplesLeaf: 1).fitModel(train, seed: 0)
        #expect(shallow.trees.allSatisfy { $0.depth <= 2 } && shallow.trees.contains { $0.depth == 2 })
        let small = try HistGradientBoostingClassifier(maxIter: 5, maxLeafNodes: 4, minSamplesLeaf: 1).fitModel(train, seed: 0)
        #expect(small.trees.allSatisfy { $0.leafCount <= 4 } && small.trees.contains { $0.leafCount == 4 })
        let big = try HistGradientBoostingClassifier(maxIter: 5, minSamplesLeaf: 250).fitModel(train, seed: 0)
        #expect(big.trees.allSatisfy { tree in (0..<tree.nodeCount).allSatisfy { tree.feature[$0] >= 0 || tree.count[$0] >= 250 } })
    }

    @Test func earlyStoppingStopsOnAnEasyProblem() throws {
        let train = TreeTests.blobs(600, seed: 5)
        let model = try HistGradientBoostingClassifier(maxIter: 500, earlyStopping: .on).fitModel(train, seed: 1)
        #expect(model.iterations < 500)
        #expect(model.validationScore.count == model.iterations + 1)
        #expect(model.trainScore.count == model.iterations + 1)
        // Stopped because the last n_iter_no_change scores did not beat the one before them by tol.
        let s = model.validationScore, reference = s[s.count - 11] + 1e-7
        #expect(s.suffix(10).allSatisfy { $0 <= reference })
        // 'auto' is off below 10 000 samples: all iterations run and no scores are kept.
        let auto = try HistGradientBoostingClassifier(maxIter: 30).fitModel(train, seed: 1)
        #expect(auto.iterations == 30 && auto.validationScore.isEmpty)
        // Without a validation part, the training loss is scored.
        let onTrain = try HistGradientBoostingClassifier(maxIter: 30, earlyStopping: .on, validationFraction: nil).fitModel(train, seed: 1)
        #expect(onTrain.validationScore.isEmpty && onTrain.trainScore.count == onTrain.iterations + 1)
    }

    @Test(arguments: [
        (HistGradientBoostingClassifier(maxLeafNodes: 1), "max_leaf_nodes"),
        (HistGradientBoostingClassifier(learningRate: 0), "learning_rate"),
        (HistGradientBoostingClassifier(learningRate: -0.1), "learning_rate"),
        (HistGradientBoostingClassifier(minSamplesLeaf: 0), "min_samples_leaf"),
        (HistGradientBoostingClassifier(maxBins: 256), "max_bins"),
        (HistGradientBoostingClassifier(maxBins: 1), "max_bins"),
        (HistGradientBoostingClassifier(maxIter: 0), "max_iter"),
        (HistGradientBoostingClassifier(maxDepth: 0), "max_depth"),
        (HistGradientBoostingClassifier(l2Regularization: -1), "l2_regularization"),
        (HistGradientBoostingClassifier(maxFeatures: 0), "max_features"),
        (HistGradientBoostingClassifier(validationFraction: .fraction(1)), "validation_fraction"),
        (HistGradientBoostingClassifier(nIterNoChange: 0), "n_iter_no_change"),
        (HistGradientBoostingClassifier(tol: -1), "tol"),
    ])
    func invalidParametersThrowNamingTheParameter(_ estimator: HistGradientBoostingClassifier, _ parameter: String) {
        do {
            _ = try estimator.fit(TreeTests.blobs(60, seed: 0), seed: 0)
            Issue.record("expected \(parameter) to be rejected")
        } catch {
            #expect(error.reason.contains(parameter), "\(error.reason)")
        }
    }

    @Test func nonFiniteFeaturesAndSingleClassesAreRejected() {
        var data = TreeTests.blobs(60, seed: 0)
        data.features[7, 2] = .nan
        #expect(throws: LearningError.self) { try HistGradientBoostingClassifier().fit(data, seed: 0) }
        do { _ = try HistGradientBoostingClassifier().fit(data, seed: 0) } catch {
            #expect(error.reason.contains("sample 7, feature 2 is nan"), "\(error.reason)")
        }
        let one = Dataset(features: Matrix(rows: 3, columns: 1, values: [1, 2, 3]), labels: [1, 1, 1], classCount: 2)
        #expect(throws: LearningError.self) { try HistGradientBoostingClassifier().fit(one, seed: 0) }
    }

    // MARK: Agreement with scikit-learn

    @Test func accuracyIsWithinThreePointsOfScikitLearn() throws {
        let train = try Self.dataset("train"), test = try Self.dataset("test")
        for setting in try Self.report().settings {
            let model = try Self.estimator(setting.params).fitModel(train, seed: 0)
            let ours = Self.accuracy(model, test)
            #expect(abs(ours - setting.accuracy) <= 0.03, "\(setting.name): ours \(ours), scikit-learn \(setting.accuracy)")
            #expect(model.iterations == setting.n_iter)
        }
    }

    /// scikit-learn's default model on the fixture involves no randomness, and our raw scores follow
    /// its floating-point operations exactly (only numpy's SIMD `exp` differs, by about 1e-16), so
    /// the probabilities agree to the float32 they are stored in: within one float32 ulp of 1.
    @Test func defaultProbabilitiesMatchScikitLearn() throws {
        let train = try Self.dataset("train"), test = try Self.dataset("test")
        let expected = try NPYFile.read(path: Self.path("hgb.default_proba.npy"))
        let p = try HistGradientBoostingClassifier().fit(train, seed: 0).probabilities(test.features)
        #expect(expected.shape == [300, 7])
        #expect(maxAbsDifference(p.map { Float($0) }, expected.values) <= Float(1).ulp)
    }

    @Test func firstSplitOfEachClassMatchesScikitLearn() throws {
        let train = try Self.dataset("train")
        let model = try HistGradientBoostingClassifier(maxIter: 1, maxDepth: 1).fitModel(train, seed: 0)
        let expected = try Self.report().first_splits
        #expect(model.trees.count == expected.count)
        for (tree, split) in zip(model.trees, expected) {
            #expect(tree.nodeCount == 3)
            #expect(Int(tree.feature[0]) == split.feature, "class \(split.class)")
            #expect(Int(tree.binThreshold[0]) == split.bin, "class \(split.class)")
            #expect(abs(tree.threshold[0] - split.threshold) <= 1e-12 * abs(split.threshold), "class \(split.class)")
        }
    }
}
