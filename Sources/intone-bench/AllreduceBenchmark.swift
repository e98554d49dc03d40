import Foundation
import IntoneCluster

/// The ring allreduce alone (`intone-bench allreduce`): N rank processes on loopback, each pinned to
/// a core with `taskset` when there is one, sum 1–64 MB float buffers with `RingAllreduce`, the code
/// data-parallel training uses. Printed per size: the best time of `rounds`, the algorithm bandwidth
/// (size / time), the bus bandwidth (2(N−1)/N · size / time) and the bound: the time the 2(N−1)/N ·
/// size bytes each rank sends would take at the link bandwidth (the percentage is bound / time: 100 %
/// means the allreduce moves its bytes as fast as the link does), measured first over the same kind of
/// socket between two rank processes, sending from memory and reading in place as the ring does:
/// streaming one way, and both ways at once (full duplex, as in the ring, where every rank sends and
/// receives together). On loopback the "link" is the cores' own copying, so the duplex figure is the
/// fair bound.
enum AllreduceBenchmark {
    static func run(sizesMB: [Int], ranks: [Int], rounds: Int) throws {
        let me = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
        let taskset = FileManager.default.isExecutableFile(atPath: "/usr/bin/taskset") ? "/usr/bin/taskset" : nil
        let cores = ProcessInfo.processInfo.activeProcessorCount
        for n in ranks where n >= 1 {
            var children: [(Process, Pipe, Pipe)] = []
            for r in 0..<n {
                let p = Process(), input = Pipe(), output = Pipe()
                let args = ["allreduce-rank", "--rank", "\(r)", "--ranks", "\(n)", "--sizes", sizesMB.map(String.init).joined(separator: ","),
                            "--rounds", "\(rounds)"]
                if let taskset {
                    p.executableURL = URL(fileURLWithPath: taskset)
                    p.arguments = ["-c", "\(r % cores)", me.path] + args
                } else {
                    p.executableURL = me
                    p.arguments = args
                }
                p.standardInput = input
                p.standardOutput = output
                try p.run()
                children.append((p, input, output))
            }
            // Each rank prints its ring endpoint (ranks 1 and 2 a stream endpoint too); all get every endpoint back.
            var endpoints: [String] = []
            var streamEndpoints: [String] = []
            for (_, _, output) in children {
                let line = readLine(output.fileHandleForReading)
                let parts = line.split(separator: "|").map(String.init)
                endpoints.append(parts[0])
                if parts.count > 1 { streamEndpoints.append(parts[1]) }
            }
            let list = (endpoints + streamEndpoints).joined(separator: "|") + "\n"
            for (_, input, _) in children { input.fileHandleForWriting.write(Data(list.utf8)) }
            print("== ring allreduce, \(n) rank process(es)\(taskset == nil ? "" : ", one core each (taskset)")\(n > cores ? "; more ranks than cores" : "")")
            while true {
                let line = readLine(children[0].2.fileHandleForReading)
                if line.isEmpty || line == "done" { break }
                print(line)
            }
            for (p, _, _) in children { p.waitUntilExit() }
        }
    }

