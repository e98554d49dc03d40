import Foundation
import IntoneCorpus
import IntoneFeatures
import IntoneFormats
import IntoneLearning
import IntoneNeural
import IntoneModels

/// `intone train`: trains a deep model on a feature store and writes its run directory:
///
/// ```
/// RUN_DIR/
///   config.yaml        the config as given
///   history.csv        epoch, loss, accuracy, val_loss, val_accuracy, lr
///   metrics.json       validation and test accuracy, UAR, macro F1 (held-out speakers), best epoch, timings
///   model/             the best-validation-accuracy weights (docs/MODEL-FORMAT.md, kind "deep") and
///                      calibration.json (temperature scaling fitted on the validation split)
///   loss.svg accuracy.svg confusion.svg   curves and the test confusion matrix
///   checkpoint/        the state after the last epoch (resumes an interrupted run)
///   report.md
/// ```
public struct TrainingRun: Sendable {
    public let config: ModelConfig
    public let configText: String
    public let storePath: String
    public let runDirectory: String
    /// Shards per global batch (data-parallel training) and where they are computed.
    public var shards = 1
    public var computer: (any GradientComputer)?
    /// Where whole epochs run on replicas exchanging among themselves (ring allreduce), if anywhere.
    public var replicas: (any ReplicaEpochRunner)?
    /// Train on the store's augmented copies too (false: the original clips only).
    public var augmented = true

    public init(config: ModelConfig, configText: String, storePath: String, runDirectory: String) {
        self.config = config
        self.configText = configText
        self.storePath = storePath
        self.runDirectory = runDirectory
    }

    /// Validation and test scores in the shape the classic sweep uses.
    public struct Metrics: Codable, Equatable, Sendable {
        public struct Scores: Codable, Equatable, Sendable {
            public var accuracy: Double
            public var uar: Double
            public var macroF1: Double
            public var examples: Int
            enum CodingKeys: String, CodingKey { case accuracy, uar, examples, macroF1 = "macro_f1" }
            init(_ r: ClassificationReport, examples: Int) {
                accuracy = r.accuracy
                uar = r.uar
                macroF1 = r.macroF1
                self.examples = examples
            }
        }
        public var model: String
        public var parameters: Int
        public var epochs: Int
        public var bestEpoch: Int
        public var stoppedEarly: Bool
        public var secondsPerEpoch: Double?
        public var train: Int
        public var validation: Scores
        public var test: Scores?
        /// The test confusion matrix (truth × prediction), not written to metrics.json.
        public var testConfusion: [[Int]]? = nil
        enum CodingKeys: String, CodingKey {
            case model, parameters, epochs, train, validation, test
            case bestEpoch = "best_epoch", stoppedEarly = "stopped_early", secondsPerEpoch = "seconds_per_epoch"
        }
    }

