import Foundation
import Testing
import IntoneTestSupport
import IntoneLearning
import IntoneSweep

/// Specs are validated before any work, with the line and the reason.
struct SweepSpecTests {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    @Test func shippedSeedGridHasTheSeedToolsSizes() throws {
        let spec = try SweepSpec.load(path: Self.repository.appendingPathComponent("data/sweeps/seed-grid.yaml").path)
        let sizes = Dictionary(uniqueKeysWithValues: spec.estimators.map { ($0.name, $0.configurations().count) })
        #expect(sizes == ["random_forest": 4 * 4 * 4 * 4 * 3, "sgd": 3 * 6, "hist_gradient_boosting": 4 * 3 * 4 * 3 * 4,
                          "bagging": 4 * 5 * 4, "adaboost": 3 * 4, "mlp": 3 * 3 * 3 * 2 * 4])
        #expect(spec.configurationCount == 1670)
        #expect(spec.folds == 5 && spec.scoring == .uar)
    }

    @Test func quickGridParses() throws {
        let spec = try SweepSpec.load(path: Self.repository.appendingPathComponent("data/sweeps/quick.yaml").path)
        #expect(spec.estimators.count == 6)
        #expect(spec.features == .meanStd)
    }

    @Test func gridExpandsInFileOrderWithTuplesKept() throws {
        let spec = try SweepSpec.parse("""
        estimators:
          mlp:
            hidden_layer_sizes: [[64], [32, 16]]
            alpha: [0.1, 1]
          random_forest:
            n_estimators: 10
            max_depth: [null, 3]
        """)
        let mlp = spec.estimators[0].configurations()
        #expect(mlp.count == 4)
        #expect(mlp[0] == ["hidden_layer_sizes": .list([.int(64)]), "alpha": .double(0.1)])
        #expect(mlp[1] == ["hidden_layer_sizes": .list([.int(64)]), "alpha": .int(1)])
        #expect(mlp[3]["hidden_layer_sizes"] == .list([.int(32), .int(16)]))
        let rf = spec.estimators[1].configurations()
        #expect(rf == [["n_estimators": .int(10), "max_depth": .null], ["n_estimators": .int(10), "max_depth": .int(3)]])
    }

    @Test(arguments: [
        ("estimators:\n  random_forrest:\n    n_estimators: [10]\n", 2, "unknown estimator 'random_forrest'"),
        ("estimators:\n  random_forest:\n    n_trees: [10]\n", 3, "random_forest.n_trees: unknown parameter for random_forest"),
        ("estimators:\n  random_forest:\n    n_estimators: [10, ten]\n", 3, "random_forest.n_estimators: expected an integer, got ten"),
        ("estimators:\n  random_forest:\n    n_estimators: []\n", 3, "empty grid for random_forest.n_estimators"),
        ("estimators:\n  adaboost:\n    learning_rate: [-1]\n", 3, "adaboost.learning_rate: must be in"),
        ("cv: 1\nestimators:\n  adaboost:\n", 1, "cv must be an integer from 2 to 100"),
        ("search: random\nestimators:\n  adaboost:\n", 1, "search: random needs n_samples"),
        ("estimators: [\n", 2, "not valid YAML"),
        ("colour: blue\nestimators:\n  adaboost:\n", 1, "unknown key 'colour'"),
        ("normalization: per_call\nestimators:\n  adaboost:\n", 1, "normalization must be one of none, per_speaker"),
    ])
    func invalidSpecsNameTheLineAndReason(_ text: String, _ line: Int, _ reason: String) {
        do {
            _ = try SweepSpec.parse(text, file: "bad.yaml")
            Issue.record("accepted: \(text)")
        } catch {
            #expect(error.file == "bad.yaml")
            #expect(error.line == line, "\(error)")
            #expect(error.reason.contains(reason), "\(error)")
        }
    }
}

/// Specs nested deep enough to overflow the YAML parser's stack are refused before parsing.
struct HostileSpecTests {
    @Test func deepNestingIsRefusedWithItsLine() {
        #expect { _ = try SweepSpec.parse("seed: 0\nestimators: " + String(repeating: "[", count: 20_000)) } throws: { error in
            "\(error)".contains(":2: lists and mappings are nested more than 64 deep")
        }
    }
}
