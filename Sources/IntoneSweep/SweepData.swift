import IntoneCorpus
import IntoneFeatures
import IntoneLearning
import IntoneModels

/// The vectors a sweep learns from, read from a feature store.
///
/// The development set is the store's train and validation splits (cross-validated by speaker); the
/// test set is its test split (held-out speakers, scored once, by the winner). Augmented rows exist
/// only in the training split; in cross-validation they go with their speaker's fold and are used for
/// fitting only, never for scoring.
public struct SweepData: Sendable {
    /// Development rows: features, labels and speakers.
    public let development: Dataset
    /// For each development row: whether it is an augmented copy.
    public let augmented: [Bool]
    /// Test rows (originals only).
    public let test: Dataset
    /// The store's parameters.
    public let storeParameters: FeatureStoreParameters
    /// The store rows behind the development set, in its order.
    public let developmentRows: [FeatureStoreRow]

    /// Wraps data already in memory (a worker rebuilding what the coordinator shipped).
    public init(development: Dataset, augmented: [Bool], test: Dataset, storeParameters: FeatureStoreParameters,
                developmentRows: [FeatureStoreRow] = []) {
        self.development = development
        self.augmented = augmented
        self.test = test
        self.storeParameters = storeParameters
        self.developmentRows = developmentRows
    }

    /// Reads `store` and summarises each features matrix as `summary` says; with `.perSpeaker`,
    /// standardises the vectors within each (speaker, channel) group: a speaker's original clips
    /// form one group, its copies of each augmentation kind (the telephone copies, say) another.
    public init(store: FeatureStore, summary: SweepSpec.FeatureSummary, normalization: FeatureNormalization = .none) throws(FeatureStoreError) {
        var devRows: [[Float]] = [], devLabels: [Int] = [], devGroups: [String] = [], devAug: [Bool] = []
        var testRows: [[Float]] = [], testLabels: [Int] = [], testGroups: [String] = []
        var devStoreRows: [FeatureStoreRow] = []
        var devChannels: [String] = [], testChannels: [String] = []
        func channel(_ row: FeatureStoreRow) -> String {
            "\(row.speakerKey)|\((try? Augmentation(id: row.augmentation).kind.rawValue) ?? row.augmentation)"
        }
        for row in store.rows {
            let m = try store.features(of: row)
            let v = summary.summarise(m)
            if row.split == .test {
                if row.augmentation != "none" { continue }
                testRows.append(v); testLabels.append(row.label.index); testGroups.append(row.speakerKey); testChannels.append(channel(row))
            } else {
                devRows.append(v); devLabels.append(row.label.index); devGroups.append(row.speakerKey)
                devAug.append(row.augmentation != "none")
                devChannels.append(channel(row))
                devStoreRows.append(row)
            }
        }
        guard !devRows.isEmpty else { throw FeatureStoreError(store: store.path, reason: "no training or validation rows to sweep over") }
        let width = devRows[0].count
        func matrix(_ rows: [[Float]], _ channels: [String]) -> Matrix {
            let m = Matrix(rows: rows.count, columns: width, values: rows.flatMap { $0 })
            return normalization == .perSpeaker ? FeatureNormalization.standardize(m, groups: channels) : m
        }
        development = Dataset(features: matrix(devRows, devChannels), labels: devLabels, classCount: Emotion.allCases.count, groups: devGroups)
        augmented = devAug
        test = Dataset(features: matrix(testRows, testChannels), labels: testLabels, classCount: Emotion.allCases.count, groups: testGroups)
        storeParameters = store.parameters
        developmentRows = devStoreRows
    }

    /// The fold of every development row: grouped stratified k-fold over the original rows' speakers;
    /// augmented rows take their speaker's fold.
    public func folds(k: Int, seed: UInt64) -> [Int] {
        let originals = development.labels.indices.filter { !augmented[$0] }
        let originalFolds = GroupedStratifiedKFold.folds(labels: originals.map { development.labels[$0] },
                                                         groups: originals.map { development.groups[$0] }, k: k, seed: seed)
        var foldOfGroup: [String: Int] = [:]
        for (i, f) in zip(originals, originalFolds) { foldOfGroup[development.groups[i]] = f }
        return development.groups.map { foldOfGroup[$0] ?? 0 }
    }
}
