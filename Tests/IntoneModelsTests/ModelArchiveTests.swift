import Foundation
import Testing
import IntoneTestSupport
import IntoneCorpus
import IntoneLearning
import IntoneRandom
import IntoneModels
import IntoneFormats

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
                              features: .init(store: FeatureStoreParameters(), summary: "mean", rows: Array(0..<10)), to: dir.file("model"))
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

/// Model folders that lie (a model is shipped to every worker that scores with it): each is a
/// `ModelError` naming the folder and the problem, never a trap or an out-of-bounds read.
struct HostileModelFolderTests {
    /// A saved decision tree, and a way to rewrite one of its arrays.
    static func treeFolder(_ dir: TemporaryDirectory) throws -> String {
        let train = ModelArchiveTests.blobs(70, seed: 1)
        let scaler = StandardScaler(fitting: train.features)
        var scaled = train
        scaled.features = scaler.transform(train.features)
        let model = try EstimatorCatalog.make("decision_tree", parameters: [:]).fit(scaled, seed: 3)
        let folder = dir.file("model")
        try ModelArchive.save(model, scaler: scaler, estimator: "decision_tree", parameters: [:], classes: Emotion.allCases.map(\.rawValue),
                              features: .init(store: FeatureStoreParameters(), summary: "mean", rows: Array(0..<10)), to: folder)
        return folder
    }

    static func arrayFile(_ folder: String, _ name: String) throws -> String {
        let json = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: folder + "/model.json"))) as! [String: Any]
        return folder + "/" + ((json["arrays"] as! [String: String])[name]!)
    }

    static func reason(_ folder: String) -> String {
        do { _ = try ModelArchive.load(path: folder); return "" } catch { return error.reason }
    }

    /// A split on feature 50,000,000 of a 10-feature model (a SIGSEGV in predict).
    @Test func aTreeReadingPastItsFeaturesIsRefusedAtLoad() throws {
        let dir = try TemporaryDirectory()
        defer { dir.cleanup() }
        let folder = try Self.treeFolder(dir)
        let path = try Self.arrayFile(folder, "feature")
        let feature = try #require(try NPYTypedArray.read(path: path).exactInt32s)
        var bad = feature
        bad[0] = 50_000_000
        try NPYTypedArray(shape: [bad.count], storage: .int32(bad)).write(to: path)
        #expect(Self.reason(folder).contains("the classifier reads 50000001 feature(s), the scaler has 10 means"), "\(Self.reason(folder))")
    }

    @Test func childrenOutsideTheTreeAndFloatIndicesAreRefused() throws {
        let dir = try TemporaryDirectory()
        defer { dir.cleanup() }
        let folder = try Self.treeFolder(dir)
        let path = try Self.arrayFile(folder, "children_left")
        let left = try #require(try NPYTypedArray.read(path: path).exactInt32s)
        var bad = left
        bad[0] = Int32(left.count + 5)
        try NPYTypedArray(shape: [bad.count], storage: .int32(bad)).write(to: path)
        #expect(Self.reason(folder).contains("node 0 has children outside the tree"), "\(Self.reason(folder))")
        try NPYTypedArray(shape: [left.count], storage: .float64(left.map { Double($0) + ($0 == left[0] ? 0.5 : 0) })).write(to: path)
        #expect(Self.reason(folder).contains("'children_left' holds a value that is not a 32-bit integer"), "\(Self.reason(folder))")
    }

    /// model.json naming `../../x.npy` loaded a file outside the folder.
    @Test func arrayPathsMustStayInsideTheFolder() throws {
        let dir = try TemporaryDirectory()
        defer { dir.cleanup() }
        let folder = try Self.treeFolder(dir)
        var text = try String(contentsOfFile: folder + "/model.json", encoding: .utf8)
        let file = (try Self.arrayFile(folder, "feature") as NSString).lastPathComponent
        text = text.replacingOccurrences(of: "\"\(file)\"", with: "\"../outside/\(file)\"")
        try text.write(toFile: folder + "/model.json", atomically: true, encoding: .utf8)
        #expect(Self.reason(folder).contains("which is not inside the model folder"), "\(Self.reason(folder))")
    }

    @Test func aClassCountOtherThanTheNamedClassesIsRefused() throws {
        let dir = try TemporaryDirectory()
        defer { dir.cleanup() }
        let folder = try Self.treeFolder(dir)
        var text = try String(contentsOfFile: folder + "/model.json", encoding: .utf8)
        text = text.replacingOccurrences(of: "\"surprise\"", with: "\"surprise\", \"bored\"")
        try text.write(toFile: folder + "/model.json", atomically: true, encoding: .utf8)
        #expect(Self.reason(folder).contains("the classifier has 7 classes, model.json names 8"), "\(Self.reason(folder))")
    }

    /// The vector the model is fed must be the one its scaler fits, and its rows must exist: a
    /// tree checked only against the scaler read past a shorter row.
    @Test func featuresThatDoNotGiveTheScalersWidthAreRefused() throws {
        let dir = try TemporaryDirectory()
        defer { dir.cleanup() }
        let folder = try Self.treeFolder(dir)
        var text = try String(contentsOfFile: folder + "/model.json", encoding: .utf8)
        let original = text
        text = text.replacingOccurrences(of: "\"summary\" : \"mean\"", with: "\"summary\" : \"mean_std\"")
        #expect(text != original)
        try text.write(toFile: folder + "/model.json", atomically: true, encoding: .utf8)
        #expect(Self.reason(folder).contains("the scaler has 10 features, the model's features give 20"), "\(Self.reason(folder))")
        let rows = try JSONSerialization.jsonObject(with: Data(original.utf8)) as! [String: Any]
        #expect(((rows["features"] as? [String: Any])?["rows"] as? [Int])?.count == 10)
        text = original.replacingOccurrences(of: "9\n", with: "4000\n")
        try text.write(toFile: folder + "/model.json", atomically: true, encoding: .utf8)
        #expect(Self.reason(folder).contains("selects feature rows outside the 40 rows of mfcc"), "\(Self.reason(folder))")
    }
}
