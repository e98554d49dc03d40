import Foundation
import Testing
import IntoneAudio
import IntoneFeatures
import IntoneScoring
import IntoneModels
import IntoneTestSupport

/// `intone score` on real files with a real model (made by `corpus synth`, `extract`, `sweep`).
@Suite(.serialized)
struct ScoreCommandTests {
    /// A corpus, its test calls (8 kHz mu-law) and a model; built once for the suite.
    static let fixture: (dir: TemporaryDirectory, model: String, calls: String) = {
        let dir = try! TemporaryDirectory()
        try! """
        seed: 1
        cv: 3
        features: mean_std
        estimators:
          hist_gradient_boosting:
            max_iter: [40]
        """.write(toFile: dir.file("spec.yaml"), atomically: true, encoding: .utf8)
        try! IntoneProcess.succeed(["sweep", "--spec", dir.file("spec.yaml"), "--store", SharedCorpus.store, "--out", dir.file("sweep"), "--quiet"])
        return (dir, dir.file("sweep/model"), SharedCorpus.calls)
    }()

    static func results(_ out: String) throws -> [CallResult] {
        try FileManager.default.contentsOfDirectory(atPath: out + "/results").sorted().flatMap {
            try JSONDecoder().decode([CallResult].self, from: Data(contentsOf: URL(fileURLWithPath: out + "/results/" + $0)))
        }
    }

    @Test func windowsAreTheModelsOwnPredictionOnTheSameSamples() throws {
        let f = Self.fixture
        // A call at the model's own rate: window k is exactly the 66,150 samples (3 s) from sample
        // k · 22,016 (the 1 s hop rounded to 43 STFT frames of 512).
        let call = try AudioLoader.load(path: f.calls + "/call_001.wav", sampleRate: 22_050)
        let path = f.dir.file("call-22050.wav")
        try AudioWriter.write(call, to: path, as: .wavFloat)
        try IntoneProcess.succeed(["score", "--model", f.model, "--out", f.dir.file("exact"), "--no-vad", "--quiet", path])
        let scored = try #require(try Self.results(f.dir.file("exact")).first)
        let model = try ModelArchive.load(path: f.model)
        let extractor = try FeatureExtractor(parameters: model.features.store.features)
        let samples = try AudioLoader.load(path: path, sampleRate: 22_050).samples
        #expect(scored.windows.count == (samples.count - 66_150) / 22_016 + 1)
        for k in [0, 1, 7, scored.windows.count - 1] {
            let window = Array(samples[(k * 22_016)..<(k * 22_016 + 66_150)])
            let expected = model.probabilities([try extractor.compute(model.features.store.kind, from: window)])[0]
            #expect(scored.windows[k].index == k && scored.windows[k].start == Double(k * 22_016) / 22_050)
            #expect(scored.windows[k].probabilities == expected, "window \(k)")
        }
    }

    @Test func scoresFromThreeWorkersEqualASingleProcessRunAndAgreeWithTheTruth() throws {
        let f = Self.fixture
        // Small chunks so that each call is split into several time ranges across the workers.
        let common = ["--model", f.model, "--chunk-windows", "4", "--quiet", f.calls]
        try IntoneProcess.succeed(["score", "--out", f.dir.file("single"), "--jobs", "1"] + common)
        try IntoneProcess.succeed(["score", "--out", f.dir.file("workers"), "--local-workers", "3"] + common)
        for name in ["windows.jsonl", "windows.csv", "calls.csv", "errors.csv"] {
            #expect(try Data(contentsOf: URL(fileURLWithPath: f.dir.file("single/" + name))) == Data(contentsOf: URL(fileURLWithPath: f.dir.file("workers/" + name))), "\(name)")
        }
        // Windows mostly inside one labelled utterance agree with its label well above chance (1/7).
        let truth = try CSVRows.read(f.calls + "/truth.csv")
        var n = 0, agree = 0
        for call in try Self.results(f.dir.file("single")) {
            let name = (call.file as NSString).lastPathComponent
            for w in call.windows {
                let overlaps = truth.filter { $0[0] == name }.map { (min(Double($0[2])!, w.end) - max(Double($0[1])!, w.start), $0[3]) }
                guard let best = overlaps.max(by: { $0.0 < $1.0 }), best.0 >= 0.5 * (w.end - w.start) else { continue }
                n += 1
                if best.1 == w.label { agree += 1 }
            }
        }
        #expect(n > 50)
        #expect(Double(agree) / Double(n) > 2.0 / 7.0, "agreement \(agree)/\(n)")
    }

