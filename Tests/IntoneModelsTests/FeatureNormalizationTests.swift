import Testing
import IntoneLearning
import IntoneModels

/// Per-speaker (per-group) standardisation of feature vectors.
struct FeatureNormalizationTests {
    @Test func eachGroupIsStandardisedOnItsOwn() {
        // Two groups of two rows, two columns; the second column of group b does not vary.
        var rows: [Float] = [1, 10, 3, 20, 100, 5, 300, 5]
        FeatureNormalization.standardize(&rows, width: 2, groups: ["a", "a", "b", "b"])
        #expect(rows == [-1, -1, 1, 1, -1, 0, 1, 0])
        // A group of one row becomes zeros; order of rows and groups does not matter.
        var single: [Float] = [7, 8]
        FeatureNormalization.standardize(&single, width: 2, groups: ["x"])
        #expect(single == [0, 0])
        let m = FeatureNormalization.standardize(Matrix(rows: 4, columns: 2, values: [100, 5, 1, 10, 300, 5, 3, 20]), groups: ["b", "a", "b", "a"])
        #expect(m.values == [-1, 0, -1, -1, 1, 0, 1, 1])
    }
}
