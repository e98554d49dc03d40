import Foundation

/// Several "hosts" on one machine: a coordinator network namespace joined to each worker namespace by
/// its own veth pair, with 10.231.N.x addresses that exist only inside those namespaces.
///
///     coordinator (10.231.1.1, 10.231.2.1)
///       ├── veth c-w1 ↔ w1-c ── w1 (10.231.1.2)
///       └── veth c-w2 ↔ w2-c ── w2 (10.231.2.2)
///
/// Every interface is created inside a namespace (`ip -n NS link add ... peer ... netns OTHER`), so
/// nothing is added to, routed through or addressed in the machine's own network: traffic can only
/// flow between these namespaces (and each one's own loopback). Needs root (CAP_SYS_ADMIN and
/// CAP_NET_ADMIN); see `available`.
final class NetworkNamespaces {
    /// `/usr/sbin/ip` (iproute2).
    static let ip = URL(fileURLWithPath: "/usr/sbin/ip")

    /// Namespace name of the coordinator, e.g. `intone-1234-c`.
    let coordinator: String
    /// Namespace names of the workers, e.g. `intone-1234-w1`, `intone-1234-w2`.
    let workers: [String]

    /// The coordinator's address as seen from worker `index` (0-based): 10.231.(index+1).1.
    func coordinatorAddress(forWorker index: Int) -> String { "10.231.\(index + 1).1" }
    /// Worker `index`'s own address: 10.231.(index+1).2.
    func workerAddress(_ index: Int) -> String { "10.231.\(index + 1).2" }

    private var created: [String] = []

    /// Creates the coordinator namespace and `workerCount` worker namespaces (at most 9), names unique to
    /// this process. Anything left with the same names by a crashed earlier run is removed first; on
    /// failure, whatever was made is removed again before the error is thrown.
    init(workerCount: Int, tag: String = "\(getpid())") throws {
        precondition((1...9).contains(workerCount))
        coordinator = "intone-\(tag)-c"
        workers = (1...workerCount).map { "intone-\(tag)-w\($0)" }
        for name in [coordinator] + workers { Self.deleteQuietly(name) }
        do {
            for name in [coordinator] + workers {
                try Self.ip(["netns", "add", name])
                created.append(name)
                try Self.ip(["-n", name, "link", "set", "lo", "up"])
            }
            for (i, worker) in workers.enumerated() {
                // Short names (< 15 characters, never `a`, which `ip` reads as "address"); they only need
                // to be unique inside their own namespace.
                let near = "c-w\(i + 1)", far = "w\(i + 1)-c"
                try Self.ip(["-n", coordinator, "link", "add", near, "type", "veth", "peer", "name", far, "netns", worker])
                try Self.ip(["-n", coordinator, "addr", "add", coordinatorAddress(forWorker: i) + "/24", "dev", near])
                try Self.ip(["-n", worker, "addr", "add", workerAddress(i) + "/24", "dev", far])
                try Self.ip(["-n", coordinator, "link", "set", near, "up"])
                try Self.ip(["-n", worker, "link", "set", far, "up"])
            }
        } catch {
            cleanup()
            throw error
        }
    }

    /// Limits every veth link, both directions, to `rate` (a `tc` rate such as `1gbit`) with a token
    /// bucket filter, as a slower network between hosts would.
    func limitBandwidth(rate: String) throws {
        for (i, worker) in workers.enumerated() {
            for (ns, dev) in [(coordinator, "c-w\(i + 1)"), (worker, "w\(i + 1)-c")] {
                try Self.ip(["-n", ns, "link", "show", dev])   // fails clearly if the device is missing
                try Self.tc(in: ns, ["qdisc", "add", "dev", dev, "root", "tbf", "rate", rate, "burst", "256kb", "latency", "100ms"])
            }
        }
    }

    /// Makes the coordinator namespace a router between the worker namespaces (IP forwarding on, a
    /// default route from each worker through it), so workers reach each other, as hosts on one
    /// routed network do. Without this, each worker reaches only the coordinator.
    func routeBetweenWorkers() throws {
        _ = try Self.ip(["netns", "exec", coordinator, "/bin/sh", "-c", "echo 1 > /proc/sys/net/ipv4/ip_forward"])
        for (i, worker) in workers.enumerated() {
            try Self.ip(["-n", worker, "route", "add", "default", "via", coordinatorAddress(forWorker: i)])
        }
    }

