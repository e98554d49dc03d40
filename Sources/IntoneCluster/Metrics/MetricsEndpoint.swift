import CZMQ

/// One HTTP response.
struct HTTPReply {
    var status: String
    var contentType: String
    var body: String
}

/// A minimal HTTP/1.0 server (`GET /metrics`, the dashboard), on a ZeroMQ STREAM socket so the
/// coordinator's service thread polls it with its other sockets (no extra thread). Each connection
/// gets one response and is closed.
final class MetricsEndpoint {
    let socket: ZMQSocket
    let endpoint: String
    /// Request bytes read so far, by connection id.
    private var requests: [[UInt8]: [UInt8]] = [:]

    init(context: ZMQContext, bind: String) throws(ZMQError) {
        socket = try ZMQSocket(context: context, kind: .stream)
        try socket.bind(bind.replacingOccurrences(of: "tcp://localhost:", with: "tcp://127.0.0.1:"))
        endpoint = socket.lastEndpoint
    }

    /// Reads what is waiting and answers every complete request with `render()`'s text.
    func serve(_ render: () -> String) {
        serve { method, path in
            guard method == "GET", path == "/metrics" || path == "/" else {
                return HTTPReply(status: "404 Not Found", contentType: "text/plain; charset=utf-8", body: "try GET /metrics\n")
            }
            return HTTPReply(status: "200 OK", contentType: "text/plain; version=0.0.4; charset=utf-8", body: render())
        }
    }

    /// Reads what is waiting and answers every complete request with `route(method, path)`.
    func serve(route: (String, String) -> HTTPReply) {
        while let frames = try? socket.receiveNow(), frames.count == 2 {
            let id = frames[0], data = frames[1]
            if data.isEmpty { requests[id] = nil; continue }   // connected or disconnected
            var buffer = requests[id, default: []]
            buffer += data
            guard let end = Self.headerEnd(buffer) else {
                if buffer.count > 8192 { respond(id, status: "431 Request Header Fields Too Large", body: "request too large\n") } else { requests[id] = buffer }
                continue
            }
            requests[id] = nil
            let line = String(decoding: buffer[..<end].prefix { $0 != 0x0D && $0 != 0x0A }, as: UTF8.self).split(separator: " ")
            guard line.count >= 2 else { respond(id, status: "400 Bad Request", body: "bad request\n"); continue }
            let reply = route(String(line[0]), String(line[1]))
            respond(id, status: reply.status, body: reply.body, contentType: reply.contentType)
        }
    }

    private static func headerEnd(_ b: [UInt8]) -> Int? {
        guard b.count >= 4 else { return nil }
        for i in 0...(b.count - 4) where b[i] == 0x0D && b[i + 1] == 0x0A && b[i + 2] == 0x0D && b[i + 3] == 0x0A { return i }
        return nil
    }

    private func respond(_ id: [UInt8], status: String, body: String, contentType: String = "text/plain; charset=utf-8") {
        requests[id] = nil
        let head = "HTTP/1.0 \(status)\r\nContent-Type: \(contentType)\r\nContent-Length: \(body.utf8.count)\r\nConnection: close\r\n\r\n"
        try? socket.send([id, Array((head + body).utf8)])
        try? socket.send([id, []])   // closes the connection
    }
}
