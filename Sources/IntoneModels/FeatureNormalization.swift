import IntoneLearning

/// Standardisation of a classic model's feature vectors within a group of recordings that share a
/// speaker and a channel, before the model's own scaler: it takes out what a voice or a line adds to
/// every recording (level, timbre, band shape), leaving how the recording differs from its speaker's
/// others. Sweeps group the training and test rows by (speaker, channel of the copy); scoring groups
/// the windows of one call (one channel of it), which is one speaker on one line.
public enum FeatureNormalization: String, Equatable, Sendable, Codable, CaseIterable {
    /// Vectors as they are (the default).
    case none
    /// Each group's vectors minus the group's mean, divided by its standard deviation (population;
    /// a column that does not vary in the group becomes 0).
    case perSpeaker = "per_speaker"

    /// `rows` (row-major, `width` columns) standardised within each group of `groups` (one key per row).
    public static func standardize(_ rows: inout [Float], width: Int, groups: [String]) {
        var members: [String: [Int]] = [:]
        for (i, g) in groups.enumerated() { members[g, default: []].append(i) }
        for indices in members.values {
            let n = Double(indices.count)
            for c in 0..<width {
                var sum = 0.0, squares = 0.0
                for i in indices { let v = Double(rows[i * width + c]); sum += v; squares += v * v }
                let mean = sum / n
                let std = max(squares / n - mean * mean, 0).squareRoot()
                for i in indices { rows[i * width + c] = std > 1e-6 ? Float((Double(rows[i * width + c]) - mean) / std) : 0 }
            }
        }
    }

    /// `m` standardised within each group.
    public static func standardize(_ m: Matrix, groups: [String]) -> Matrix {
        var values = m.values
        standardize(&values, width: m.columns, groups: groups)
        return Matrix(rows: m.rows, columns: m.columns, values: values)
    }
}