    /// A model trained on vectors standardised per speaker and channel (`normalization: per_speaker`)
    /// scores each call's windows standardised together: the job labels them once it holds the
    /// whole call, so workers and chunks change nothing, and each window's probabilities are the
    /// model's on the call's standardised vectors.
    @Test func perSpeakerModelsStandardiseEachCallAsOneGroupOnEveryPlacement() throws {
        let f = Self.fixture
        try """
        seed: 1
        cv: 3
        features: mean_std
        normalization: per_speaker
        estimators:
          sgd:
            loss: [log_loss]
        """.write(toFile: f.dir.file("per-speaker.yaml"), atomically: true, encoding: .utf8)
        try IntoneProcess.succeed(["sweep", "--spec", f.dir.file("per-speaker.yaml"), "--store", SharedCorpus.store, "--out", f.dir.file("ps"), "--quiet"])
        let model = try ModelArchive.load(path: f.dir.file("ps/model"))
        #expect(model.features.normalization == .perSpeaker && model.normalizesPerCall)
        let common = ["--model", f.dir.file("ps/model"), "--chunk-windows", "4", "--quiet", f.calls]
        try IntoneProcess.succeed(["score", "--out", f.dir.file("ps-single"), "--jobs", "1"] + common)
        try IntoneProcess.succeed(["score", "--out", f.dir.file("ps-workers"), "--local-workers", "3"] + common)
        for name in ["windows.jsonl", "windows.csv", "calls.csv", "errors.csv"] {
            #expect(try Data(contentsOf: URL(fileURLWithPath: f.dir.file("ps-single/" + name))) == Data(contentsOf: URL(fileURLWithPath: f.dir.file("ps-workers/" + name))), "\(name)")
        }
        // The first call's windows from its samples: summarised, standardised together, scored.
        let call = try #require(try Self.results(f.dir.file("ps-single")).first { ($0.file as NSString).lastPathComponent == "call_001.wav" })
        let samples = try AudioLoader.load(path: f.calls + "/call_001.wav", sampleRate: 22_050).samples
        let extractor = try FeatureExtractor(parameters: model.features.store.features)
        let hop = 22_016, length = 66_150
        // (The call is 8 kHz: its model-rate samples equal the chunked resampling's up to the
        // resampler's edges, so compare labels and probabilities loosely.)
        let matrices = try call.windows.map { w in try extractor.compute(.mfcc, from: Array(samples[(w.index * hop)..<min(samples.count, w.index * hop + length)])) }
        let expected = model.probabilities(summaries: model.summaries(matrices))
        var sameLabel = 0
        for (w, p) in zip(call.windows, expected) {
            #expect(zip(w.probabilities, p).allSatisfy { abs($0 - $1) < 0.05 }, "window \(w.index)")
            if w.label == model.classes[p.indices.max { p[$0] < p[$1] }!] { sameLabel += 1 }
        }
        #expect(Double(sameLabel) >= 0.9 * Double(call.windows.count))
        // Standardised per call, not per chunk: the chunks' own grouping would give other numbers.
        let perChunk = stride(from: 0, to: matrices.count, by: 4).flatMap { i in
            model.probabilities(summaries: model.summaries(Array(matrices[i..<min(matrices.count, i + 4)])))
        }
        #expect(zip(perChunk, expected).contains { zip($0, $1).contains { abs($0 - $1) > 0.05 } })
    }

