import Testing
import IntoneCorpus
import IntoneEngine
import IntoneFormats
import IntoneLearning
@testable import IntoneSweep
import IntoneTestSupport

/// The sweep's task kind and its data blob.
struct TrialKindTests {
    @Test func parametersOutputAndDataRoundTrip() throws {
        let trial = Trial(estimator: "random_forest", parameters: ["n_estimators": .int(30), "max_features": .string("sqrt"), "alpha": .double(1e-4)],
                          fold: 2, resource: 120)
        let result = TrialResult(score: 0.5, accuracy: 0.25, uar: 1.0 / 3.0, macroF1: 0.1 + 0.2, trainAccuracy: 1, fitSeconds: 0.0123)
        try KindCodecs.check(TrialKind.self, parameters: .init(trial), output: result)
        #expect(try TrialKind.decode(parameters: TrialKind.encode(parameters: .init(trial))).trial == trial)
        #expect(try TrialKind.decode(output: TrialKind.encode(output: result)) == result)

        let development = Dataset(features: Matrix(rows: 3, columns: 2, values: [1, 2, 3, 4, 5, 6.5]), labels: [0, 3, 6], classCount: 7,
                                  groups: ["s1", "s2", "s1"])
        let data = SweepData(development: development, augmented: [false, true, false],
                             test: Dataset(features: Matrix(rows: 0, columns: 2), labels: [], classCount: 7), storeParameters: FeatureStoreParameters())
        let runner = try SweepTaskData.decode(SweepTaskData.encode(TrialRunner(data: data, folds: [0, 1, 0], scoring: .macroF1, seed: 9)))
        #expect(runner.data.development.features.values == development.features.values)
        #expect(runner.data.development.labels == [0, 3, 6] && runner.data.development.groups == ["s1", "s2", "s1"])
        #expect(runner.data.augmented == [false, true, false] && runner.folds == [0, 1, 0] && runner.scoring == .macroF1 && runner.seed == 9)
        #expect(throws: TaskError("sweep data blob is truncated")) { try SweepTaskData.decode([1, 2, 3]) }
    }

    /// A data blob whose header lies (a huge or negative size, a label past its classes) is an
    /// error, not a trap in the worker.
    @Test func aDataBlobWithALyingHeaderIsAnError() throws {
        func blob(rows: Int, columns: Int, classes: Int, labels: [Int], floats: Int) -> [UInt8] {
            let header = """
                {"rows":\(rows),"columns":\(columns),"classCount":\(classes),"labels":\(labels),"groups":[],\
                "augmented":\(Array(repeating: false, count: labels.count)),"folds":\(Array(repeating: 0, count: labels.count)),"scoring":"uar","seed":1}
                """
            var out = [UInt8]()
            ByteCoding.appendRecord(Array(header.utf8), to: &out)
            return out + ByteCoding.floats([Float](repeating: 1, count: floats))
        }
        _ = try SweepTaskData.decode(blob(rows: 2, columns: 2, classes: 7, labels: [0, 6], floats: 4))
        #expect(throws: TaskError("sweep data blob does not match its header")) {
            try SweepTaskData.decode(blob(rows: 1 << 62, columns: 8, classes: 7, labels: [0, 6], floats: 4))
        }
        #expect(throws: TaskError("sweep data blob does not match its header")) {
            try SweepTaskData.decode(blob(rows: -2, columns: -2, classes: 7, labels: [0, 6], floats: 1))
        }
        #expect(throws: TaskError("sweep data blob has a label outside its 7 class(es)")) {
            try SweepTaskData.decode(blob(rows: 2, columns: 2, classes: 7, labels: [0, 7], floats: 4))
        }
        #expect(throws: TaskError("sweep data blob has a label outside its 0 class(es)")) {
            try SweepTaskData.decode(blob(rows: 2, columns: 2, classes: 0, labels: [0, 0], floats: 4))
        }
    }
}