    /// Runs `tc ARGS` inside namespace `ns`.
    static func tc(in ns: String, _ arguments: [String]) throws {
        _ = try ip(["netns", "exec", ns, "/usr/sbin/tc"] + arguments)
    }

    /// Deletes the namespaces (their veth pairs go with them). Safe to call more than once. Kill the
    /// processes running inside first: a namespace lives on, unnamed, while a process is in it.
    func cleanup() {
        for name in created.reversed() { Self.deleteQuietly(name) }
        created.removeAll()
    }

    deinit { cleanup() }

    /// Starts `executable arguments...` inside namespace `name` with `directory` as its working directory,
    /// stdout discarded and stderr appended to `log` (or discarded). Each path in `hiding` has an empty
    /// tmpfs mounted over it first, in the child's own mount namespace (`ip netns exec` makes one, with
    /// mounts not propagating back), so the child provably cannot read files from there.
    /// `ip netns exec` and `sh` both exec, so the returned process id is the executable's own.
    static func start(in name: String, _ executable: URL, _ arguments: [String], directory: String,
                      hiding: [String] = [], log: String? = nil) throws -> Process {
        var script = ""
        for path in hiding { script += "mount -t tmpfs -o size=1m,mode=0700 intone-hidden \(shellQuoted(path)) || exit 97; " }
        script += "exec \"$@\""
        let process = Process()
        process.executableURL = ip
        process.arguments = ["netns", "exec", name, "/bin/sh", "-c", script, "sh", executable.path] + arguments
        process.currentDirectoryURL = URL(fileURLWithPath: directory)
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = FileHandle.nullDevice
        if let log {
            _ = FileManager.default.createFile(atPath: log, contents: nil)
            process.standardError = try FileHandle(forWritingTo: URL(fileURLWithPath: log))
        } else {
            process.standardError = FileHandle.nullDevice
        }
        try process.run()
        return process
    }

    /// Whether this machine lets the tests make namespaces: running as root, and a throwaway namespace
    /// with a veth pair can actually be created (a container without CAP_SYS_ADMIN / CAP_NET_ADMIN, or
    /// without the veth driver, fails here even as root). Checked once; the reason for a "no" goes to stderr.
    static let available: Bool = {
        if let reason = unavailableReason {
            FileHandle.standardError.write(Data("MultiHostTests skipped: \(reason)\n".utf8))
            return false
        }
        return true
    }()

    /// Why namespaces cannot be used here, or nil if they can.
    static let unavailableReason: String? = {
        if getuid() != 0 { return "not running as root (uid \(getuid())); network namespaces need root, as on CI" }
        guard FileManager.default.isExecutableFile(atPath: ip.path) else { return "\(ip.path) (iproute2) is not installed" }
        do {
            let probe = try NetworkNamespaces(workerCount: 1, tag: "\(getpid())-probe")
            probe.cleanup()
            return nil
        } catch {
            return "cannot create network namespaces with veth pairs (no CAP_SYS_ADMIN / CAP_NET_ADMIN in this container?): \(error)"
        }
    }()

    struct CommandFailed: Error, CustomStringConvertible {
        let arguments: [String]
        let status: Int32
        let stderr: String
        var description: String { "ip \(arguments.joined(separator: " ")) exited \(status): \(stderr.trimmingCharacters(in: .whitespacesAndNewlines))" }
    }

    /// Runs `ip arguments...` and throws with its stderr if it fails.
    @discardableResult
    static func ip(_ arguments: [String]) throws -> String {
        let process = Process()
        process.executableURL = ip
        process.arguments = arguments
        process.standardInput = FileHandle.nullDevice
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        let errData = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw CommandFailed(arguments: arguments, status: process.terminationStatus, stderr: String(decoding: errData, as: UTF8.self))
        }
        return String(decoding: outData, as: UTF8.self)
    }

    /// `ip netns del NAME`, ignoring "does not exist".
    private static func deleteQuietly(_ name: String) {
        _ = try? ip(["netns", "del", name])
    }

    private static func shellQuoted(_ s: String) -> String { "'" + s.replacingOccurrences(of: "'", with: "'\\''") + "'" }
}