    /// `--min-confidence`: windows whose best class is less probable are labelled `uncertain`, count
    /// toward no emotion's share and appear in `share_uncertain`; nothing is scored again.
    @Test func windowsBelowTheConfidenceAskedForAreUncertain() throws {
        let f = Self.fixture
        let common = ["--model", f.model, "--quiet", f.calls]
        try IntoneProcess.succeed(["score", "--out", f.dir.file("confident")] + common)
        let second = try IntoneProcess.succeed(["score", "--out", f.dir.file("confident"), "--min-confidence", "0.6"] + common)
        #expect(second.stdout.contains(" 0 scored, 3 already done"), "\(second.stdout)")
        let raw = try Self.results(f.dir.file("confident"))
        let rows = try CSVRows.read(f.dir.file("confident/windows.csv"))
        let windows = raw.flatMap(\.windows)
        #expect(rows.count == windows.count)
        var uncertain = 0
        for call in raw {
            let mine = rows.filter { $0[0] == call.file }
            #expect(mine.count == call.windows.count)
            for (row, w) in zip(mine, call.windows) {
                let expected = (w.probabilities.max() ?? 0) < 0.6 ? "uncertain" : w.label
                #expect(row[4] == expected)
                if expected == "uncertain" { uncertain += 1 }
            }
        }
        #expect(uncertain > 0 && uncertain < windows.count, "\(uncertain) of \(windows.count)")
        let calls = try String(contentsOfFile: f.dir.file("confident/calls.csv"), encoding: .utf8).split(separator: "\n")
        #expect(calls[0].contains("share_surprise,share_uncertain,longest_negative_run"))
        #expect(throws: CLIFailure.self) { try IntoneProcess.succeed(["score", "--out", f.dir.file("bad"), "--min-confidence", "1.5"] + common) }
    }

