import Foundation
import Testing
import IntoneTestSupport
import IntoneFormats
import IntoneLearning

/// Random forest, bagging, AdaBoost and single trees against scikit-learn on the committed blobs fixture
/// (scripts/reference/sklearn_trees.py wrote the numbers).
struct TreeParityTests {
    struct Reference: Decodable {
        struct Accuracy: Decodable { let mean: Double }
        struct Tree: Decodable { let feature: [Int]; let threshold: [Double]; let accuracy: Double }
        let accuracy: [String: Accuracy]
        let trees: [String: Tree]
    }

    static let reference: Reference = {
        let data = FileManager.default.contents(atPath: Fixtures.root.appendingPathComponent("learning/sklearn_trees.json").path)!
        return try! JSONDecoder().decode(Reference.self, from: data)
    }()

    /// The blobs fixture, standardised on the training set.
    static let data: (train: Dataset, test: Dataset) = {
        func load(_ name: String) -> NPYArray { try! NPYFile.read(path: Fixtures.root.appendingPathComponent("learning/blobs.\(name).npy").path) }
        let xtr = load("train"), ytr = load("train_labels"), xte = load("test"), yte = load("test_labels")
        let train = Matrix(rows: xtr.shape[0], columns: xtr.shape[1], values: xtr.values)
        let test = Matrix(rows: xte.shape[0], columns: xte.shape[1], values: xte.values)
        let scaler = StandardScaler(fitting: train)
        return (Dataset(features: scaler.transform(train), labels: ytr.values.map { Int($0) }, classCount: 7),
                Dataset(features: scaler.transform(test), labels: yte.values.map { Int($0) }, classCount: 7))
    }()

    static func accuracy(_ model: any TrainedClassifier) -> Double {
        ClassificationReport(truth: data.test.labels, predicted: model.predict(data.test.features), classCount: 7).accuracy
    }

    @Test(arguments: [1, 2])
    func shallowTreeChoosesScikitLearnsSplits(_ depth: Int) throws {
        let ref = try #require(Self.reference.trees["depth\(depth)"])
        let tree = try #require(try DecisionTreeClassifier(parameters: TreeParameters(maxDepth: depth)).fit(Self.data.train, seed: 0) as? DecisionTree)
        // Internal nodes depth first, as scikit-learn numbers them.
        let splits = (0..<tree.nodeCount).filter { tree.feature[$0] >= 0 }
        #expect(splits.map { Int(tree.feature[$0]) } == ref.feature)
        for (i, n) in splits.enumerated() {
            // Same pair of sample values; scaling in double (ours) vs float32 (scikit-learn) can move the
            // midpoint by a float32 ulp.
            #expect(abs(tree.threshold[n] - ref.threshold[i]) < 1e-5, "node \(n): \(tree.threshold[n]) vs \(ref.threshold[i])")
        }
        #expect(abs(Self.accuracy(tree) - ref.accuracy) < 1e-9)
    }

    @Test(arguments: [
        ("random_forest", "random_forest", [String: ParameterValue]()),
        ("random_forest_depth8_leaf4", "random_forest", ["max_depth": .int(8), "min_samples_leaf": .int(4)]),
        ("bagging", "bagging", ["n_estimators": .int(25), "max_samples": .double(0.8), "max_features": .double(0.5)]),
        ("adaboost_depth2", "adaboost", ["n_estimators": .int(100), "learning_rate": .double(0.5), "max_depth": .int(2)]),
        ("adaboost_stumps", "adaboost", ["n_estimators": .int(200), "learning_rate": .double(1.0)]),
    ])
    func ensembleAccuracyIsWithinThreePointsOfScikitLearn(_ key: String, _ name: String, _ parameters: [String: ParameterValue]) throws {
        let ref = try #require(Self.reference.accuracy[key]).mean
        let estimator = try EstimatorCatalog.make(name, parameters: parameters)
        var total = 0.0
        for seed in 0..<10 { total += Self.accuracy(try estimator.fit(Self.data.train, seed: UInt64(seed))) }
        let ours = total / 10
        #expect(abs(ours - ref) <= 0.03, "\(key): ours \(ours), scikit-learn \(ref)")
    }
}
