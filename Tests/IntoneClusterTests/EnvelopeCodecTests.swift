import Foundation
import Testing
@testable import IntoneCluster

/// The hand-written header codec against Foundation's JSON: same bytes out, same values in.
struct EnvelopeCodecTests {
    static let samples: [Envelope] = [
        Envelope(type: .hello, worker: "node-7", host: "h", jobs: 4, role: .worker),
        Envelope(type: .hello, worker: "node-8", jobs: 1, role: .worker, peer: "tcp://10.0.0.2:41235 curve:rq:rM>}U?@Lns47E1%kR.o@n%FcmmsL/@{H8]yf7"),
        Envelope(type: .task, task: "k1", attempt: 2, hash: String(repeating: "ab", count: 32), body: "{\"estimator\":\"sgd\",\"p\":[1,2.5e-05]}"),
        Envelope(type: .result, task: "t", attempt: 1, body: "quote \" backslash \\ newline \n tab \t ctrl \u{01} é 🎙", seconds: 0.000125),
        Envelope(type: .refuse, reason: "protocol version 0 is not this coordinator's 1"),
        Envelope(type: .welcome, heartbeatMilliseconds: 500, workers: 3),
        Envelope(type: .submit),
    ]

    @Test func writesWhatJSONEncoderWritesWithSortedKeys() throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        for e in Self.samples where e.seconds == nil {   // Foundation spells some doubles differently
            let ours = EnvelopeCodec.encode(e)
            #expect(String(decoding: ours, as: UTF8.self) == String(decoding: try encoder.encode(e), as: UTF8.self))
        }
    }

    @Test func readsBackEverythingItWritesAndWhatFoundationWrites() throws {
        for e in Self.samples {
            #expect(EnvelopeCodec.decode(EnvelopeCodec.encode(e)) == e)
            #expect(EnvelopeCodec.decode([UInt8](try JSONEncoder().encode(e))) == e)
        }
    }

    @Test func skipsUnknownKeysAndUnderstandsEscapes() {
        let text = #" { "future": {"a": [1, true, null, "x\"y"]}, "v": 1, "type": "cancel", "task": "\u00e9\ud83c\udf99\/", "attempt": null } "#
        let e = EnvelopeCodec.decode(Array(text.utf8))
        #expect(e?.type == .cancel && e?.task == "é🎙/" && e?.attempt == nil)
    }

    @Test func refusesWhatIsNotAnEnvelope() {
        for text in ["", "{}", "[]", "{\"v\":1}", "{\"v\":1,\"type\":\"nope\"}", "{\"v\":1.5,\"type\":\"bye\"}", "{\"v\":1,\"type\":\"bye\"} x",
                     "{\"v\":1,\"type\":\"bye\",}", "{\"v\":1,\"type\":\"bye\",\"task\":\"\\ud800\"}", "{\"v\":1,\"type\":\"bye\",\"task\":\"a\nb\"}",
                     "{\"v\":01,\"type\":\"bye\"}", "{\"v\":1,\"type\":\"bye\",\"x\":" + String(repeating: "[", count: 100) + String(repeating: "]", count: 100) + "}"] {
            #expect(EnvelopeCodec.decode(Array(text.utf8)) == nil, "accepted \(text)")
        }
    }
}
