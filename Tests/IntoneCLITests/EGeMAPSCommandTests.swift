import Foundation
import Testing
import IntoneTestSupport
import IntoneFormats

/// eGeMAPS through the command line: `intone features --kind egemaps` gives openSMILE's values,
/// `intone extract --features egemaps|mfcc-egemaps` stores train classic sweeps that score calls,
/// with a calibrated winner, and deep networks refuse a store without frames, saying why.
struct EGeMAPSCommandTests {
    @Test func featuresGivesOpenSMILEsFunctionals() throws {
        let dir = try TemporaryDirectory()
        defer { dir.cleanup() }
        try IntoneProcess.succeed(["features", "--kind", "egemaps", "--summary", "none", "--sr", "22050",
                                   "--out", dir.file("f"), Fixtures.audio("speech_22k.flac"), "--quiet"])
        let got = try NPYFile.read(path: dir.file("f/speech_22k.npy"))
        #expect(got.shape == [88, 1])
        let want = try NPYTypedArray.read(path: Fixtures.referencePath("egemaps/speech_22k.functionals")).doubles
        // F0 mean (0), loudness mean (10), MFCC 1 mean (22), equivalent sound level (87): exact to 1e-5.
        for i in [0, 10, 22, 87] where i < got.values.count {
            #expect(abs(Double(got.values[i]) - want[i]) <= 1e-5 * abs(want[i]), "functional \(i): \(got.values[i]) vs \(want[i])")
        }
    }

