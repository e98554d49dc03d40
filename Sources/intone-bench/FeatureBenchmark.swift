import Foundation
import IntoneAudio
import IntoneFeatures

/// Times decode + resample + MFCC on every clip of a folder, one core, and prints the numbers.
struct FeatureBenchmark {
    let folder: String
    let passes: Int

    func run() {
        let files = ((try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? [])
            .filter { $0.hasSuffix(".wav") || $0.hasSuffix(".flac") }.sorted().map { "\(folder)/\($0)" }
        guard !files.isEmpty else { print("no clips in \(folder)"); return }
        let extractor = try! FeatureExtractor()
        let info = try! AudioLoader.info(path: files[0])
        let audioSeconds = files.reduce(0.0) { $0 + ((try? AudioLoader.info(path: $1).duration) ?? 0) }

        // Warm-up: plans, filterbanks, page cache.
        for f in files.prefix(5) { _ = try! extractor.mfcc(try! AudioLoader.load(path: f).samples) }

        let endToEnd = best(passes) {
            for f in files { _ = try! extractor.mfcc(try! AudioLoader.load(path: f).samples) }
        }
        let stepwise = best(passes) {
            for f in files {
                let s = try! AudioLoader.load(path: f, sampleRate: nil)
                let y = try! Resampler.resample(s.samples, from: Double(s.sampleRate), to: 22050)
                _ = try! extractor.mfcc(y)
            }
        }
        let decode = best(passes) {
            for f in files { _ = try! AudioLoader.load(path: f, sampleRate: nil) }
        }
        let native = files.map { try! AudioLoader.load(path: $0, sampleRate: nil) }
        let resample = best(passes) {
            for s in native { _ = try! Resampler.resample(s.samples, from: Double(s.sampleRate), to: 22050) }
        }
        let decoded = native.map { try! Resampler.resample($0.samples, from: Double($0.sampleRate), to: 22050) }
        let features = best(passes) {
            for y in decoded { _ = try! extractor.mfcc(y) }
        }
        let stft = best(passes) {
            for y in decoded { _ = try! extractor.powerSpectrogram(y) }
        }

        let n = Double(files.count)
        func ms(_ s: Double) -> String { String(format: "%.3f", s / n * 1000) }
        print("intone: \(files.count) clips, \(String(format: "%.2f", audioSeconds / n)) s each at \(info.sampleRate) Hz, one core, best of \(passes) passes")
        print(String(format: "intone  end-to-end (decode + resample + MFCC): %.0f files/s/core, %.0fx real time", n / endToEnd, audioSeconds / endToEnd))
        print("intone  per clip ms: stepwise end-to-end \(ms(stepwise)), end-to-end \(ms(endToEnd))")
        print("intone  per clip ms: decode \(ms(decode)), resample \(ms(resample)), STFT \(ms(stft)), STFT+mel+dB+DCT \(ms(features))")
        print(String(format: "intone  STFT + mel + MFCC on decoded audio: %.0fx real time", audioSeconds / features))
    }

    /// Shortest wall time of `count` runs of `body`, in seconds.
    private func best(_ count: Int, _ body: () -> Void) -> Double {
        var best = Double.infinity
        for _ in 0..<max(1, count) {
            let start = DispatchTime.now().uptimeNanoseconds
            body()
            best = min(best, Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
        }
        return best
    }
}
