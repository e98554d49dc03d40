import Testing
@testable import IntoneScoring

struct VoiceActivityTests {
    /// 1 s at 22,050 Hz (441-sample frames): frames 0-9 loud, 10-19 silent, then loud to the end,
    /// with a last partial frame of 100 samples (less than half a frame: not a frame).
    @Test func framesAreCountedOnceOnTheCallsGrid() {
        let n = 441 * 40 + 100
        let x: [Float] = (0..<n).map { i in (i / 441 >= 10 && i / 441 < 20) ? 0 : (i % 2 == 0 ? 0.5 : -0.5) }
        let plan = WindowPlan(nativeRate: 22_050, modelRate: 22_050, nativeFrames: n,
                              parameters: ScoringParameters(window: 0.5, hop: 0.25, windowsPerChunk: 100))
        let vad = VoiceActivity(samples: x, firstModelSample: 0, plan: plan, chunk: 0, parameters: ScoringParameters())
        #expect(vad.speechFrames(in: 0..<n) == (30, 40))
        #expect(vad.speechFrames(in: 0..<441 * 10) == (10, 10))
        // A stretch holds the frames that start in it: [1, 442) holds only frame 1.
        #expect(vad.speechFrames(in: 1..<442) == (1, 1))
        // Adjacent stretches split the frames between them, none twice.
        let a = vad.speechFrames(in: 0..<5_000), b = vad.speechFrames(in: 5_000..<n)
        #expect(a.frames + b.frames == 40 && a.speech + b.speech == 30)
        #expect(vad.speechFrames(in: 441 * 12..<441 * 18) == (0, 6))
    }
}
