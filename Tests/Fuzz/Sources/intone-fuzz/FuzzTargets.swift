import Foundation
import IntoneCluster
import IntoneConfig
import IntoneEngine
import IntoneFormats
import IntoneModels
import IntoneSweep
import IntoneTraining

/// libFuzzer's entry point: one input for the target `INTONE_FUZZ_TARGET` names. Every target
/// feeds the bytes to a decoder of untrusted input and ignores its errors: only a crash, a
/// sanitizer report or a hang is a finding.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    FuzzTargets.run(FuzzTargets.selected, bytes)
    return 0
}

/// libFuzzer's driver, run from the executable's entry point: SwiftPM links an executable's
/// `main` as `<module>_main`, so libFuzzer's own `main` is not the one that runs.
@_silgen_name("LLVMFuzzerRunDriver")
func LLVMFuzzerRunDriver(_ argc: UnsafeMutablePointer<CInt>, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>,
                         _ callback: @convention(c) (UnsafePointer<UInt8>, Int) -> CInt) -> CInt

@_cdecl("intone_fuzz_main")
public func intoneFuzzMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    var count = argc
    var vector = argv
    return LLVMFuzzerRunDriver(&count, &vector, fuzzOneInput)
}

enum FuzzTargets {
    static let names = ["envelope", "npy", "sweep-data", "task-bodies", "csv", "trials-csv", "sweep-yaml", "model-yaml", "model-bundle"]

    static let selected: String = {
        let environment = ProcessInfo.processInfo.environment
        // Seed making: INTONE_FUZZ_PACK=FOLDER INTONE_FUZZ_OUT=FILE packs a model folder as a bundle.
        if let folder = environment["INTONE_FUZZ_PACK"], let out = environment["INTONE_FUZZ_OUT"] {
            FileManager.default.createFile(atPath: out, contents: Data(ModelBundle.pack(folder)))
            exit(0)
        }
        let name = environment["INTONE_FUZZ_TARGET"] ?? ""
        guard names.contains(name) else {
            FileHandle.standardError.write(Data("intone-fuzz: set INTONE_FUZZ_TARGET to one of \(names.joined(separator: ", "))\n".utf8))
            exit(2)
        }
        return name
    }()

    static let scratch: String = {
        let dir = NSTemporaryDirectory() + "intone-fuzz-\(getpid())"
        try? FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        return dir
    }()

    /// A coordinator with a worker and a client connected, copied for every input.
    static let core: CoordinatorCore = {
        var c = CoordinatorCore()
        _ = c.handle(.received(from: Array("W".utf8), WireMessage(Envelope(type: .hello, worker: "w", jobs: 2))), now: 0)
        _ = c.handle(.received(from: Array("C".utf8), WireMessage(Envelope(type: .hello, worker: "c", role: .client))), now: 0)
        let task = CoordinatorCore.Task(id: "t", body: "{}")
        _ = c.handle(.received(from: Array("C".utf8), WireMessage(Envelope(type: .submit), blobs: [CanonicalJSON.encode([task])])), now: 0)
        return c
    }()

    static func run(_ target: String, _ bytes: [UInt8]) {
        switch target {
        case "envelope":
            // Frames separated by 0xFF 0x00; the first byte picks the sender (worker or client).
            let peer: [UInt8] = (bytes.first ?? 0) & 1 == 0 ? Array("W".utf8) : Array("C".utf8)
            let frames = split(Array(bytes.dropFirst()))
            var c = core
            if let message = WireMessage.parse(frames) { _ = c.handle(.received(from: peer, message), now: 1) } else { _ = c.handle(.malformed, now: 1) }
            _ = c.handle(.tick, now: 2)
            _ = c.jobTable
        case "npy":
            _ = try? NPYFile.decode(Data(bytes), file: "fuzz.npy")
            if let a = try? NPYTypedArray.decode(Data(bytes), file: "fuzz.npy") { _ = a.exactInt32s; _ = a.doubles }
        case "sweep-data":
            _ = try? SweepTaskData.decode(bytes)
        case "task-bodies":
            let text = String(decoding: bytes, as: UTF8.self)
            _ = try? TrialKind.decode(parameters: text)
            _ = try? TrialKind.decode(output: TaskOutput(body: text, blobs: []))
            _ = CanonicalJSON.decode(DetachedJobRequest.self, bytes).map { try? $0.validate(frames: 1) }
        case "csv":
            _ = try? CSV.parse(String(decoding: bytes, as: UTF8.self))
        case "trials-csv":
            let path = scratch + "/trials.csv"
            try? Data(bytes).write(to: URL(fileURLWithPath: path))
            _ = try? TrialJournal(path: path)
        case "sweep-yaml":
            _ = try? SweepSpec.parse(String(decoding: bytes, as: UTF8.self))
        case "model-yaml":
            _ = try? ModelConfig.parse(String(decoding: bytes, as: UTF8.self))
        case "model-bundle":
            _ = try? ModelBundle.load(bytes, hash: SHA256.hex(of: bytes))
        default:
            break
        }
    }

    static func split(_ bytes: [UInt8]) -> [[UInt8]] {
        var frames: [[UInt8]] = [[]]
        var i = 0
        while i < bytes.count {
            if bytes[i] == 0xFF, i + 1 < bytes.count, bytes[i + 1] == 0 { frames.append([]); i += 2; continue }
            frames[frames.count - 1].append(bytes[i])
            i += 1
        }
        return frames
    }
}
