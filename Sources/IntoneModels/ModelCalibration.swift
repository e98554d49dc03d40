import Foundation
import IntoneLearning

/// A model folder's `calibration.json`: the temperature its probabilities are scaled by
/// (`TemperatureScaling`) and what the calibration was measured to do. `LoadedModel` applies it to
/// every probability it gives (predict, score, call summaries); the labels never change.
public struct ModelCalibration: Codable, Equatable, Sendable {
    /// Always `temperature`.
    public var method: String
    public var temperature: Double
    /// How the temperature was fitted, in words.
    public var fittedOn: String
    /// Rows the temperature was fitted on (the validation speakers' original clips).
    public var validationRows: Int
    /// Expected calibration error (15 bins, top class) on those rows, before and after.
    public var validationECEBefore: Double
    public var validationECEAfter: Double
    /// The same on the held-out test speakers with the saved model (`nil` without a test split).
    public var testRows: Int
    public var testECEBefore: Double?
    public var testECEAfter: Double?

    enum CodingKeys: String, CodingKey {
        case method, temperature
        case fittedOn = "fitted_on"
        case validationRows = "validation_rows"
        case validationECEBefore = "validation_ece_before"
        case validationECEAfter = "validation_ece_after"
        case testRows = "test_rows"
        case testECEBefore = "test_ece_before"
        case testECEAfter = "test_ece_after"
    }

    public init(temperature: Double, fittedOn: String, validationRows: Int, validationECEBefore: Double, validationECEAfter: Double,
                testRows: Int = 0, testECEBefore: Double? = nil, testECEAfter: Double? = nil) {
        method = "temperature"
        self.temperature = temperature
        self.fittedOn = fittedOn
        self.validationRows = validationRows
        self.validationECEBefore = validationECEBefore
        self.validationECEAfter = validationECEAfter
        self.testRows = testRows
        self.testECEBefore = testECEBefore
        self.testECEAfter = testECEAfter
    }

    /// File name inside a model folder.
    public static let fileName = "calibration.json"

    /// Writes `calibration.json` into the model folder `path`.
    public func save(to path: String) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        try encoder.encode(self).write(to: URL(fileURLWithPath: path + "/" + Self.fileName), options: .atomic)
    }

    /// The calibration of the model folder `path`: `nil` when it has none.
    /// - Throws: `ModelError` for a file that is there but unreadable or holds a temperature that is
    ///   not a positive finite number.
    public static func load(path: String) throws(ModelError) -> ModelCalibration? {
        let file = path + "/" + fileName
        guard let data = FileManager.default.contents(atPath: file) else { return nil }
        let c: ModelCalibration
        do { c = try JSONDecoder().decode(ModelCalibration.self, from: data) } catch {
            throw ModelError("\(file) is unreadable (\(error))")
        }
        guard c.method == "temperature" else { throw ModelError("\(file): calibration method \(c.method) is not known (temperature)") }
        guard c.temperature.isFinite && c.temperature > 0 else { throw ModelError("\(file): temperature \(c.temperature) must be a positive number") }
        return c
    }

    /// `p` calibrated.
    public func apply(_ p: [Double]) -> [Double] { TemperatureScaling.scaled(p, temperature: temperature) }
}
