import CZMQ
/// How a coordinator admits workers.
public enum CoordinatorSecurity: Sendable {
    /// No encryption, no authentication: loopback experiments only.
    case insecure
    /// CurveZMQ: traffic encrypted, the coordinator proves its key, and only workers whose public
    /// keys are in `allow` are admitted (checked by a ZAP handler; refusals are logged with the address).
    case curve(server: CurveKeyPair, allow: AllowList)

    /// Whether `endpoint` is reachable only from this machine (loopback TCP, IPC, inproc).
    ///
    /// Parsed, not prefix-matched: `tcp://HOST:PORT` with HOST an IPv4 loopback address in dotted
    /// decimal (`127.a.b.c`), `localhost` or `[::1]`, and PORT digits or `*`. Anything else (ZeroMQ's
    /// `tcp://source;destination` form, interface names, a second endpoint) is not local.
    public static func isLocalOnly(_ endpoint: String) -> Bool {
        if endpoint.hasPrefix("ipc://") || endpoint.hasPrefix("inproc://") { return !endpoint.contains(";") }
        guard endpoint.hasPrefix("tcp://") else { return false }
        let rest = endpoint.dropFirst(6)
        guard let colon = rest.lastIndex(of: ":") else { return false }
        let host = rest[..<colon], port = rest[rest.index(after: colon)...]
        guard port == "*" || (!port.isEmpty && port.count <= 5 && port.allSatisfy(\.isASCII) && port.allSatisfy(\.isNumber)) else { return false }
        if host == "localhost" || host == "[::1]" { return true }
        let octets = host.split(separator: ".", omittingEmptySubsequences: false)
        guard octets.count == 4, octets[0] == "127" else { return false }
        return octets.allSatisfy { o in !o.isEmpty && o.count <= 3 && o.allSatisfy { $0.isASCII && $0.isNumber } && Int(o)! <= 255 }
    }
}

/// How a worker connects.
public enum WorkerSecurity: Sendable {
    case insecure
    /// CurveZMQ with the worker's own key pair, verifying the coordinator's public key.
    case curve(client: CurveKeyPair, serverPublicKey: String)
}

extension WorkerSecurity {
    /// A DEALER connected to `endpoint` as a worker or a client: routing id `routingID`, queueing
    /// only to completed connections (a refused CURVE handshake leaves none, so a send never blocks
    /// on it), giving up a send after `sendTimeout` milliseconds, with CURVE keys when configured.
    func connectDealer(context: ZMQContext, endpoint: String, routingID: String, sendTimeout: Int32) throws(ZMQError) -> ZMQSocket {
        let socket = try ZMQSocket(context: context, kind: .dealer)
        try socket.setRoutingID(Array(routingID.utf8))
        try socket.setOption(ZMQ_IMMEDIATE, 1)
        try socket.setOption(ZMQ_SNDTIMEO, sendTimeout)
        // A job receives a result per task, faster than it may read them: let its queue hold them
        // (ZeroMQ's default of 1,000 messages makes the coordinator's ROUTER drop the rest).
        try socket.setOption(ZMQ_RCVHWM, CoordinatorShell.queueLimit)
        try socket.setOption(ZMQ_MAXMSGSIZE, int64: CoordinatorShell.maximumFrameBytes)
        if case .curve(let client, let serverKey) = self {
            try socket.setOption(ZMQ_CURVE_SERVERKEY, string: serverKey)
            try socket.setOption(ZMQ_CURVE_PUBLICKEY, string: client.publicKey)
            try socket.setOption(ZMQ_CURVE_SECRETKEY, string: client.secretKey)
        }
        try socket.connect(endpoint)
        return socket
    }
}
