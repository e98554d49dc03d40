import Foundation
import IntoneCorpus
import IntoneEngine
import IntoneFormats
import IntoneLearning

/// What a worker needs to run a sweep's trials (`TrialKind`'s blob), shipped once per sweep and cached by content hash:
/// the development rows (features, labels, speakers, augmented flags), their folds, the scoring,
/// the seed and the store's parameters. Layout: 8-byte little-endian length of a JSON header, the header, then the features as
/// little-endian float32, row-major.
public enum SweepTaskData {
    struct Header: Codable {
        var rows: Int
        var columns: Int
        var classCount: Int
        var labels: [Int]
        var groups: [String]
        var augmented: [Bool]
        var folds: [Int]
        var scoring: String
        var seed: UInt64
        /// The store's parameters (what a candidate's `feature_set` is looked up in).
        var store: FeatureStoreParameters?
    }

    /// Encodes the runner's data.
    public static func encode(_ runner: TrialRunner) -> [UInt8] {
        let d = runner.data.development
        let header = Header(rows: d.count, columns: d.featureCount, classCount: d.classCount, labels: d.labels, groups: d.groups,
                            augmented: runner.data.augmented, folds: runner.folds, scoring: runner.scoring.rawValue, seed: runner.seed,
                            store: runner.data.storeParameters)
        var out = [UInt8]()
        ByteCoding.appendRecord([UInt8]((try? JSONEncoder().encode(header)) ?? Data()), to: &out)
        out += ByteCoding.floats(d.features.values)
        return out
    }

    /// Rebuilds a runner from `encode`'s bytes.
    public static func decode(_ bytes: [UInt8]) throws(TaskError) -> TrialRunner {
        var reader = ByteCoding.Reader(bytes, what: "sweep data blob")
        let headerBytes: ArraySlice<UInt8>
        do { headerBytes = try reader.record() } catch { throw TaskError(error.reason) }
        guard let header = try? JSONDecoder().decode(Header.self, from: Data(headerBytes)) else {
            throw TaskError("sweep data blob has an unreadable header")
        }
        let features = reader.rest()
        guard ByteCoding.float32ByteCount(rows: header.rows, columns: header.columns) == features.count, header.labels.count == header.rows,
              header.folds.count == header.rows, header.augmented.count == header.rows, header.groups.isEmpty || header.groups.count == header.rows,
              let scoring = Scoring(rawValue: header.scoring) else {
            throw TaskError("sweep data blob does not match its header")
        }
        guard (1...100_000).contains(header.classCount), header.labels.allSatisfy({ $0 >= 0 && $0 < header.classCount }) else {
            throw TaskError("sweep data blob has a label outside its \(header.classCount) class(es)")
        }
        let values = ByteCoding.floats(from: features)
        let development = Dataset(features: Matrix(rows: header.rows, columns: header.columns, values: values), labels: header.labels,
                                  classCount: header.classCount, groups: header.groups)
        let empty = Dataset(features: Matrix(rows: 0, columns: header.columns), labels: [], classCount: header.classCount)
        let data = SweepData(development: development, augmented: header.augmented, test: empty, storeParameters: header.store ?? FeatureStoreParameters())
        return TrialRunner(data: data, folds: header.folds, scoring: scoring, seed: header.seed)
    }
}
