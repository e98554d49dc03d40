import Foundation
import IntoneAudio
#if canImport(Glibc)
import Glibc
#endif

/// Generates a long telephony call block by block, streams it back with resampling, and prints
/// throughput and peak resident memory: memory must not grow with the call's length.
struct StreamBenchmark {
    let minutes: Double
    let folder: String

    func run() {
        let path = "\(folder)/call-\(Int(minutes))min.wav"
        let rate = 8000
        let writer = try! AudioFileWriter(path: path, sampleRate: rate, channels: 1, type: .wavULaw)
        let seconds = Int(minutes * 60)
        var phase = 0.0
        for _ in 0..<seconds {
            let block = (0..<rate).map { _ -> Float in
                phase += 0.07
                return Float(0.3 * sin(phase))
            }
            try! writer.write([block])
        }
        try! writer.close()
        let fileBytes = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0
        let before = peakRSS()
        let start = Date()
        let stream = try! AudioBlockStream(path: path, blockFrames: 65_536, sampleRate: 22050)
        var samples = 0
        while let b = try! stream.next() { samples += b[0].count }
        let elapsed = Date().timeIntervalSince(start)
        let after = peakRSS()
        try? FileManager.default.removeItem(atPath: path)
        print(String(format: "stream: %.0f min call at 8 kHz mu-law (%.1f MB) → %d samples at 22050 Hz in %.2f s (%.0fx real time)",
                     minutes, Double(fileBytes) / 1e6, samples, elapsed, minutes * 60 / elapsed))
        print(String(format: "stream: peak RSS %.1f MB before streaming, %.1f MB after (the decoded call alone would be %.1f MB)",
                     before, after, Double(samples) * 4 / 1e6))
    }

    /// Peak resident set size of this process so far, in MB.
    private func peakRSS() -> Double {
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        return Double(usage.ru_maxrss) / 1024
    }
}
