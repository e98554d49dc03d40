// intone-bench: performance numbers, printed, never asserted. Always build with -c release.
//
//   intone-bench make-clips --out DIR [--count 200] [--rate 16000] [--seconds 3]
//   intone-bench features DIR [--passes 3]
//   intone-bench stream [--minutes 120] [--dir DIR]
//   intone-bench allreduce [--sizes 1,4,16,64] [--ranks 2,3] [--rounds 3]   (ring allreduce between rank processes)
//   intone-bench make-call --from FILE --minutes 120 --out FILE   (tiles FILE into one long 8 kHz mu-law call)
//   intone-bench coordinator-load [--workers 500] [--jobs 4] [--tasks 100000]   (simulated workers, real clients)
//   intone-bench fair-share [--workers 40] [--task-ms 20] [--tasks 3000] [--late-after 2] [--late-priority 3]
//   intone-bench cluster [--tasks 100000] [--workers 1] [--rounds 3] [--sleep-tasks 2000] [--sleep-ms 20] [--sleep-workers 8]
import Foundation
import IntoneAudio
import IntoneFeatures

AllocatorTuning.keepLargeBuffers()
let arguments = Array(CommandLine.arguments.dropFirst())

func option(_ name: String, default value: String) -> String {
    if let i = arguments.firstIndex(of: name), i + 1 < arguments.count { return arguments[i + 1] }
    return value
}

func fail(_ message: String) -> Never {
    FileHandle.standardError.write(Data("intone-bench: \(message)\n".utf8))
    exit(2)
}

switch arguments.first {
case "make-clips":
    let out = option("--out", default: "")
    if out.isEmpty { fail("make-clips needs --out DIR") }
    let count = Int(option("--count", default: "200"))!
    let rate = Int(option("--rate", default: "16000"))!
    let seconds = Double(option("--seconds", default: "3"))!
    try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)
    for i in 0..<count {
        let clip = SpeechLikeClip.make(seed: UInt64(i + 1), rate: rate, seconds: seconds)
        do {
            try AudioWriter.write(AudioSignal(samples: clip, sampleRate: rate), to: "\(out)/clip_\(String(format: "%04d", i)).wav", as: .wavPCM16)
        } catch { fail(error.description) }
    }
    print("wrote \(count) clips of \(seconds) s at \(rate) Hz (16-bit WAV) to \(out)")
case "features":
    guard arguments.count >= 2 else { fail("features needs a folder of clips") }
    let passes = Int(option("--passes", default: "3"))!
    FeatureBenchmark(folder: arguments[1], passes: passes).run()
case "stream":
    let minutes = Double(option("--minutes", default: "120"))!
    StreamBenchmark(minutes: minutes, folder: option("--dir", default: NSTemporaryDirectory())).run()
case "cluster":
    try ClusterBenchmark.throughput(tasks: Int(option("--tasks", default: "100000"))!, workers: Int(option("--workers", default: "1"))!,
                                    rounds: Int(option("--rounds", default: "3"))!)
    try ClusterBenchmark.efficiency(tasks: Int(option("--sleep-tasks", default: "2000"))!, milliseconds: Int(option("--sleep-ms", default: "20"))!,
                                    workers: Int(option("--sleep-workers", default: "8"))!)
case "coordinator-load":
    try CoordinatorLoadBenchmark.run(workers: Int(option("--workers", default: "500"))!, jobs: Int(option("--jobs", default: "4"))!,
                                     tasks: Int(option("--tasks", default: "100000"))!)
case "fair-share":
    try FairShareBenchmark.run(workers: Int(option("--workers", default: "40"))!, taskMilliseconds: Int(option("--task-ms", default: "20"))!,
                               tasksPerJob: Int(option("--tasks", default: "3000"))!, lateAfter: Double(option("--late-after", default: "2"))!,
                               latePriority: Double(option("--late-priority", default: "3"))!)
case "exchange":
    let sizes = option("--sizes", default: "1,4,16,64").split(separator: ",").compactMap { Int($0) }
    for n in option("--workers", default: "1,2").split(separator: ",").compactMap({ Int($0) }) {
        try ClusterBenchmark.exchange(sizesMB: sizes, workers: n, rounds: Int(option("--rounds", default: "3"))!)
    }
case "allreduce":
    try AllreduceBenchmark.run(sizesMB: option("--sizes", default: "1,4,16,64").split(separator: ",").compactMap { Int($0) },
                               ranks: option("--ranks", default: "2,3").split(separator: ",").compactMap { Int($0) },
                               rounds: Int(option("--rounds", default: "3"))!)
case "allreduce-rank":
    try AllreduceBenchmark.rank(Int(option("--rank", default: "0"))!, of: Int(option("--ranks", default: "2"))!,
                                sizesMB: option("--sizes", default: "1").split(separator: ",").compactMap { Int($0) },
                                rounds: Int(option("--rounds", default: "3"))!)
case "make-call":
    let from = option("--from", default: ""), out = option("--out", default: "")
    if from.isEmpty || out.isEmpty { fail("make-call needs --from FILE and --out FILE") }
    let minutes = Double(option("--minutes", default: "120"))!
    do {
        let piece = try AudioLoader.load(path: from, sampleRate: 8000).samples
        let writer = try AudioFileWriter(path: out, sampleRate: 8000, channels: 1, type: .wavULaw)
        var written = 0
        while Double(written) < minutes * 60 * 8000 {
            try writer.write([piece])
            written += piece.count
        }
        try writer.close()
        print(String(format: "wrote %@: %.1f minutes at 8 kHz, mu-law", out, Double(written) / 8000 / 60))
    } catch { fail(error.description) }
case "cluster-worker":
    ClusterBenchmark.worker(connect: option("--connect", default: ""), jobs: Int(option("--jobs", default: "1"))!, name: option("--name", default: "w"))
default:
    fail("usage: intone-bench make-clips --out DIR [--count N] [--rate HZ] [--seconds S] | features DIR [--passes N] | stream [--minutes M] [--dir DIR] | cluster [--tasks N] [--workers N] | exchange [--sizes 1,4,16,64] [--workers 1,2] [--rounds N]")
}
