import Foundation
import IntoneTestSupport

/// The small synthetic corpus (with three 8 kHz test calls beside it) and its feature store, made
/// once per test process for the suites that only read them (sweeps, training, scoring, the
/// placements). Suites that test `corpus synth` or `extract` themselves make their own.
enum SharedCorpus {
    private static let made: (dir: TemporaryDirectory, corpus: String, calls: String, store: String) = {
        let dir = try! TemporaryDirectory()
        // Calls whose utterances come from all test speakers (the suites' assertions were measured on these).
        try! IntoneProcess.succeed(["corpus", "synth", "--out", dir.file("corpus"), "--calls", "3", "--calls-mixed-speakers", "--quiet"])
        try! IntoneProcess.succeed(["extract", "--data", dir.file("corpus"), "--out", dir.file("store"), "--quiet"])
        return (dir, dir.file("corpus"), dir.file("corpus-calls"), dir.file("store"))
    }()

    /// The corpus folder (four corpus layouts, 528 files).
    static var corpus: String { made.corpus }
    /// Its test calls: call_001.wav ... call_003.wav and truth.csv (speakers mixed within calls).
    static var calls: String { made.calls }
    /// `intone extract --data CORPUS` with the defaults.
    static var store: String { made.store }
}