    static func readLine(_ handle: FileHandle) -> String {
        var bytes: [UInt8] = []
        while true {
            let d = handle.readData(ofLength: 1)
            if d.isEmpty || d.first == UInt8(ascii: "\n") { break }
            bytes.append(d.first!)
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// One rank's process.
    static func rank(_ r: Int, of n: Int, sizesMB: [Int], rounds: Int) throws {
        let link = try RingLink(bind: "tcp://127.0.0.1:*", advertiseHost: nil, coordinator: "tcp://127.0.0.1:1", keys: nil)
        let context = ZMQContext()
        var streamIn: ZMQSocket?
        var line = link.advertised
        if r < 2 && n >= 2 {
            let s = try ZMQSocket(context: context, kind: .pull)
            try s.bind("tcp://127.0.0.1:*")
            streamIn = s
            line += "|" + s.lastEndpoint
        }
        print(line)
        fflush(nil)
        let parts = Swift.readLine()!.split(separator: "|", omittingEmptySubsequences: false).map(String.init)
        let members = Array(parts.prefix(n)), streams = Array(parts.dropFirst(n))
        var ring = RingAllreduce(link: link, members: members, rank: r, tag: "bench", timeout: 60)
        try ring.handshake()

        // Link bandwidth between ranks 1 and 2: 256 MB in 256 KB messages one way, then 128 MB each
        // way at once (a thread sends while this one receives); ring sums serve as barriers.
        var oneWay: Double?, duplex: Double?
        var ack = [Float](repeating: 0, count: 1)
        let piece = 256 << 10
        if n >= 2 && r < 2, let inbox = streamIn {
            let out = try ZMQSocket(context: context, kind: .push)
            try out.connect(streams[1 - r])
            let chunk = [UInt8](repeating: 7, count: piece)
            try out.send([chunk])   // connections up before timing
            _ = try inbox.receive(timeout: -1)
            try ring.sum(&ack)
            var begun = DispatchTime.now().uptimeNanoseconds
            let total = 256 << 20
            if r == 0 {
                try chunk.withUnsafeBytes { raw in for _ in 0..<(total / piece) { try out.send(header: [0], payload: raw) } }
            } else {
                for _ in 0..<(total / piece) { _ = try inbox.receive(timeout: -1) { _ in } }
            }
            try ring.sum(&ack)
            oneWay = Double(total) / (Double(DispatchTime.now().uptimeNanoseconds - begun) / 1e9)
            let half = 128 << 20
            begun = DispatchTime.now().uptimeNanoseconds
            let box = SendingSocket(out)   // used by the sending thread only from here on
            let sender = Thread { chunk.withUnsafeBytes { raw in for _ in 0..<(half / piece) { try? box.socket.send(header: [0], payload: raw) } } }
            sender.start()
            for _ in 0..<(half / piece) { _ = try inbox.receive(timeout: -1) { _ in } }
            try ring.sum(&ack)
            duplex = Double(half) / (Double(DispatchTime.now().uptimeNanoseconds - begun) / 1e9)
        } else if n >= 2 {
            try ring.sum(&ack)
            try ring.sum(&ack)
            try ring.sum(&ack)
        }
        if r == 0, let a = oneWay, let b = duplex {
            print(String(format: "link bandwidth between two rank processes (256 KB messages): one way %.0f MB/s; both ways at once %.0f MB/s each way", a / 1_048_576, b / 1_048_576))
        }
        let bounds = oneWay.flatMap { a in duplex.map { (oneWay: a, duplex: $0) } }

        for mb in sizesMB {
            let count = mb << 18
            var best = Double.infinity
            var correct = true
            for round in 0...rounds {   // round 0 warms up
                var values = [Float](repeating: Float(r + 1), count: count)
                var barrier = [Float](repeating: 0, count: 1)
                try ring.sum(&barrier)
                let begun = DispatchTime.now().uptimeNanoseconds
                try ring.sum(&values)
                let seconds = Double(DispatchTime.now().uptimeNanoseconds - begun) / 1e9
                if round > 0 { best = min(best, seconds) }
                let expected = Float(n * (n + 1) / 2)
                correct = correct && values.allSatisfy { $0 == expected }
            }
            if r == 0 {
                let size = Double(count * 4)
                let perRank = n > 1 ? 2 * Double(n - 1) / Double(n) * size : 0
                var text = String(format: "%3d MB: %8.2f ms, algbw %7.0f MB/s, busbw %7.0f MB/s", mb, best * 1000, size / best / 1_048_576, perRank / best / 1_048_576)
                if let b = bounds, n > 1 {
                    // The bound: 2(N-1)/N x size at the link bandwidth, one way and duplex.
                    text += String(format: "; bound %.2f ms one way (%.0f %%), %.2f ms duplex (%.0f %%)",
                                   perRank / b.oneWay * 1000, 100 * (perRank / b.oneWay) / best, perRank / b.duplex * 1000, 100 * (perRank / b.duplex) / best)
                }
                print(text + (correct ? "" : "  WRONG SUM"))
            }
        }
        if r == 0 { print("done") }
        fflush(nil)
    }
}

/// Hands a socket to the one thread that uses it next.
final class SendingSocket: @unchecked Sendable {
    // @unchecked Sendable: after the hand-over only the receiving thread touches the socket.
    let socket: ZMQSocket
    init(_ socket: ZMQSocket) { self.socket = socket }
}
