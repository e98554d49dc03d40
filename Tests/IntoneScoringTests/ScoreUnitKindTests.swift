import Testing
import IntoneEngine
@testable import IntoneScoring
import IntoneTestSupport

/// The scoring task kind's codecs.
struct ScoreUnitKindTests {
    @Test func parametersAndOutputRoundTripThroughTheCodec() throws {
        let parameters = ScoreUnitKind.Parameters(unit: ScoringUnit(path: "calls/a b.wav", channel: 1, chunks: 4..<8),
                                                  parameters: ScoringParameters(window: 2.5, hop: 0.5, vad: false, splitChannels: true, windowsPerChunk: 30),
                                                  audio: .init(sampleRate: 8000, frames: 123_456, start: 1000, count: 64_000))
        let window = WindowScore(index: 3, start: 1.5, end: 4, label: "sad", probabilities: [0.1, 0.2, 0.7 / 3, 0, 0, 0, 1e-9])
        let output = ScoreUnitKind.Output(file: "calls/a b.wav", chunks: [ChunkResult(chunk: 4, windows: [window], speechFrames: 40, frames: 50)], error: nil)
        try KindCodecs.check(ScoreUnitKind.self, parameters: parameters, output: output)
        #expect(try ScoreUnitKind.decode(parameters: ScoreUnitKind.encode(parameters: parameters)) == parameters)
        #expect(try ScoreUnitKind.decode(output: ScoreUnitKind.encode(output: output)) == output)
        let failed = ScoreUnitKind.Output(file: "x.wav", chunks: [], error: "not a sound file")
        #expect(try ScoreUnitKind.decode(output: ScoreUnitKind.encode(output: failed)).result == .failure(ScoringError(file: "x.wav", reason: "not a sound file")))
    }
}
