import CZMQ
#if canImport(Glibc)
import Glibc
#endif

/// A ZeroMQ failure: the operation, the endpoint if any, and libzmq's reason.
public struct ZMQError: Error, Equatable, Sendable, CustomStringConvertible {
    /// What was being done (`bind tcp://127.0.0.1:5555`, `send`, ...).
    public let operation: String
    /// libzmq's `errno`.
    public let code: Int32
    /// libzmq's message for `code`.
    public var reason: String { String(cString: zmq_strerror(code)) }
    public var description: String { "\(operation): \(reason)" }

    static func last(_ operation: String) -> ZMQError { ZMQError(operation: operation, code: zmq_errno()) }
}

/// Library-wide facts.
public enum ZMQ {
    /// libzmq's version as (major, minor, patch).
    public static var version: (major: Int, minor: Int, patch: Int) {
        var a: Int32 = 0, b: Int32 = 0, c: Int32 = 0
        zmq_version(&a, &b, &c)
        return (Int(a), Int(b), Int(c))
    }

    /// Whether this libzmq supports CURVE encryption and authentication.
    public static var hasCurve: Bool { zmq_has("curve") != 0 }
}

/// A ZeroMQ context: the thin owning wrapper around `void *ctx`; terminated in `deinit`.
///
/// `@unchecked Sendable`: libzmq documents contexts as thread-safe. Sockets are not: each
/// `ZMQSocket` must be created and used by one thread.
public final class ZMQContext: @unchecked Sendable {
    let handle: UnsafeMutableRawPointer

    public init() {
        handle = zmq_ctx_new()!
    }

    deinit { zmq_ctx_term(handle) }
}

/// A ZeroMQ socket, owned by one thread; closed in `deinit` (with linger 0 unless set otherwise,
/// so an unreachable peer never blocks shutdown).
public final class ZMQSocket {
    /// Socket types Intone uses.
    public enum Kind: Int32, Sendable {
        case router, dealer, pair, pub, sub, rep, push, pull, stream
        var raw: Int32 {
            switch self {
            case .push: return ZMQ_PUSH
            case .pull: return ZMQ_PULL
            case .stream: return ZMQ_STREAM
            case .rep: return ZMQ_REP
            case .router: return ZMQ_ROUTER
            case .dealer: return ZMQ_DEALER
            case .pair: return ZMQ_PAIR
            case .pub: return ZMQ_PUB
            case .sub: return ZMQ_SUB
            }
        }
    }

    let handle: UnsafeMutableRawPointer
    /// Keeps the context alive while the socket is open.
    private let context: ZMQContext

    public init(context: ZMQContext, kind: Kind) throws(ZMQError) {
        guard let h = zmq_socket(context.handle, kind.raw) else { throw ZMQError.last("socket") }
        handle = h
        self.context = context
        try setOption(ZMQ_LINGER, 0)
    }

    deinit { zmq_close(handle) }

    /// Sets an integer socket option (`ZMQ_LINGER`, `ZMQ_SNDHWM`, `ZMQ_HEARTBEAT_IVL`...).
    public func setOption(_ option: Int32, _ value: Int32) throws(ZMQError) {
        var v = value
        if zmq_setsockopt(handle, option, &v, MemoryLayout<Int32>.size) != 0 { throw ZMQError.last("setsockopt \(option)") }
    }

    /// Publishes this socket's `events` (ZMQ_EVENT_* bits) on the PAIR endpoint `endpoint`
    /// (`inproc://...`); each event is two frames: 2 bytes of event, 4 of value, then the endpoint.
    public func monitor(_ endpoint: String, events: Int32) throws(ZMQError) {
        if zmq_socket_monitor(handle, endpoint, events) != 0 { throw ZMQError.last("socket monitor") }
    }

    /// Sets a 64-bit integer socket option (`ZMQ_MAXMSGSIZE`).
    public func setOption(_ option: Int32, int64 value: Int64) throws(ZMQError) {
        var v = value
        if zmq_setsockopt(handle, option, &v, MemoryLayout<Int64>.size) != 0 { throw ZMQError.last("setsockopt \(option)") }
    }

