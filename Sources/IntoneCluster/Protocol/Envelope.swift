import Foundation

/// The protocol version this build speaks. Peers with another version are refused with a message
/// naming both versions.
public let clusterProtocolVersion = 1

/// One protocol message: a JSON header frame, then zero or more binary frames (raw bytes: shipped
/// files, feature blobs). See docs/PROTOCOL.md.
public struct Envelope: Codable, Equatable, Sendable {
    /// What the message is.
    public enum Kind: String, Codable, Sendable {
        // worker → coordinator (and client → coordinator: hello, heartbeat, submit, bye; `jobs`
        // asks for the job table, `cancel` with a job's name in `body` cancels it, `launch` submits
        // a detached job (body: DetachedJobRequest, frames: its files), `fetch` with a job's name
        // in `body` asks for a detached job's files)
        case hello, heartbeat, result, failure, need, bye, submit, launch, fetch
        // coordinator → client: the job table (`body`), the answer to `jobs` and `cancel` (and to
        // `launch` and `fetch` when they fail: `reason`); `launched` (body: the job's name) and
        // `files` (body: FetchedJob, frames: the files)
        case jobs, launched, files
        // coordinator → worker (and coordinator → client: welcome, refuse, heartbeat, result, failure)
        case welcome, refuse, task, blob, cancel, shutdown
    }

    /// What a peer is (`hello`): a worker runs tasks, a client submits them.
    public enum Role: String, Codable, Sendable {
        case worker, client
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
    /// `hello`: a worker (the default) or a client.
    public var role: Role?
    /// To clients (`welcome`, `heartbeat`): workers connected to the coordinator.
    public var workers: Int?
    /// `result`: the seconds the task ran on the worker (the coordinator sizes its prefetch by it).
    public var seconds: Double?
    /// A worker's `hello`: where its peers reach it for ring allreduce (`tcp://10.0.0.2:41235`,
    /// followed by ` curve:PUBLICKEY` when its peer socket speaks CurveZMQ).
    public var peer: String?
    /// `task`: the kind that runs it (`TaskKind.identifier`, `name@version`); a worker runs it with
    /// the kind of that identifier in its registry.
    public var kind: String?

    public init(type: Kind, task: String? = nil, attempt: Int? = nil, worker: String? = nil, host: String? = nil, jobs: Int? = nil,
                hash: String? = nil, reason: String? = nil, heartbeatMilliseconds: Int? = nil, body: String? = nil,
                role: Role? = nil, workers: Int? = nil, seconds: Double? = nil, peer: String? = nil, kind: String? = nil) {
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
        self.role = role
        self.workers = workers
        self.seconds = seconds
        self.peer = peer
        self.kind = kind
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
        [EnvelopeCodec.encode(envelope)] + blobs
    }

    /// Parses frames; `nil` for anything malformed (the caller drops and counts it).
    public static func parse<Frames: Collection<[UInt8]>>(_ frames: Frames) -> WireMessage? {
        guard let header = frames.first, !header.isEmpty, header.count <= maximumHeaderBytes,
              let envelope = EnvelopeCodec.decode(header) else { return nil }
        return WireMessage(envelope, blobs: Array(frames.dropFirst()))
    }
}
