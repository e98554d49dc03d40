import Foundation
import IntoneCorpus
import IntoneFeatures
import IntoneFormats
import IntoneLearning

/// A saved classic model: a folder with `model.json` (format version, classifier kind and parameters,
/// class names, the feature parameters it expects) and one `.npy` per weight array, so Python can read
/// every number (`numpy.load("model/threshold.npy")`). Schema in docs/MODEL-FORMAT.md.
public enum ModelArchive {
    /// The feature pipeline a model expects.
    public struct FeatureSpec: Codable, Equatable, Sendable {
        /// How audio becomes the stored matrix (kind, sr, n_fft, n_mfcc, offset, duration...).
        public var store: FeatureStoreParameters
        /// How the matrix becomes a vector: `mean` or `mean_std`.
        public var summary: String
        /// `per_speaker`: the vectors were standardised per speaker and channel in training, so
        /// scoring standardises each call's windows together (absent: none).
        public var normalization: FeatureNormalization?
        /// The rows of the stored matrix the model reads, in order (a sweep's `feature_set`);
        /// absent: all of them.
        public var rows: [Int]?

        public init(store: FeatureStoreParameters, summary: String, normalization: FeatureNormalization? = nil, rows: [Int]? = nil) {
            self.store = store
            self.summary = summary
            self.normalization = normalization == FeatureNormalization.none ? nil : normalization
            self.rows = rows
        }
    }

    /// `model.json`.
    struct Description: Codable {
        var format: Int
        var kind: String
        var classifier: Classifier
        var classes: [String]
        var features: FeatureSpec
        var scaler: [String: String]
        var arrays: [String: String]

        struct Classifier: Codable {
            var kind: String
            var estimator: String
            var params: [String: ParameterValue]
            var attributes: [String: ParameterValue]
        }
    }

    /// Writes the model folder at `path` (replacing any model there).
    public static func save(_ model: any TrainedClassifier, scaler: StandardScaler, estimator: String,
                            parameters: [String: ParameterValue], classes: [String], features: FeatureSpec,
                            to path: String) throws {
        guard let archivable = model as? any ArchivableClassifier else {
            throw ModelError("the \(estimator) model cannot be saved (no archive format)")
        }
        let fm = FileManager.default
        let staging = path + ".partial"
        try? fm.removeItem(atPath: staging)
        try fm.createDirectory(atPath: staging, withIntermediateDirectories: true)
        let weights = archivable.archivedWeights()
        var files: [String: String] = [:]
        for (name, array) in weights.arrays {
            try array.write(to: staging + "/\(name).npy")
            files[name] = "\(name).npy"
        }
        try NPYTypedArray.float64(scaler.mean).write(to: staging + "/scaler_mean.npy")
        try NPYTypedArray.float64(scaler.scale).write(to: staging + "/scaler_scale.npy")
        let description = Description(
            format: 1, kind: "classic",
            classifier: .init(kind: type(of: archivable).archiveKind, estimator: estimator, params: parameters, attributes: weights.attributes),
            classes: classes, features: features,
            scaler: ["mean": "scaler_mean.npy", "scale": "scaler_scale.npy"], arrays: files)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        try (encoder.encode(description) + Data("\n".utf8)).write(to: URL(fileURLWithPath: staging + "/model.json"))
        // Swap the finished folder into place.
        // Never a moment without a whole model folder at `path` (it was removed, then the new one moved in).
        try AtomicFolder.replace(path, with: staging)
    }

    /// Loads the model folder at `path`.
    /// `folder/file` for a file a model.json names, which must stay inside the folder.
    static func inside(_ folder: String, _ file: String) throws(ModelError) -> String {
        guard SafePath.isPlainRelative(file) else {
            throw ModelError("\(folder)/model.json names the file \(file.debugDescription), which is not inside the model folder")
        }
        return folder + "/" + file
    }

    public static func load(path: String) throws(ModelError) -> LoadedModel {
        guard let data = FileManager.default.contents(atPath: path + "/model.json") else {
            throw ModelError("\(path): not a model folder (no model.json)")
        }
        struct Kind: Decodable { var kind: String }
        if (try? JSONDecoder().decode(Kind.self, from: data))?.kind == "deep" { return try loadDeep(path: path, data: data) }
        let d: Description
        do { d = try JSONDecoder().decode(Description.self, from: data) } catch {
            throw ModelError("\(path)/model.json is unreadable (\(error))")
        }
        guard d.format == 1 else { throw ModelError("\(path): model format \(d.format) is newer than this intone understands (1)") }
        var arrays: [String: NPYTypedArray] = [:]
        do {
            for (name, file) in d.arrays { arrays[name] = try NPYTypedArray.read(path: try inside(path, file)) }
            let scaler = StandardScaler(mean: try NPYTypedArray.read(path: try inside(path, d.scaler["mean"] ?? "scaler_mean.npy")).doubles,
                                        scale: try NPYTypedArray.read(path: try inside(path, d.scaler["scale"] ?? "scaler_scale.npy")).doubles)
            let classifier = try ClassifierArchive.load(kind: d.classifier.kind, weights: ModelWeights(arrays: arrays, attributes: d.classifier.attributes))
            // The classifier reads the scaled vector: it must not index past it, and name every class.
            guard scaler.mean.count == scaler.scale.count, classifier.archivedInputWidth <= scaler.mean.count else {
                throw ModelError("\(path): the classifier reads \(classifier.archivedInputWidth) feature(s), the scaler has \(scaler.mean.count) means and \(scaler.scale.count) scales")
            }
            // The vector the model is given: the stored matrix's rows (or the chosen ones), summarised
            // by mean (or mean and std). Every row it selects must exist, and the scaler must fit it.
            let matrixRows = d.features.store.kind.rows(for: d.features.store.features)
            if let rows = d.features.rows, !rows.allSatisfy({ (0..<matrixRows).contains($0) }) {
                throw ModelError("\(path): model.json selects feature rows outside the \(matrixRows) rows of \(d.features.store.kind.rawValue)")
            }
            let width = (d.features.rows?.count ?? matrixRows) * (d.features.summary == "mean_std" ? 2 : 1)
            guard scaler.mean.count == width else {
                throw ModelError("\(path): the scaler has \(scaler.mean.count) features, the model's features give \(width)")
            }
            guard classifier.classCount == d.classes.count else {
                throw ModelError("\(path): the classifier has \(classifier.classCount) classes, model.json names \(d.classes.count)")
            }
            return LoadedModel(predictor: .classic(classifier, scaler), classes: d.classes, features: d.features, estimator: d.classifier.estimator,
                               calibration: try ModelCalibration.load(path: path))
        } catch let error as ModelError {
            throw error
        } catch let error as NPYError {
            throw ModelError("\(path): \(error)")
        } catch let error as LearningError {
            throw ModelError("\(path): \(error.reason)")
        } catch {
            throw ModelError("\(path): \(error)")
        }
    }
}