    @Test func egemapsStoresTrainClassicSweepsThatScoreCalls() throws {
        let dir = try TemporaryDirectory()
        defer { dir.cleanup() }
        try IntoneProcess.succeed(["extract", "--data", SharedCorpus.corpus, "--out", dir.file("egemaps"), "--features", "egemaps", "--quiet"])
        let params = try String(contentsOfFile: dir.file("egemaps/params.json"), encoding: .utf8)
        #expect(params.contains("\"kind\" : \"egemaps\""), "\(params)")
        let manifest = try CSVRows.read(dir.file("egemaps/manifest.csv"))
        let first = try NPYFile.read(path: dir.file("egemaps/" + manifest[0][8]))
        #expect(first.shape == [88, 1])
        #expect(first.values.allSatisfy { $0.isFinite })

        try IntoneProcess.succeed(["extract", "--data", SharedCorpus.corpus, "--out", dir.file("both"), "--features", "mfcc-egemaps", "--quiet"])
        let both = try NPYFile.read(path: dir.file("both/" + (try CSVRows.read(dir.file("both/manifest.csv")))[0][8]))
        #expect(both.shape.count == 2 && both.shape[0] == 128)
        if both.shape.count == 2 && both.shape[0] == 128 {
            // Rows 40-127 are the clip's functionals on every frame: the same as the egemaps store's.
            let frames = both.shape[1]
            for r in [40, 50, 127] {
                let row = both.values[(r * frames)..<((r + 1) * frames)]
                #expect(row.allSatisfy { $0 == first.values[r - 40] }, "row \(r)")
            }
        }

        try "seed: 1\ncv: 3\nfeatures: mean\nnormalization: per_speaker\nsmoothing: {method: viterbi, stay: 0.8}\nestimators:\n  sgd:\n    loss: [log_loss]\n"
            .write(toFile: dir.file("spec.yaml"), atomically: true, encoding: .utf8)
        try IntoneProcess.succeed(["sweep", "--spec", dir.file("spec.yaml"), "--store", dir.file("egemaps"), "--out", dir.file("sweep"), "--quiet"])
        let model = try String(contentsOfFile: dir.file("sweep/model/model.json"), encoding: .utf8)
        #expect(model.contains("egemaps"))
        // The winner's calibration: a temperature fitted on the validation speakers, the expected
        // calibration error before and after; predict applies it (same labels, other probabilities).
        let calibration = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: dir.file("sweep/model/calibration.json")))) as? [String: Any]
        let temperature = calibration?["temperature"] as? Double ?? 0
        #expect(temperature > 0.05 && temperature < 20, "\(calibration ?? [:])")
        #expect((calibration?["validation_ece_after"] as? Double ?? 1) <= (calibration?["validation_ece_before"] as? Double ?? 0) + 1e-9)
        #expect(calibration?["test_ece_before"] is Double && calibration?["test_ece_after"] is Double)
        let clips = try FileManager.default.subpathsOfDirectory(atPath: SharedCorpus.corpus).filter { $0.hasSuffix(".wav") }.prefix(4).map { SharedCorpus.corpus + "/" + $0 }
        let calibrated = try IntoneProcess.run(["predict", "--model", dir.file("sweep/model")] + clips)
        try FileManager.default.moveItem(atPath: dir.file("sweep/model/calibration.json"), toPath: dir.file("calibration.json"))
        let raw = try IntoneProcess.run(["predict", "--model", dir.file("sweep/model")] + clips)
        try FileManager.default.moveItem(atPath: dir.file("calibration.json"), toPath: dir.file("sweep/model/calibration.json"))
        let labels = { (out: String) in out.split(separator: "\n").map { $0.split(separator: ",").prefix(2).joined(separator: ",") } }
        #expect(calibrated.status == 0 && raw.status == 0)
        #expect(labels(calibrated.stdout) == labels(raw.stdout))
        if abs(temperature - 1) > 0.01 { #expect(calibrated.stdout != raw.stdout) }
        // The spec's smoothing is in the model folder, and scoring applies it: windows.csv has the
        // smoothed label and the raw one, the timelines draw both; --smoothing none turns it off.
        #expect(try String(contentsOfFile: dir.file("sweep/model/smoothing.json"), encoding: .utf8).contains("\"stay\" : 0.8"))
        try IntoneProcess.succeed(["score", "--model", dir.file("sweep/model"), "--out", dir.file("scores"), "--timelines", SharedCorpus.calls, "--quiet"])
        let windows = try CSVRows.read(dir.file("scores/windows.csv"))
        #expect(windows.count > 10)
        let header = try String(contentsOfFile: dir.file("scores/windows.csv"), encoding: .utf8).prefix { $0 != "\n" }
        #expect(header.hasPrefix("file,channel,start,end,label,raw_label,angry"), "\(header)")
        #expect(try CSVRows.read(dir.file("scores/calls.csv")).count == 3)
        let pictures = try FileManager.default.contentsOfDirectory(atPath: dir.file("scores/timelines"))
        #expect(pictures.count == 3)
        if let first = pictures.sorted().first {
            #expect(try String(contentsOfFile: dir.file("scores/timelines/" + first), encoding: .utf8).contains(">smoothed<"))
        }
        try IntoneProcess.succeed(["score", "--model", dir.file("sweep/model"), "--out", dir.file("raw-scores"), "--smoothing", "none", SharedCorpus.calls, "--quiet"])
        let unsmoothed = try CSVRows.read(dir.file("raw-scores/windows.csv"))
        #expect(try String(contentsOfFile: dir.file("raw-scores/windows.csv"), encoding: .utf8).hasPrefix("file,channel,start,end,label,angry"))
        // The raw run's labels are the smoothed run's raw_label column.
        #expect(unsmoothed.map { $0[4] } == windows.map { $0[5] })
        #expect(unsmoothed.map { $0[4] } != windows.map { $0[4] }, "smoothing changed no label")
        let badStay = try IntoneProcess.run(["score", "--model", dir.file("sweep/model"), "--out", dir.file("x"), "--stay", "1.5", SharedCorpus.calls])
        #expect(badStay.status != 0 && badStay.stderr.contains("--stay: the stay probability must be between 0 and 1 (exclusive), not 1.5"), "\(badStay.stderr)")

        // One sweep compares MFCC, eGeMAPS and both on the mfcc-egemaps store (on two workers: the
        // feature set travels with the data); the winner's folder records the rows it reads.
        try "seed: 1\ncv: 2\nfeatures: mean\nestimators:\n  sgd:\n    loss: [log_loss]\n    feature_set: [mfcc, egemaps, mfcc-egemaps]\n"
            .write(toFile: dir.file("sets.yaml"), atomically: true, encoding: .utf8)
        try IntoneProcess.succeed(["sweep", "--spec", dir.file("sets.yaml"), "--store", dir.file("both"), "--out", dir.file("sets"),
                                   "--local-workers", "2", "--quiet"])
        let trials = try String(contentsOfFile: dir.file("sets/trials.csv"), encoding: .utf8)
        for set in ["mfcc", "egemaps", "mfcc-egemaps"] { #expect(trials.contains("\"\"feature_set\"\":\"\"\(set)\"\""), "\(set)") }
        let best = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: dir.file("sets/best.json")))) as? [String: Any]
        let winnerSet = ((best?["winner"] as? [String: Any])?["params"] as? [String: Any])?["feature_set"] as? String
        #expect(winnerSet != nil)
        let modelJSON = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: dir.file("sets/model/model.json")))) as? [String: Any]
        let rows = (modelJSON?["features"] as? [String: Any])?["rows"] as? [Int]
        #expect(rows?.count == ["mfcc": 40, "egemaps": 88, "mfcc-egemaps": 128][winnerSet ?? ""], "\(winnerSet ?? "?"): \(rows?.count ?? -1) rows")
        let predicted = try IntoneProcess.run(["predict", "--model", dir.file("sets/model")] + clips)
        #expect(predicted.status == 0 && predicted.stdout.split(separator: "\n").count == clips.count + 1, "\(predicted.stderr)")
        let missing = try IntoneProcess.run(["sweep", "--spec", dir.file("sets.yaml"), "--store", dir.file("egemaps"), "--out", dir.file("nosets")])
        #expect(missing.status != 0 && missing.stderr.contains("feature_set mfcc is not in this store, which holds egemaps"), "\(missing.stderr)")

        try "seed: 1\ncv: 2\nestimators:\n  default:\n    filters: [8]\n    epochs: 1\n"
            .write(toFile: dir.file("deep.yaml"), atomically: true, encoding: .utf8)
        let refused = try IntoneProcess.run(["sweep", "--spec", dir.file("deep.yaml"), "--store", dir.file("egemaps"), "--out", dir.file("deep")])
        #expect(refused.status != 0)
        #expect(refused.stderr.contains("deep networks take frames of mfcc, mfcc-prosody, prosody, mfcc-egemaps; this store holds egemaps"), "\(refused.stderr)")
    }
}
