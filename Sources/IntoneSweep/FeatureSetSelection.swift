import IntoneCorpus
import IntoneFeatures
import IntoneLearning

/// `feature_set` in a classic estimator's grid: which of the store's feature sets a candidate
/// learns from, so one sweep over an `mfcc-egemaps` store compares MFCC, eGeMAPS and both
/// (`feature_set: [mfcc, egemaps, mfcc-egemaps]`), and one over `mfcc-prosody` MFCC, prosody and both.
/// The value is a feature kind the store holds: the store's own kind or one of its parts
/// (`FeatureKind.components`). The winner's model folder records the rows it reads
/// (`features.rows`), so predict and score select the same ones.
public enum FeatureSetSelection {
    /// The grid parameter's name.
    public static let parameter = "feature_set"

    /// The estimator's own parameters, and the feature set named (if any).
    public static func split(_ parameters: [String: ParameterValue]) -> (estimator: [String: ParameterValue], featureSet: ParameterValue?) {
        var rest = parameters
        let named = rest.removeValue(forKey: parameter)
        return (rest, named)
    }

    /// The store rows of `value` in a store of `store`'s kind.
    /// - Throws: `LearningError` naming the value and the kinds the store holds.
    public static func rows(_ value: ParameterValue, store: FeatureStoreParameters) throws(LearningError) -> [Int] {
        let holds = ([store.kind] + (store.kind.components.count > 1 ? store.kind.components : [])).map(\.rawValue)
        guard case .string(let name) = value, let kind = FeatureKind(rawValue: name),
              let rows = store.kind.rows(of: kind, for: store.features) else {
            throw LearningError("\(parameter) \(value) is not in this store, which holds \(holds.joined(separator: ", ")) (intone extract --features)")
        }
        return Array(rows)
    }

    /// The summary-vector columns of `rows`: the rows themselves for a `mean` summary (`width` is
    /// the store's row count), and the rows' means then their standard deviations for `mean_std`
    /// (`width` twice the row count).
    public static func columns(rows: [Int], storeRows: Int, width: Int) -> [Int] {
        width == 2 * storeRows ? rows + rows.map { $0 + storeRows } : rows
    }
}

extension TrialRunner {
    /// The estimator for `parameters`, and the data it learns from: all of `data`, or the columns of
    /// the `feature_set` the parameters name.
    func prepared(_ name: String, _ parameters: [String: ParameterValue]) throws(LearningError)
        -> (estimator: any Estimator, development: Dataset, test: Dataset, rows: [Int]?) {
        let (own, featureSet) = FeatureSetSelection.split(parameters)
        let estimator: any Estimator
        do { estimator = try EstimatorCatalog.make(name, parameters: own) } catch { throw LearningError(error.description) }
        guard let featureSet else { return (estimator, data.development, data.test, nil) }
        let store = data.storeParameters
        let rows = try FeatureSetSelection.rows(featureSet, store: store)
        let columns = FeatureSetSelection.columns(rows: rows, storeRows: store.kind.rows(for: store.features), width: data.development.featureCount)
        return (estimator, data.development.selectingFeatures(columns), data.test.selectingFeatures(columns), rows)
    }
}
