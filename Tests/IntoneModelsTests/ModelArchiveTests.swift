import Foundation
import Testing
import IntoneTestSupport
import IntoneCorpus
import IntoneLearning
import IntoneRandom
import IntoneModels

/// Saved models load back and predict exactly as before.
struct ModelArchiveTests {
    static func blobs(_ n: Int, seed: UInt64) -> Dataset {
        var r = SeededRandom(seed: seed)
        var x: [Float] = [], y: [Int] = []
        for i in 0..<n {
            let c = i % 7
            for j in 0..<10 { x.append(Float(r.normal(mean: j == c ? 2 : 0, sd: 1))) }
            y.append(c)
        }
        return Dataset(features: Matrix(rows: n, columns: 10, values: x), labels: y, classCount: 7)
    }

    @Test(arguments: ["random_forest", "bagging", "adaboost", "decision_tree", "sgd", "mlp", "hist_gradient_boosting"])
    func savedModelPredictsIdentically(_ name: String) throws {
        let dir = try TemporaryDirectory()
        defer { dir.cleanup() }
        let train = Self.blobs(210, seed: 1), test = Self.blobs(70, seed: 2)
        let estimator = try EstimatorCatalog.make(name, parameters: name == "bagging" ? ["max_features": .double(0.5)] : (name == "mlp" ? ["max_iter": .int(30)] : [:]))
        let scaler = StandardScaler(fitting: train.features)
        var scaled = train
        scaled.features = scaler.transform(train.features)
        let model = try estimator.fit(scaled, seed: 3)
        try ModelArchive.save(model, scaler: scaler, estimator: name, parameters: [:], classes: Emotion.allCases.map(\.rawValue),
                              features: .init(store: FeatureStoreParameters(), summary: "mean"), to: dir.file("model"))
        let loaded = try ModelArchive.load(path: dir.file("model"))
        #expect(loaded.estimator == name)
        #expect(loaded.scaler == scaler)
        let x = scaler.transform(test.features)
        #expect(loaded.classifier?.probabilities(x) == model.probabilities(x))
        #expect(FileManager.default.fileExists(atPath: dir.file("model/model.json")))
    }

    @Test func missingOrBrokenModelsAreNamed() throws {
        let dir = try TemporaryDirectory()
        defer { dir.cleanup() }
        #expect(throws: ModelError("\(dir.path): not a model folder (no model.json)")) { try ModelArchive.load(path: dir.path) }
        try "{\"format\": 9}".write(toFile: dir.file("model.json"), atomically: true, encoding: .utf8)
        let error = try #require(throws: ModelError.self) { try ModelArchive.load(path: dir.path) }
        #expect(error.reason.contains("model.json is unreadable") || error.reason.contains("format 9"))
    }
}
