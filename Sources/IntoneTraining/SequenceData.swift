import IntoneCorpus
import IntoneFeatures
import IntoneNeural
import IntoneModels

/// A feature store's clips as network inputs, read from disk one batch at a time so memory follows
/// the batch size, not the corpus: the store's `train` split (augmented copies included) to learn
/// from, `validation` to watch, `test` (held-out speakers, originals only) to report.
///
/// Each clip's MFCC matrix (coefficients × frames) is cut or zero-padded to `frames` frames,
/// standardised per coefficient with the training split's mean and standard deviation (over real
/// frames, not padding), and laid out as the config's `input` says.
public struct SequenceData: Sendable {
    /// One clip: the store row it comes from and its class index.
    public struct Example: Sendable, Equatable {
        public let row: FeatureStoreRow
        public let label: Int

        /// The clip of `row`, labelled with its emotion.
        public init(row: FeatureStoreRow, label: Int? = nil) {
            self.row = row
            self.label = label ?? row.label.index
        }
    }

    public let store: FeatureStore
    public let train: [Example]
    public let validation: [Example]
    public let test: [Example]
    public let layout: ModelConfig.InputLayout
    public let frames: Int
    public let coefficients: Int
    /// Per-coefficient mean and standard deviation of the training frames.
    public let normalizer: Normalizer
    /// Class names, in label-index order.
    public static var classes: [String] { Emotion.allCases.map(\.rawValue) }

    /// Indexes `store`; with `normalizer` nil, measures it on the training split (one pass over its files).
    /// `augmented` false leaves out the training split's augmented copies.
    public init(store: FeatureStore, layout: ModelConfig.InputLayout, frames: Int, normalizer: Normalizer? = nil,
                augmented: Bool = true) throws(FeatureStoreError) {
        self.store = store
        self.layout = layout
        self.frames = frames
        var train: [Example] = [], validation: [Example] = [], test: [Example] = []
        for row in store.rows {
            let e = Example(row: row, label: row.label.index)
            switch row.split {
            case .train: if augmented || row.augmentation == "none" { train.append(e) }
            case .validation: if row.augmentation == "none" { validation.append(e) }
            case .test: if row.augmentation == "none" { test.append(e) }
            }
        }
        guard !train.isEmpty else { throw FeatureStoreError(store: store.path, reason: "no training rows to learn from") }
        guard !validation.isEmpty else {
            throw FeatureStoreError(store: store.path, reason: "no validation rows: extract with a split that keeps validation speakers")
        }
        self.train = train
        self.validation = validation
        self.test = test
        coefficients = store.parameters.kind.rows(for: store.parameters.features)
        if let normalizer { self.normalizer = normalizer } else { self.normalizer = try Self.measure(train, in: store, coefficients: coefficients) }
    }

    /// Examples chosen by the caller (a sweep's cross-validation folds): `train` to learn from and
    /// measure the normalizer on, `validation` to watch, `test` to report (may be empty).
    public init(store: FeatureStore, train: [Example], validation: [Example], test: [Example] = [],
                layout: ModelConfig.InputLayout, frames: Int) throws(FeatureStoreError) {
        guard !train.isEmpty else { throw FeatureStoreError(store: store.path, reason: "no training rows to learn from") }
        guard !validation.isEmpty else { throw FeatureStoreError(store: store.path, reason: "no validation rows") }
        self.store = store
        self.layout = layout
        self.frames = frames
        self.train = train
        self.validation = validation
        self.test = test
        coefficients = store.parameters.kind.rows(for: store.parameters.features)
        normalizer = try Self.measure(train, in: store, coefficients: coefficients)
    }

    /// Per-coefficient mean and standard deviation over the real frames of `examples` (one pass over their files).
    static func measure(_ examples: [Example], in store: FeatureStore, coefficients: Int) throws(FeatureStoreError) -> Normalizer {
        var sums = [Double](repeating: 0, count: coefficients), squares = sums
        var count = 0
        for e in examples {
            let m = try store.features(of: e.row)
            for r in 0..<min(m.rows, coefficients) {
                for t in 0..<m.frames { let v = Double(m[r, t]); sums[r] += v; squares[r] += v * v }
            }
            count += m.frames
        }
        let n = Double(max(count, 1))
        let mean = sums.map { $0 / n }
        let std = zip(squares, mean).map { sq, m in max((sq / n - m * m).squareRoot(), 1e-6) }
        return Normalizer(mean: mean.map(Float.init), std: std.map(Float.init))
    }

    /// Per-sample input shape.
    public var inputShape: [Int] { layout == .frames ? [frames, coefficients] : [frames * coefficients, 1] }

    /// The inputs of `examples`, `[count] + inputShape`.
    public func batch(_ examples: some Collection<Example>) throws(FeatureStoreError) -> Tensor {
        let size = frames * coefficients
        var values = [Float](repeating: 0, count: examples.count * size)
        for (i, e) in examples.enumerated() {
            let m = try store.features(of: e.row)
            normalizer.write(m, frames: frames, into: &values, at: i * size)
        }
        return Tensor(shape: [examples.count] + inputShape, values: values)
    }

    /// The class indices of `examples`.
    public func labels(_ examples: some Collection<Example>) -> [Int] { examples.map(\.label) }
}

