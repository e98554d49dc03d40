import Foundation
import IntoneLearning
import IntoneRandom

/// Runs trials on a sweep's data: the pure part of a sweep, shared by local and cluster placement.
public struct TrialRunner: Sendable {
    public let data: SweepData
    /// Fold of each development row.
    public let folds: [Int]
    public let scoring: Scoring
    /// The sweep's seed: every trial's randomness derives from it and the trial's identity.
    public let seed: UInt64

    public init(data: SweepData, folds: [Int], scoring: Scoring, seed: UInt64) {
        self.data = data
        self.folds = folds
        self.scoring = scoring
        self.seed = seed
    }

    /// Fits the trial's configuration on the training folds (original and augmented rows, standardised
    /// on those rows) and scores it on the held-out fold's original rows.
    public func run(_ trial: Trial) throws(LearningError) -> TrialResult {
        let (estimator, development, _, _) = try prepared(trial.estimator, trial.parameters)
        var trainRows = development.labels.indices.filter { folds[$0] != trial.fold }
        let scoreRows = development.labels.indices.filter { folds[$0] == trial.fold && !data.augmented[$0] }
        guard !trainRows.isEmpty, !scoreRows.isEmpty else {
            throw LearningError("fold \(trial.fold) leaves no rows to fit or to score (too few speakers for the number of folds?)")
        }
        if let resource = trial.resource, resource < trainRows.count {
            var random = SeededRandom(seed: seed, stream: "halving/\(trial.fold)/\(resource)")
            trainRows = Array(random.shuffled(trainRows).prefix(resource)).sorted()
        }
        let train = development.subset(trainRows)
        let held = development.subset(scoreRows)
        let scaler = StandardScaler(fitting: train.features)
        var scaledTrain = train
        scaledTrain.features = scaler.transform(train.features)
        let started = DispatchTime.now().uptimeNanoseconds
        let model = try estimator.fit(scaledTrain, seed: trialSeed(trial))
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - started) / 1e9
        let report = ClassificationReport(truth: held.labels, predicted: model.predict(scaler.transform(held.features)), classCount: held.classCount)
        let trainReport = ClassificationReport(truth: scaledTrain.labels, predicted: model.predict(scaledTrain.features), classCount: train.classCount)
        return TrialResult(score: scoring.value(report), accuracy: report.accuracy, uar: report.uar, macroF1: report.macroF1,
                           trainAccuracy: trainReport.accuracy, fitSeconds: seconds)
    }

    /// The seed an estimator gets: from the sweep seed and the configuration (not the fold, so that a
    /// configuration's random choices are the same across folds, as scikit-learn's random_state).
    func trialSeed(_ trial: Trial) -> UInt64 {
        var r = SeededRandom(seed: seed, stream: "trial/" + trial.configurationKey)
        return r.next()
    }

    /// Fits on all development rows and scores on the test rows: the winner's final evaluation.
    public func refit(estimator name: String, parameters: [String: ParameterValue]) throws(LearningError) -> FinalModel {
        let (estimator, development, testData, rows) = try prepared(name, parameters)
        let scaler = StandardScaler(fitting: development.features)
        var train = development
        train.features = scaler.transform(train.features)
        let model = try estimator.fit(train, seed: trialSeed(Trial(estimator: name, parameters: parameters, fold: -1)))
        let test = testData.count > 0
            ? ClassificationReport(truth: testData.labels, predicted: model.predict(scaler.transform(testData.features)), classCount: testData.classCount)
            : nil
        let trainReport = ClassificationReport(truth: train.labels, predicted: model.predict(train.features), classCount: train.classCount)
        return FinalModel(model: model, scaler: scaler, test: test, train: trainReport, rows: rows)
    }
}

/// The winner refitted on all development data.
public struct FinalModel: Sendable {
    public let model: any TrainedClassifier
    public let scaler: StandardScaler
    /// Scores on the held-out test speakers (`nil` when the store has no test split).
    public let test: ClassificationReport?
    /// Scores on the rows it was fitted on.
    public let train: ClassificationReport
    /// The store rows it reads (its `feature_set`), or `nil` for all of them.
    public var rows: [Int]? = nil
}
