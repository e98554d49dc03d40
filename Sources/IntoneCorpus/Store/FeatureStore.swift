import Foundation
import IntoneFeatures
import IntoneFormats

/// A feature store opened for reading: its parameters and manifest, and the features of each row.
public struct FeatureStore: Sendable {
    /// The store folder.
    public let path: String
    public let parameters: FeatureStoreParameters
    /// The manifest rows, sorted by path then augmentation.
    public let rows: [FeatureStoreRow]

    /// Opens the store at `path`.
    /// - Throws: `FeatureStoreError` naming the store if `params.json` or `manifest.csv` is missing or malformed.
    public init(path: String) throws(FeatureStoreError) {
        self.path = path
        guard let params = FileManager.default.contents(atPath: path + "/params.json") else {
            throw FeatureStoreError(store: path, reason: "not a feature store (no params.json); make one with `intone extract`")
        }
        do { parameters = try JSONDecoder().decode(FeatureStoreParameters.self, from: params) } catch {
            throw FeatureStoreError(store: path, reason: "params.json is unreadable (\(error))")
        }
        guard let manifest = FileManager.default.contents(atPath: path + "/manifest.csv") else {
            throw FeatureStoreError(store: path, reason: "no manifest.csv (was the extraction interrupted? re-run `intone extract`)")
        }
        rows = try FeatureStoreManifest.decode(String(decoding: manifest, as: UTF8.self), file: path + "/manifest.csv")
    }

    /// The features of `row` (rows × frames).
    public func features(of row: FeatureStoreRow) throws(FeatureStoreError) -> FeatureMatrix {
        let array: NPYArray
        do { array = try NPYFile.read(path: path + "/" + row.features) } catch {
            throw FeatureStoreError(store: path, reason: "features of \(row.path) (\(row.augmentation)): \(error.reason)")
        }
        guard array.shape.count == 2 else {
            throw FeatureStoreError(store: path, reason: "\(row.features) has shape \(array.shape), expected rows × frames")
        }
        return FeatureMatrix(rows: array.shape[0], frames: array.shape[1], values: array.values)
    }
}
