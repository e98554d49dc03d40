import Testing
import IntoneCorpus
import IntoneEngine
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
}