    /// Sets a string socket option, NUL-terminated (Z85 CURVE keys take 40 characters + NUL).
    public func setOption(_ option: Int32, string: String) throws(ZMQError) {
        var bytes = Array(string.utf8)
        bytes.append(0)
        let rc = bytes.withUnsafeBytes { zmq_setsockopt(handle, option, $0.baseAddress, bytes.count) }
        if rc != 0 { throw ZMQError.last("setsockopt \(option)") }
    }

    /// Which of `sockets` have a message to read within `timeout` milliseconds.
    public static func poll(_ sockets: [ZMQSocket], timeout: Int) throws(ZMQError) -> [Bool] {
        var items = sockets.map { zmq_pollitem_t(socket: $0.handle, fd: 0, events: Int16(ZMQ_POLLIN), revents: 0) }
        while true {
            let rc = zmq_poll(&items, Int32(items.count), timeout)
            if rc >= 0 { return items.map { $0.revents & Int16(ZMQ_POLLIN) != 0 } }
            if zmq_errno() == EINTR { continue }
            throw ZMQError.last("poll")
        }
    }

    /// Sets a binary socket option (`ZMQ_ROUTING_IDENTITY`, `ZMQ_SUBSCRIBE`, CURVE keys...).
    public func setOption(_ option: Int32, bytes: [UInt8]) throws(ZMQError) {
        let rc = bytes.withUnsafeBytes { zmq_setsockopt(handle, option, $0.baseAddress, bytes.count) }
        if rc != 0 { throw ZMQError.last("setsockopt \(option)") }
    }

    /// Names this socket to ROUTER peers (`ZMQ_ROUTING_ID`); set before connecting.
    public func setRoutingID(_ id: [UInt8]) throws(ZMQError) {
        try setOption(ZMQ_ROUTING_ID, bytes: id)
    }

    /// Binds to `endpoint` (`tcp://127.0.0.1:5555`, `tcp://*:0`, `ipc:///tmp/x`).
    public func bind(_ endpoint: String) throws(ZMQError) {
        if zmq_bind(handle, endpoint) != 0 { throw ZMQError.last("bind \(endpoint)") }
    }

    /// Connects to `endpoint` (asynchronously: the connection is made in the background).
    public func connect(_ endpoint: String) throws(ZMQError) {
        if zmq_connect(handle, endpoint) != 0 { throw ZMQError.last("connect \(endpoint)") }
    }