    @Test func audioIsShippedToWorkersThatCannotSeeTheFiles() throws {
        let f = Self.fixture
        // Calls named by relative paths from the job's folder; the workers run in an empty folder
        // of their own, where those paths name nothing, so every sample they score was shipped.
        let calls = f.dir.file("ship/calls"), empty = f.dir.file("ship/worker")
        for d in [calls, empty] { try FileManager.default.createDirectory(atPath: d, withIntermediateDirectories: true) }
        for name in ["call_001.wav", "call_003.wav"] { try FileManager.default.copyItem(atPath: f.calls + "/" + name, toPath: calls + "/" + name) }
        let good = try Data(contentsOf: URL(fileURLWithPath: f.calls + "/call_002.wav"))
        try good.prefix(good.count / 2).write(to: URL(fileURLWithPath: calls + "/truncated.wav"))
        try Data("not audio".utf8).write(to: URL(fileURLWithPath: calls + "/text.wav"))
        let common = ["--model", f.model, "--chunk-windows", "4", "--quiet", "calls"]
        let single = try IntoneProcess.run(["score", "--out", "single", "--jobs", "1"] + common, directory: f.dir.file("ship"))
        #expect(single.status == 1)   // text.wav
        let endpoint = "ipc://" + f.dir.file("ship/score.sock")
        let workers = try (1...2).map { i in
            try IntoneProcess.start(["worker", "--connect", endpoint, "--jobs", "1", "--name", "far\(i)", "--quiet"], directory: empty)
        }
        defer { for p in workers where p.isRunning { kill(p.processIdentifier, SIGKILL); p.waitUntilExit() } }
        let shipped = try IntoneProcess.run(["score", "--out", "shipped", "--bind", endpoint, "--wait-for-workers", "60"] + common,
                                            directory: f.dir.file("ship"))
        #expect(shipped.status == 1, "\(shipped.stderr)")
        for name in ["windows.jsonl", "windows.csv", "calls.csv", "errors.csv"] {
            #expect(try Data(contentsOf: URL(fileURLWithPath: f.dir.file("ship/single/" + name)))
                    == Data(contentsOf: URL(fileURLWithPath: f.dir.file("ship/shipped/" + name))), "\(name)")
        }
        let rows = try String(contentsOfFile: f.dir.file("ship/shipped/calls.csv"), encoding: .utf8).split(separator: "\n")
        #expect(rows.count == 4)   // header, two calls and the truncated one
        #expect(try String(contentsOfFile: f.dir.file("ship/shipped/errors.csv"), encoding: .utf8).contains("calls/text.wav,not a readable audio file"))
    }

    @Test func badFilesAreReportedTheRestIsScoredAndARerunSkipsWhatIsDone() throws {
        let f = Self.fixture
        let bad = f.dir.file("bad")
        try FileManager.default.createDirectory(atPath: bad, withIntermediateDirectories: true)
        try Data("not audio".utf8).write(to: URL(fileURLWithPath: bad + "/text.wav"))
        FileManager.default.createFile(atPath: bad + "/empty.wav", contents: Data())
        let good = try Data(contentsOf: URL(fileURLWithPath: f.calls + "/call_002.wav"))
        try good.prefix(good.count / 2).write(to: URL(fileURLWithPath: bad + "/truncated.wav"))
        try FileManager.default.copyItem(atPath: f.calls + "/call_003.wav", toPath: bad + "/fine.wav")
        let first = try IntoneProcess.run(["score", "--model", f.model, "--out", f.dir.file("bad-out"), bad, f.dir.file("missing.wav")])
        #expect(first.status == 1)
        let errors = try String(contentsOfFile: f.dir.file("bad-out/errors.csv"), encoding: .utf8)
        #expect(errors.contains(bad + "/text.wav,not a readable audio file"))
        #expect(errors.contains(bad + "/empty.wav,"))
        #expect(errors.contains(f.dir.file("missing.wav") + ",no such file or folder"))
        #expect(!errors.contains("fine.wav") && !errors.contains("truncated.wav"))   // a cut-off call is scored as far as it goes
        #expect(first.stdout.contains("2 scored, 0 already done, 3 failed"))
        let again = try IntoneProcess.run(["score", "--model", f.model, "--out", f.dir.file("bad-out"), bad, f.dir.file("missing.wav")])
        #expect(again.stdout.contains("0 scored, 2 already done, 3 failed"))
    }

    @Test func stereoCallsAreScoredPerChannelWhenSplit() throws {
        let f = Self.fixture
        let a = try AudioLoader.load(path: f.calls + "/call_001.wav", sampleRate: nil).samples
        let b = try AudioLoader.load(path: f.calls + "/call_002.wav", sampleRate: nil).samples
        let n = min(a.count, b.count)
        let path = f.dir.file("stereo.wav")
        try AudioWriter.write(channels: [Array(a[0..<n]), Array(b[0..<n])], sampleRate: 8000, to: path, as: .wavPCM16)
        try IntoneProcess.succeed(["score", "--model", f.model, "--out", f.dir.file("stereo"), "--channels", "split", "--timelines", "--quiet", path])
        let pictures = try FileManager.default.contentsOfDirectory(atPath: f.dir.file("stereo/timelines")).sorted()
        #expect(pictures == ["stereo_ch1.svg", "stereo_ch2.svg"])
        let calls = try String(contentsOfFile: f.dir.file("stereo/calls.csv"), encoding: .utf8).split(separator: "\n").dropFirst()
        #expect(calls.map { $0.split(separator: ",")[1] } == ["1", "2"])
    }

    @Test func peakMemoryDoesNotGrowWithCallLength() throws {
        let f = Self.fixture
        let utterance = try AudioLoader.load(path: f.calls + "/call_001.wav", sampleRate: nil).samples
        func makeCall(minutes: Double, path: String) throws {
            let writer = try AudioFileWriter(path: path, sampleRate: 8000, channels: 1, type: .wavULaw)
            var written = 0
            while Double(written) < minutes * 60 * 8000 {
                try writer.write([utterance])
                written += utterance.count
            }
            try writer.close()
        }
        try makeCall(minutes: 2, path: f.dir.file("short.wav"))
        try makeCall(minutes: 60, path: f.dir.file("long.wav"))
        func peak(_ file: String, _ out: String) throws -> Double {
            let r = try IntoneProcess.succeed(["score", "--model", f.model, "--out", f.dir.file(out), "--jobs", "1", f.dir.file(file)])
            let field = try #require(r.stdout.range(of: "peak memory ")).upperBound
            return Double(r.stdout[field...].prefix { $0.isNumber })!
        }
        let short = try peak("short.wav", "mem-short"), long = try peak("long.wav", "mem-long")
        #expect(long < short + 15, "peak memory \(short) MB for 2 minutes, \(long) MB for 60 minutes")
    }
}

/// Rows of a small CSV file (no quoting needed).
enum CSVRows {
    static func read(_ path: String) throws -> [[String]] {
        try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n").dropFirst().map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
    }
}
