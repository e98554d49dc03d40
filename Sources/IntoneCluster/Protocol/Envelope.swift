import Foundation

/// The protocol version this build speaks. Peers with another version are refused with a message
/// naming both versions.
public let clusterProtocolVersion = 1

/// One protocol message: a JSON header frame, then zero or more binary frames (raw bytes: shipped
/// files, feature blobs). See docs/PROTOCOL.md.
public struct Envelope: Codable, Equatable, Sendable {
    /// What the message is.
    public enum Kind: String, Codable, Sendable {
        // worker → coordinator
        case hello, heartbeat, result, failure, need, bye
        // coordinator → worker
        case welcome, refuse, task, blob, cancel, shutdown
    }

    /// Protocol version of the sender.
    public var v: Int
    public var type: Kind
    /// Task id (`task`, `result`, `failure`, `cancel`).
    public var task: String?
    /// Attempt number of the task (`task`, `result`, `failure`).
    public var attempt: Int?
    /// Worker name (`hello`).
    public var worker: String?
    /// Host name (`hello`, informational only; never written into results).
    public var host: String?
    /// Tasks the worker runs at once (`hello`).
    public var jobs: Int?
    /// Content hash of a blob (`need`, `blob`, `task`).
    public var hash: String?
    /// Human-readable reason (`refuse`, `failure`, `shutdown`).
    public var reason: String?
    /// Heartbeat interval in milliseconds (`welcome`).
    public var heartbeatMilliseconds: Int?
    /// Kind-specific JSON body (a task's description, a result).
    public var body: String?

    public init(type: Kind, task: String? = nil, attempt: Int? = nil, worker: String? = nil, host: String? = nil, jobs: Int? = nil,
                hash: String? = nil, reason: String? = nil, heartbeatMilliseconds: Int? = nil, body: String? = nil) {
        self.v = clusterProtocolVersion
        self.type = type
        self.task = task
        self.attempt = attempt
        self.worker = worker
        self.host = host
        self.jobs = jobs
        self.hash = hash
        self.reason = reason
        self.heartbeatMilliseconds = heartbeatMilliseconds
        self.body = body
    }
}

/// A message as it travels: header plus binary frames.
public struct WireMessage: Equatable, Sendable {
    public var envelope: Envelope
    public var blobs: [[UInt8]]

    public init(_ envelope: Envelope, blobs: [[UInt8]] = []) {
        self.envelope = envelope
        self.blobs = blobs
    }

    /// Largest header accepted (bytes); anything bigger is dropped as malformed.
    public static let maximumHeaderBytes = 1 << 20

    /// The frames to send.
    public func frames() -> [[UInt8]] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let header = (try? encoder.encode(envelope)) ?? Data()
        return [[UInt8](header)] + blobs
    }

    /// Parses frames; `nil` for anything malformed (the caller drops and counts it).
    public static func parse(_ frames: [[UInt8]]) -> WireMessage? {
        guard let header = frames.first, !header.isEmpty, header.count <= maximumHeaderBytes,
              let envelope = try? JSONDecoder().decode(Envelope.self, from: Data(header)) else { return nil }
        return WireMessage(envelope, blobs: Array(frames.dropFirst()))
    }
}
