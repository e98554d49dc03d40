import Foundation
import Testing
import IntoneAudio
import IntoneFeatures
import IntoneScoring
import IntoneModels
import IntoneTestSupport

/// `intone train` on a real store: outputs, determinism, resuming after a kill, and the model in
/// `intone predict` and `intone score`.
@Suite(.serialized)
struct TrainCommandTests {
    /// A small CNN-LSTM, quick to train.
    static let config = """
        name: tiny-cnn-lstm
        input: frames
        frames: 130
        conv: {layers: 2, filters: 16, kernel_size: 5, pool_size: 2, padding: same, batch_norm: true, activation: leaky_relu}
        lstm: {layers: 1, units: 16}
        dense: {layers: 1, units: 32, activation: elu}
        dropout: 0.2
        optimizer: rmsprop
        epochs: 8
        batch_size: 32
        reduce_lr: {factor: 0.5, patience: 2}
        early_stopping: {patience: 50}
        seed: 3
        """

    static let fixture: (dir: TemporaryDirectory, store: String, config: String) = {
        let dir = try! TemporaryDirectory()
        try! config.write(toFile: dir.file("tiny.yaml"), atomically: true, encoding: .utf8)
        return (dir, SharedCorpus.store, dir.file("tiny.yaml"))
    }()

    static func read(_ path: String) throws -> Data { try Data(contentsOf: URL(fileURLWithPath: path)) }

    /// Every file of a model folder.
    static func modelFiles(_ run: String) throws -> [String: Data] {
        var out: [String: Data] = [:]
        for name in try FileManager.default.contentsOfDirectory(atPath: run + "/model") { out[name] = try read(run + "/model/" + name) }
        return out
    }

    @Test func aRunWritesItsOutputsAndTheSameSeedGivesTheSameRun() throws {
        let f = Self.fixture
        let a = f.dir.file("run-a"), b = f.dir.file("run-b")
        let out = try IntoneProcess.succeed(["train", "--config", f.config, "--store", f.store, "--out", a, "--quiet"])
        #expect(out.stdout.contains("train: tiny-cnn-lstm, 8 epoch(s)"))
        for name in ["config.yaml", "history.csv", "metrics.json", "loss.svg", "accuracy.svg", "confusion.svg", "report.md",
                     "model/model.json", "model/normalizer_mean.npy", "model/lstm1__recurrent_kernel.npy", "checkpoint/checkpoint.json"] {
            #expect(FileManager.default.fileExists(atPath: a + "/" + name), "\(name)")
        }
        let history = try String(contentsOfFile: a + "/history.csv", encoding: .utf8).split(separator: "\n")
        #expect(history.first == "epoch,loss,accuracy,val_loss,val_accuracy,lr")
        #expect(history.count == 9)
        let metrics = try JSONSerialization.jsonObject(with: Self.read(a + "/metrics.json")) as? [String: Any]
        let test = try #require(metrics?["test"] as? [String: Any])
        #expect(test["accuracy"] is Double && test["uar"] is Double && test["macro_f1"] is Double)
        #expect(metrics?["validation"] is [String: Any])
        // Training learned something: better than chance (1/7) on held-out speakers.
        #expect((test["uar"] as? Double ?? 0) > 0.2)

        try IntoneProcess.succeed(["train", "--config", f.config, "--store", f.store, "--out", b, "--quiet"])
        #expect(try Self.read(a + "/history.csv") == Self.read(b + "/history.csv"))
        #expect(try Self.modelFiles(a) == Self.modelFiles(b))
    }

    @Test func aRunKilledMidwayContinuesToTheSameResult() throws {
        let f = Self.fixture
        let whole = f.dir.file("whole"), killed = f.dir.file("killed")
        try IntoneProcess.succeed(["train", "--config", f.config, "--store", f.store, "--out", whole, "--quiet"])
        let p = try IntoneProcess.start(["train", "--config", f.config, "--store", f.store, "--out", killed, "--quiet"])
        // Kill it as soon as its first checkpoint is there (after epoch 1 of 8).
        let deadline = Date().addingTimeInterval(120)
        while p.isRunning && Date() < deadline && !FileManager.default.fileExists(atPath: killed + "/checkpoint/checkpoint.json") {
            Thread.sleep(forTimeInterval: 0.005)
        }
        kill(p.processIdentifier, SIGKILL)
        p.waitUntilExit()
        #expect(!FileManager.default.fileExists(atPath: killed + "/metrics.json"), "the run finished before it could be killed")
        let resumed = try IntoneProcess.succeed(["train", "--config", f.config, "--store", f.store, "--out", killed, "--quiet"])
        #expect(resumed.stdout.contains("8 epoch(s)"))
        #expect(try Self.read(whole + "/history.csv") == Self.read(killed + "/history.csv"))
        #expect(try Self.modelFiles(whole) == Self.modelFiles(killed))
        // Another config in the same folder is refused, not mixed in.
        try (Self.config.replacingOccurrences(of: "seed: 3", with: "seed: 4")).write(toFile: f.dir.file("other.yaml"), atomically: true, encoding: .utf8)
        let other = try IntoneProcess.run(["train", "--config", f.dir.file("other.yaml"), "--store", f.store, "--out", killed, "--quiet"])
        #expect(other.status != 0 && other.stderr.contains("holds a run of another config"))
    }

    @Test func theModelPredictsAndScoresCallsAsItsOwnNetworkDoes() throws {
        let f = Self.fixture
        let run = f.dir.file("run-a")
        if !FileManager.default.fileExists(atPath: run + "/model/model.json") {
            try IntoneProcess.succeed(["train", "--config", f.config, "--store", f.store, "--out", run, "--quiet"])
        }
        let model = try ModelArchive.load(path: run + "/model")
        guard case .deep = model.predictor else { Issue.record("not a deep model"); return }
        let original = SharedCorpus.calls + "/call_001.wav"
        let predicted = try IntoneProcess.succeed(["predict", "--model", run + "/model", original])
        #expect(predicted.stdout.contains("call_001.wav"))
        // The call at the model's rate, so window k is exactly its samples from k · 22,016.
        let call = f.dir.file("call-22050.wav")
        try AudioWriter.write(try AudioLoader.load(path: original, sampleRate: 22_050), to: call, as: .wavFloat)
        try IntoneProcess.succeed(["score", "--model", run + "/model", "--out", f.dir.file("scores"), "--no-vad", "--quiet", call])
        let results = try FileManager.default.contentsOfDirectory(atPath: f.dir.file("scores/results"))
        let scored = try JSONDecoder().decode([CallResult].self, from: Self.read(f.dir.file("scores/results/" + results[0])))[0]
        let samples = try AudioLoader.load(path: call, sampleRate: 22_050).samples
        let window = Array(samples[(2 * 22_016)..<(2 * 22_016 + 66_150)])
        let extractor = try FeatureExtractor(parameters: model.features.store.features)
        let own = model.probabilities([try extractor.compute(.mfcc, from: window)])[0]
        #expect(scored.windows[2].probabilities.count == 7)
        #expect(zip(scored.windows[2].probabilities, own).allSatisfy { abs($0 - $1) < 1e-6 })
    }
}
