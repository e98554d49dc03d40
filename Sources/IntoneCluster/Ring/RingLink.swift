import CZMQ
import Foundation

/// A worker's endpoint for ring allreduce: an inbox (a PULL socket its ring predecessor pushes to)
/// and one outgoing PUSH socket per peer it has sent to, kept between epochs so a ring re-formed
/// over the same workers reuses its TCP connections.
///
/// Its address travels in the worker's `hello` (`peer`), so the coordinator can tell every rank of
/// a ring where its successor is. With CurveZMQ keys the inbox is a CURVE server with the worker's
/// key pair (advertised as ` curve:PUBLICKEY` after the address) and senders connect with their own:
/// traffic between workers is encrypted like traffic to the coordinator. (Any CURVE client may
/// connect; messages of a ring it is not in are dropped by their session tag.)
///
/// One ring uses the link at a time (`withSession`); a second waits for the first to end.
public final class RingLink: @unchecked Sendable {
    // @unchecked Sendable: the sockets are used only inside `withSession`, under `lock`.

    /// What peers are told: `tcp://HOST:PORT`, plus ` curve:PUBLICKEY` with keys.
    public let advertised: String
    let context = ZMQContext()
    let inbox: ZMQSocket
    private let keys: CurveKeyPair?
    private var outboxes: [String: ZMQSocket] = [:]
    private let lock = NSLock()

    /// Binds the inbox to `bind` (`tcp://*:*` picks a free port on every interface) and works out
    /// the address to advertise: `advertiseHost` if given, else the bound host if it is a specific
    /// one, else this machine's address on the route to `coordinator` (what the coordinator's other
    /// workers, on the same network, can reach).
    public init(bind: String, advertiseHost: String?, coordinator: String, keys: CurveKeyPair?) throws(ClusterError) {
        self.keys = keys
        do {
            inbox = try ZMQSocket(context: context, kind: .pull)
            // Bounded: a peer pushing more waits (PUSH blocks, it does not drop), and nobody can
            // queue gigabytes here (an unlisted key pushed 150 MiB into an unbounded inbox).
            try inbox.setOption(ZMQ_RCVHWM, Self.inboxMessages)
            try inbox.setOption(ZMQ_MAXMSGSIZE, int64: Self.maximumMessageBytes)
            if let keys {
                try inbox.setOption(ZMQ_CURVE_SERVER, 1)
                try inbox.setOption(ZMQ_CURVE_SECRETKEY, string: keys.secretKey)
            }
            try inbox.bind(bind.replacingOccurrences(of: "tcp://localhost:", with: "tcp://127.0.0.1:"))
        } catch {
            throw ClusterError("cannot bind the ring endpoint \(bind): \(error.reason)")
        }
        let bound = inbox.lastEndpoint   // tcp://0.0.0.0:41235
        guard let colon = bound.lastIndex(of: ":"), let port = Int(bound[bound.index(after: colon)...]) else {
            throw ClusterError("the ring endpoint \(bind) is not a TCP address (bound \(bound))")
        }
        let boundHost = String(bound.dropFirst(6)[..<colon])
        let host: String
        if let advertiseHost {
            host = advertiseHost
        } else if boundHost != "0.0.0.0" && boundHost != "*" && boundHost != "[::]" {
            host = boundHost
        } else {
            host = Self.localAddress(towards: coordinator) ?? "127.0.0.1"
        }
        advertised = "tcp://\(host):\(port)" + (keys.map { " curve:\($0.publicKey)" } ?? "")
    }

    /// Messages the inbox queues, and the largest one it accepts (a ring chunk of a model's
    /// gradients: 256 MiB is 64 M float32 parameters in one chunk).
    static let inboxMessages: Int32 = 64
    static let maximumMessageBytes: Int64 = 256 << 20

    /// Runs `body` with the link to itself, for a ring of `members` (outgoing sockets to peers that
    /// are not in it are closed first: a restarted peer has a new address).
    func withSession<T>(members: [String], _ body: () throws -> T) rethrows -> T {
        lock.lock()
        defer { lock.unlock() }
        let keep = Set(members)
        outboxes = outboxes.filter { keep.contains($0.key) }
        return try body()
    }

    /// The address part of an advertised ring endpoint (`tcp://HOST:PORT`, without ` curve:KEY`).
    static func address(of advertised: String) -> Substring { advertised.split(separator: " ").first ?? "" }

    /// Closes the outgoing socket to `peer`, dropping what is still queued for it.
    func closeOutbox(to peer: String) {
        outboxes[peer] = nil
    }

    /// The PUSH socket to `peer` (an advertised address), connected on first use.
    func outbox(to peer: String, sendTimeout: Int32) throws(ClusterError) -> ZMQSocket {
        if let s = outboxes[peer] {
            try? s.setOption(ZMQ_SNDTIMEO, sendTimeout)
            return s
        }
        let parts = peer.split(separator: " ")
        guard let address = parts.first else { throw ClusterError("empty ring peer address") }
        do {
            let s = try ZMQSocket(context: context, kind: .push)
            try s.setOption(ZMQ_SNDHWM, 0)
            try s.setOption(ZMQ_SNDTIMEO, sendTimeout)
            if let curve = parts.dropFirst().first(where: { $0.hasPrefix("curve:") }) {
                let own = try keys ?? CurveKeyPair.generate()
                try s.setOption(ZMQ_CURVE_SERVERKEY, string: String(curve.dropFirst(6)))
                try s.setOption(ZMQ_CURVE_PUBLICKEY, string: own.publicKey)
                try s.setOption(ZMQ_CURVE_SECRETKEY, string: own.secretKey)
            }
            try s.connect(String(address))
            outboxes[peer] = s
            return s
        } catch let error as ZMQError {
            throw ClusterError("cannot connect to ring peer \(address): \(error.reason)")
        } catch {
            throw ClusterError("cannot connect to ring peer \(address): \(error)")
        }
    }

    /// This machine's IPv4 address on the route to the host of `endpoint` (`tcp://HOST:PORT`), found
    /// by connecting a UDP socket (which sends nothing) and reading its local address.
    static func localAddress(towards endpoint: String) -> String? {
        guard endpoint.hasPrefix("tcp://"), let colon = endpoint.lastIndex(of: ":") else { return nil }
        let host = String(endpoint.dropFirst(6)[..<colon])
        if host == "*" || host.isEmpty { return nil }
        var hints = addrinfo()
        hints.ai_family = AF_INET
        hints.ai_socktype = Int32(SOCK_DGRAM.rawValue)
        var result: UnsafeMutablePointer<addrinfo>?
        guard getaddrinfo(host, "9", &hints, &result) == 0, let info = result else { return nil }
        defer { freeaddrinfo(result) }
        let fd = socket(AF_INET, Int32(SOCK_DGRAM.rawValue), 0)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        guard connect(fd, info.pointee.ai_addr, info.pointee.ai_addrlen) == 0 else { return nil }
        var local = sockaddr_in()
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let ok = withUnsafeMutablePointer(to: &local) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) == 0 }
        }
        guard ok else { return nil }
        var text = [CChar](repeating: 0, count: Int(INET_ADDRSTRLEN))
        var address = local.sin_addr
        guard inet_ntop(AF_INET, &address, &text, socklen_t(text.count)) != nil else { return nil }
        return String(decoding: text.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
