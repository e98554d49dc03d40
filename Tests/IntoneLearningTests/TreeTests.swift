import Testing
import IntoneTestSupport
import IntoneLearning
import IntoneRandom

/// Decision trees and tree ensembles on small exact cases.
struct TreeTests {
    /// Two features; class 1 iff x0 > 2.5 (x1 is noise).
    static let simple: Dataset = {
        let x: [Float] = [1, 9, 2, 1, 3, 8, 4, 2, 1, 5, 5, 3, 2, 7, 6, 1]
        let y = [0, 0, 1, 1, 0, 1, 0, 1]
        return Dataset(features: Matrix(rows: 8, columns: 2, values: x), labels: y, classCount: 2)
    }()

    @Test func stumpFindsTheSeparatingThresholdAtTheMidpoint() throws {
        let model = try DecisionTreeClassifier(parameters: TreeParameters(maxDepth: 1)).fit(Self.simple, seed: 0)
        let tree = try #require(model as? DecisionTree)
        #expect(tree.nodeCount == 3)
        #expect(tree.feature[0] == 0)
        #expect(tree.threshold[0] == 2.5)
        #expect(tree.predict(Self.simple.features) == Self.simple.labels)
        #expect(tree.probabilities(Matrix(rows: 1, columns: 2, values: [0, 0])) == [1, 0])
    }

    @Test func minSamplesLeafAndDepthAreHonoured() throws {
        let data = Self.simple
        let deep = try #require(try DecisionTreeClassifier().fit(data, seed: 1) as? DecisionTree)
        #expect(deep.predict(data.features) == data.labels)
        let capped = try #require(try DecisionTreeClassifier(parameters: TreeParameters(minSamplesLeaf: .count(4))).fit(data, seed: 1) as? DecisionTree)
        #expect(capped.nodeCount == 3)  // only an even 4/4 split is allowed
        let fraction = try #require(try DecisionTreeClassifier(parameters: TreeParameters(minSamplesLeaf: .fraction(0.5))).fit(data, seed: 1) as? DecisionTree)
        #expect(fraction == capped)
    }

    @Test func zeroWeightSamplesTakeNoPart() {
        var random = SeededRandom(seed: 0)
        // Flip one label but give it weight 0: the tree must still split at 2.5 and be pure.
        var data = Self.simple
        data.labels[0] = 1
        var weights = [Double](repeating: 1, count: 8)
        weights[0] = 0
        let tree = TreeBuilder.fit(data, sampleWeight: weights, parameters: TreeParameters(), random: &random)
        #expect(tree.nodeCount == 3 && tree.threshold[0] == 2.5)
    }

    /// Three Gaussian-ish blobs in 4 dimensions.
    static func blobs(_ n: Int, seed: UInt64) -> Dataset {
        var r = SeededRandom(seed: seed)
        var x: [Float] = [], y: [Int] = []
        for i in 0..<n {
            let c = i % 3
            for j in 0..<4 { x.append(Float(r.normal(mean: j == c ? 2.5 : 0, sd: 1))) }
            y.append(c)
        }
        return Dataset(features: Matrix(rows: n, columns: 4, values: x), labels: y, classCount: 3)
    }

    @Test(arguments: ["forest", "bagging", "adaboost"])
    func ensemblesLearnBlobsAndReplayFromTheSeed(_ kind: String) throws {
        let train = Self.blobs(300, seed: 1), test = Self.blobs(300, seed: 2)
        let estimator: any Estimator = switch kind {
        case "forest": RandomForestClassifier(estimators: 30)
        case "bagging": BaggingClassifier(estimators: 10, maxFeatures: .fraction(0.75))
        default: AdaBoostClassifier(estimators: 30, maxDepth: 2)
        }
        let a = try estimator.fit(train, seed: 9), b = try estimator.fit(train, seed: 9)
        #expect(a.probabilities(test.features) == b.probabilities(test.features))
        let accuracy = ClassificationReport(truth: test.labels, predicted: a.predict(test.features), classCount: 3).accuracy
        #expect(accuracy > 0.8, "\(kind): \(accuracy)")
        let p = a.probabilities(test.features)
        for i in 0..<test.count { #expect(abs(p[(i * 3)..<(i * 3 + 3)].reduce(0, +) - 1) < 1e-9) }
    }
}

/// Metrics as scikit-learn defines them.
struct MetricsTests {
    @Test func reportMatchesHandComputedValues() {
        // truth:     0 0 0 1 1 2
        // predicted: 0 0 1 1 2 2
        let r = ClassificationReport(truth: [0, 0, 0, 1, 1, 2], predicted: [0, 0, 1, 1, 2, 2], classCount: 4)
        #expect(r.confusion == [[2, 1, 0, 0], [0, 1, 1, 0], [0, 0, 1, 0], [0, 0, 0, 0]])
        #expect(abs(r.accuracy - 4.0 / 6) < 1e-12)
        // recall: 2/3, 1/2, 1 → UAR over the 3 present classes.
        #expect(abs(r.uar - (2.0 / 3 + 0.5 + 1) / 3) < 1e-12)
        // precision: 1, 1/2, 1/2; F1: 0.8, 0.5, 2/3; class 3 neither true nor predicted is left out.
        #expect(abs(r.macroF1 - (0.8 + 0.5 + 2.0 / 3) / 3) < 1e-12)
        #expect(r.precision == [1, 0.5, 0.5, 0])
        #expect(r.support == [3, 2, 1, 0])
    }

    @Test func scalerUsesPopulationStatisticsAndKeepsConstantsAtScaleOne() {
        let x = Matrix(rows: 3, columns: 2, values: [1, 5, 2, 5, 3, 5])
        let s = StandardScaler(fitting: x)
        #expect(s.mean == [2, 5])
        #expect(abs(s.scale[0] - (2.0 / 3).squareRoot()) < 1e-12)
        #expect(s.scale[1] == 1)
        let t = s.transform(x)
        #expect(t.values[1] == 0 && abs(t.values[0] + Float(1 / (2.0 / 3).squareRoot())) < 1e-6)
    }
}
