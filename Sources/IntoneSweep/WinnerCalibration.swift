import IntoneCorpus
import IntoneLearning
import IntoneModels

extension TrialRunner {
    /// Temperature scaling for a classic winner: the configuration fitted once more on the store's
    /// train split alone, its probabilities on the validation split's original clips (speakers it
    /// has not seen) give the temperature (`TemperatureScaling.fit`), and `final` (the model that is
    /// saved, fitted on all development rows) is measured on the test speakers before and after.
    ///
    /// `nil` when the rows' splits are not known (data rebuilt on a worker) or either split is empty.
    public func calibration(estimator name: String, parameters: [String: ParameterValue], final: FinalModel) throws(LearningError) -> ModelCalibration? {
        let rows = data.developmentRows
        guard rows.count == data.development.count else { return nil }
        let train = rows.indices.filter { rows[$0].split == .train }
        let validation = rows.indices.filter { rows[$0].split == .validation && !data.augmented[$0] }
        guard !train.isEmpty, !validation.isEmpty else { return nil }
        let (estimator, development, testData, _) = try prepared(name, parameters)
        var fitting = development.subset(train)
        let scaler = StandardScaler(fitting: fitting.features)
        fitting.features = scaler.transform(fitting.features)
        let model = try estimator.fit(fitting, seed: trialSeed(Trial(estimator: name, parameters: parameters, fold: -2)))
        let held = development.subset(validation)
        let raw = Self.rows(model.probabilities(scaler.transform(held.features)), classes: model.classCount)
        let temperature = TemperatureScaling.fit(raw, labels: held.labels)
        let scaled = raw.map { TemperatureScaling.scaled($0, temperature: temperature) }
        var c = ModelCalibration(
            temperature: temperature,
            fittedOn: "the validation split's original clips (\(Set(held.groups).count) speakers), scored by the winning configuration fitted on the train split alone",
            validationRows: held.count,
            validationECEBefore: ExpectedCalibrationError.compute(raw, labels: held.labels),
            validationECEAfter: ExpectedCalibrationError.compute(scaled, labels: held.labels))
        if testData.count > 0 {
            let test = Self.rows(final.model.probabilities(final.scaler.transform(testData.features)), classes: final.model.classCount)
            c.testRows = testData.count
            c.testECEBefore = ExpectedCalibrationError.compute(test, labels: testData.labels)
            c.testECEAfter = ExpectedCalibrationError.compute(test.map { TemperatureScaling.scaled($0, temperature: temperature) }, labels: testData.labels)
        }
        return c
    }

    static func rows(_ flat: [Double], classes k: Int) -> [[Double]] {
        guard k > 0 else { return [] }
        return (0..<(flat.count / k)).map { Array(flat[($0 * k)..<(($0 + 1) * k)]) }
    }
}