    /// The endpoint actually bound (resolves `tcp://*:0` to the chosen port).
    public var lastEndpoint: String {
        var buffer = [CChar](repeating: 0, count: 256)
        var size = buffer.count
        zmq_getsockopt(handle, ZMQ_LAST_ENDPOINT, &buffer, &size)
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// Sends one multipart message (all frames or none).
    public func send(_ frames: [[UInt8]]) throws(ZMQError) {
        for (i, frame) in frames.enumerated() {
            let flags: Int32 = i < frames.count - 1 ? ZMQ_SNDMORE : 0
            while true {
                let rc = frame.withUnsafeBytes { zmq_send(handle, $0.baseAddress, frame.count, flags) }
                if rc >= 0 { break }
                if zmq_errno() == EINTR { continue }
                throw ZMQError.last("send")
            }
        }
    }

    /// Receives one multipart message, waiting at most `timeout` milliseconds (-1: forever).
    ///
    /// - Returns: the frames, or `nil` if nothing arrived in time.
    public func receive(timeout: Int = -1) throws(ZMQError) -> [[UInt8]]? {
        guard try poll(timeout: timeout) else { return nil }
        return try receiveNow()
    }

    /// Receives one multipart message if one is waiting, without blocking.
    ///
    /// - Returns: the frames, or `nil` if none is waiting.
    public func receiveNow() throws(ZMQError) -> [[UInt8]]? {
        try readWaiting { frames in frames.map { Array($0) } }
    }

    /// Receives one multipart message if one is waiting, without blocking, with the user id the
    /// ZAP handler gave its connection (the peer's CURVE public key, for a coordinator with keys).
    ///
    /// - Returns: the frames and the user id (nil when the connection has none), or `nil` if no
    ///   message is waiting.
    public func receiveNowWithUserID() throws(ZMQError) -> (frames: [[UInt8]], userID: String?)? {
        try readWaiting(userID: true) { frames, id in (frames.map { Array($0) }, id) }
    }

    /// Sends a two-frame message straight from memory: `header`, then the bytes of `payload` (one
    /// copy, into ZeroMQ's message; no intermediate array).
    public func send(header: [UInt8], payload: UnsafeRawBufferPointer) throws(ZMQError) {
        while true {
            let rc = header.withUnsafeBytes { zmq_send(handle, $0.baseAddress, header.count, ZMQ_SNDMORE) }
            if rc >= 0 { break }
            if zmq_errno() == EINTR { continue }
            throw ZMQError.last("send")
        }
        while true {
            let rc = zmq_send(handle, payload.baseAddress, payload.count, 0)
            if rc >= 0 { break }
            if zmq_errno() == EINTR { continue }
            throw ZMQError.last("send")
        }
    }

    /// Receives one multipart message if one comes within `timeout` milliseconds and hands its
    /// frames to `body` in place (valid only during the call). Returns nil if nothing came.
    public func receive<T>(timeout: Int, _ body: ([UnsafeRawBufferPointer]) -> T) throws(ZMQError) -> T? {
        guard try poll(timeout: timeout) else { return nil }
        return try readWaiting(body)
    }

    /// Reads the multipart message waiting on the socket, if any (without blocking), and hands its
    /// frames to `body` in place.
    private func readWaiting<T>(_ body: ([UnsafeRawBufferPointer]) -> T) throws(ZMQError) -> T? {
        try readWaiting(userID: false) { frames, _ in body(frames) }
    }

    /// As `readWaiting(_:)`; with `userID`, also the "User-Id" property of the message's last frame
    /// (a ROUTER's routing-id frame is its own and carries no connection metadata).
    private func readWaiting<T>(userID: Bool, _ body: ([UnsafeRawBufferPointer], String?) -> T) throws(ZMQError) -> T? {
        var messages: [UnsafeMutablePointer<zmq_msg_t>] = []
        defer {
            for m in messages {
                zmq_msg_close(m)
                m.deallocate()
            }
        }
        repeat {
            let m = UnsafeMutablePointer<zmq_msg_t>.allocate(capacity: 1)
            zmq_msg_init(m)
            messages.append(m)
            while zmq_msg_recv(m, handle, messages.count == 1 ? ZMQ_DONTWAIT : 0) < 0 {
                if zmq_errno() == EINTR { continue }
                if zmq_errno() == EAGAIN && messages.count == 1 { return nil }
                throw ZMQError.last("receive")
            }
        } while hasMore
        var id: String?
        if userID, let last = messages.last, let property = zmq_msg_gets(last, "User-Id") { id = String(cString: property) }
        return body(messages.map { UnsafeRawBufferPointer(start: zmq_msg_data($0), count: zmq_msg_size($0)) }, id)
    }

    /// Whether a message can be read within `timeout` milliseconds.
    public func poll(timeout: Int) throws(ZMQError) -> Bool {
        var item = zmq_pollitem_t(socket: handle, fd: 0, events: Int16(ZMQ_POLLIN), revents: 0)
        while true {
            let rc = zmq_poll(&item, 1, timeout)
            if rc >= 0 { return rc > 0 }
            if zmq_errno() == EINTR { continue }
            throw ZMQError.last("poll")
        }
    }

    private var hasMore: Bool {
        var more: Int32 = 0
        var size = MemoryLayout<Int32>.size
        zmq_getsockopt(handle, ZMQ_RCVMORE, &more, &size)
        return more != 0
    }
}