    /// Trains (or resumes, or only reloads a finished run) and writes every output.
    public func run(epochEnded: (EpochRecord) -> Void = { _ in }, batchEnded: (Int, Int) -> Void = { _, _ in }) throws(TrainingError) -> Metrics {
        let store: FeatureStore
        do { store = try FeatureStore(path: storePath) } catch { throw TrainingError(error.description) }
        guard FeatureKind.framed.contains(store.parameters.kind) else {
            throw TrainingError("\(storePath): deep models take frames of \(FeatureKind.framed.map(\.rawValue).joined(separator: ", ")); this store holds \(store.parameters.kind.rawValue) (one vector per clip: train a classic model with `intone sweep`)")
        }
        let data: SequenceData
        do { data = try SequenceData(store: store, layout: config.input, frames: config.frames, augmented: augmented) } catch { throw TrainingError(error.description) }
        do { try FileManager.default.createDirectory(atPath: runDirectory, withIntermediateDirectories: true) } catch {
            throw TrainingError("cannot create \(runDirectory) (\(error.localizedDescription))")
        }
        try write(configText, "config.yaml")
        var trainer = Trainer(config: config, configText: configText, data: data, checkpointFolder: runDirectory + "/checkpoint")
        trainer.shards = shards
        trainer.computer = computer
        trainer.replicas = replicas
        let outcome = try trainer.train(epochEnded: { record in
            try? AtomicFile.write(Data(EpochRecord.csv([record]).utf8), to: runDirectory + "/.last-epoch.csv")
            epochEnded(record)
        }, batchEnded: batchEnded)
        try? FileManager.default.removeItem(atPath: runDirectory + "/.last-epoch.csv")
        try write(EpochRecord.csv(outcome.history), "history.csv")

        // Scores of the kept (best validation accuracy) weights.
        let k = SequenceData.classes.count
        let validationProbabilities = try trainer.probabilities(outcome.network, data.validation)
        let validation = ClassificationReport(truth: data.labels(data.validation), predicted: validationProbabilities.map(Trainer.mostProbable), classCount: k)
        var testReport: ClassificationReport?
        var testProbabilities: [[Double]] = []
        if !data.test.isEmpty {
            testProbabilities = try trainer.probabilities(outcome.network, data.test)
            testReport = ClassificationReport(truth: data.labels(data.test), predicted: testProbabilities.map(Trainer.mostProbable), classCount: k)
        }
        let seconds = outcome.history.map(\.seconds)
        let metrics = Metrics(model: config.name, parameters: outcome.network.parameterCount, epochs: outcome.history.count,
                              bestEpoch: outcome.bestEpoch, stoppedEarly: outcome.stoppedEarly,
                              secondsPerEpoch: seconds.isEmpty ? nil : seconds.reduce(0, +) / Double(seconds.count),
                              train: data.train.count, validation: .init(validation, examples: data.validation.count),
                              test: testReport.map { .init($0, examples: data.test.count) }, testConfusion: testReport?.confusion)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        do { try write(String(decoding: try encoder.encode(metrics), as: UTF8.self) + "\n", "metrics.json") } catch let e as TrainingError { throw e } catch {
            throw TrainingError("cannot encode metrics (\(error))")
        }

        // The model, loadable by `intone predict` and `intone score`.
        let predictor = DeepPredictor(network: outcome.network, layers: config.layers(classes: k), normalizer: data.normalizer,
                                      layout: config.input == .frames ? .frames : .flat, frames: config.frames)
        do {
            try ModelArchive.save(deep: predictor, classes: SequenceData.classes,
                                  features: .init(store: store.parameters, summary: "sequence"), trainingConfig: configText,
                                  to: runDirectory + "/model")
        } catch {
            throw TrainingError("cannot write the model in \(runDirectory)/model (\(error.localizedDescription))")
        }
        if let calibration = Self.calibration(validation: validationProbabilities, labels: data.labels(data.validation),
                                              speakers: Set(data.validation.map(\.row.speakerKey)).count,
                                              test: testProbabilities, testLabels: data.labels(data.test)) {
            do { try calibration.save(to: runDirectory + "/model") } catch {
                throw TrainingError("cannot write \(runDirectory)/model/\(ModelCalibration.fileName) (\(error.localizedDescription))")
            }
        }

        // Plots and the report.
        let h = outcome.history
        try write(SVGPlots.curves([("loss", h.map(\.loss)), ("val_loss", h.map(\.valLoss))], title: "\(config.name): loss", yLabel: "cross-entropy",
                                  marked: outcome.bestEpoch), "loss.svg")
        try write(SVGPlots.curves([("accuracy", h.map(\.accuracy)), ("val_accuracy", h.map(\.valAccuracy))], title: "\(config.name): accuracy",
                                  yLabel: "accuracy", unitRange: true, marked: outcome.bestEpoch), "accuracy.svg")
        let shown = testReport ?? validation
        try write(SVGPlots.confusionMatrix(shown.confusion, classes: SequenceData.classes,
                                           title: "\(config.name): \(testReport == nil ? "validation" : "test") (held-out speakers)"), "confusion.svg")
        try write(report(metrics, history: h), "report.md")
        return metrics
    }

    /// Temperature scaling fitted on the validation speakers' probabilities (the split that also
    /// chose the kept epoch), measured there and on the test speakers; `nil` without validation rows.
    static func calibration(validation: [[Double]], labels: [Int], speakers: Int, test: [[Double]], testLabels: [Int]) -> ModelCalibration? {
        guard !validation.isEmpty else { return nil }
        let t = TemperatureScaling.fit(validation, labels: labels)
        var c = ModelCalibration(
            temperature: t, fittedOn: "the validation split (\(speakers) speakers), which also chose the kept epoch",
            validationRows: validation.count,
            validationECEBefore: ExpectedCalibrationError.compute(validation, labels: labels),
            validationECEAfter: ExpectedCalibrationError.compute(validation.map { TemperatureScaling.scaled($0, temperature: t) }, labels: labels))
        if !test.isEmpty {
            c.testRows = test.count
            c.testECEBefore = ExpectedCalibrationError.compute(test, labels: testLabels)
            c.testECEAfter = ExpectedCalibrationError.compute(test.map { TemperatureScaling.scaled($0, temperature: t) }, labels: testLabels)
        }
        return c
    }

    private func write(_ text: String, _ name: String) throws(TrainingError) {
        do { try AtomicFile.write(Data(text.utf8), to: runDirectory + "/" + name) } catch {
            throw TrainingError("cannot write \(runDirectory)/\(name) (\(error.localizedDescription))")
        }
    }

    func report(_ m: Metrics, history: [EpochRecord]) -> String {
        func f(_ x: Double) -> String { String(format: "%.3f", x) }
        var s = "# \(m.model)\n\n"
        s += "\(m.parameters) parameters; \(m.epochs) epoch(s)\(m.stoppedEarly ? " (stopped early)" : ""); "
        s += "the model kept is epoch \(m.bestEpoch) (best validation accuracy)"
        if let spe = m.secondsPerEpoch { s += String(format: "; %.2f s per epoch", spe) }
        s += ".\n\n| split | examples | accuracy | UAR | macro F1 |\n|---|---|---|---|---|\n"
        s += "| validation | \(m.validation.examples) | \(f(m.validation.accuracy)) | \(f(m.validation.uar)) | \(f(m.validation.macroF1)) |\n"
        if let t = m.test { s += "| test (held-out speakers) | \(t.examples) | \(f(t.accuracy)) | \(f(t.uar)) | \(f(t.macroF1)) |\n" }
        s += "\nCurves: loss.svg, accuracy.svg; confusion matrix: confusion.svg; every epoch: history.csv.\n"
        return s
    }
}
