import Testing
import IntoneScoring

/// Where windows, slices and chunks fall, and what a call's summary says, in exact numbers.
struct WindowPlanTests {
    @Test func windowsFitInTheCallAndChunksCoverThemAll() {
        // 10.5 s at 8 kHz, scored at 22,050 Hz: 231,525 model samples; 3 s windows, 1 s hop.
        let plan = WindowPlan(nativeRate: 8000, modelRate: 22_050, nativeFrames: 84_000,
                              parameters: ScoringParameters(window: 3, hop: 1, windowsPerChunk: 4))
        #expect(plan.modelFrames == 231_525)
        #expect(plan.windowCount == 8)          // starts 0...7 s; a window from 8 s would end after 10.5 s
        #expect(plan.sliceCount == 11)          // [0,1), ..., [10, 10.5)
        #expect(plan.chunkCount == 3)
        #expect(plan.windows(ofChunk: 0) == 0..<4)
        #expect(plan.windows(ofChunk: 1) == 4..<8)
        #expect(plan.windows(ofChunk: 2).isEmpty)
        #expect(plan.slices(ofChunk: 2) == 8..<11)
        #expect(plan.window(7) == 154_350..<220_500)
        #expect(plan.alignment == 160)          // 8000 / gcd(8000, 22050)
        let (frames, first) = plan.nativeRange(ofChunk: 1)
        #expect(frames.lowerBound % 160 == 0)
        #expect(first == frames.lowerBound / 160 * 441)
        #expect(first <= plan.modelRange(ofChunk: 1).lowerBound)
    }

    @Test func aCallShorterThanAWindowGetsOneWindowOverAllOfIt() {
        let plan = WindowPlan(nativeRate: 22_050, modelRate: 22_050, nativeFrames: 30_000, parameters: ScoringParameters())
        #expect(plan.windowCount == 1 && plan.window(0) == 0..<30_000)
        #expect(plan.nativeRange(ofChunk: 0).frames == 0..<30_000)
    }

    @Test func summariesCountRunsSharesAndChanges() {
        func w(_ i: Int, _ label: String) -> WindowScore {
            WindowScore(index: i, start: Double(i), end: Double(i) + 3, label: label, probabilities: [])
        }
        // Windows 0-2 angry, 3 sad, (4 unscored), 5-6 sad, 7 happy.
        let call = CallResult(file: "c.wav", channel: "mix", duration: 10, speech: 8,
                              windows: [w(0, "angry"), w(1, "angry"), w(2, "angry"), w(3, "sad"), w(5, "sad"), w(6, "sad"), w(7, "happy")])
        #expect(call.longestNegativeRun == 6)    // windows 0-3 contiguous and negative: 0 s to 6 s
        #expect(call.emotionChanges == 2)
        let classes = ["angry", "happy", "sad"]
        let expected: [Double] = [3.0 / 7.0, 1.0 / 7.0, 3.0 / 7.0]
        #expect(call.shares(classes: classes) == expected)
        #expect(call.dominant(classes: classes) == "angry")   // a tie goes to the earlier class
        #expect(CallResult(file: "e", channel: "mix", duration: 1, speech: 0, windows: []).dominant(classes: classes) == "")
    }
}

/// The hop snapped to the STFT frame grid, and voice activity counted once per 20 ms frame.
struct FrameGridTests {
    @Test func theHopIsAWholeNumberOfSTFTFrames() {
        let plan = WindowPlan(nativeRate: 8000, modelRate: 22_050, nativeFrames: 84_000,
                              parameters: ScoringParameters(window: 3, hop: 1), frameHop: 512)
        #expect(plan.hopSamples == 22_016)      // 43 frames of 512
        #expect(plan.windowSamples == 66_150)   // the window keeps the model's clip length
        #expect(plan.window(2) == 44_032..<110_182)
        let tiny = WindowPlan(nativeRate: 22_050, modelRate: 22_050, nativeFrames: 100_000,
                              parameters: ScoringParameters(window: 3, hop: 0.001), frameHop: 512)
        #expect(tiny.hopSamples == 512)         // never less than one frame
    }
}

struct CallTimelineTests {
    @Test func windowsAreDrawnOverTheirHopsWithGapsForSilence() {
        let classes = ["angry", "sad"]
        func w(_ i: Int, _ p: [Double]) -> WindowScore {
            WindowScore(index: i, start: Double(i), end: Double(i) + 3, label: p[0] >= p[1] ? "angry" : "sad", probabilities: p)
        }
        // Windows 0 and 1 alike (one run), window 2 not scored (silence), window 3 sad; 10 s call.
        let call = CallResult(file: "/calls/a.wav", channel: "mix", duration: 10, speech: 4,
                              windows: [w(0, [0.75, 0.25]), w(1, [0.75, 0.25]), w(3, [0.125, 0.875])])
        let svg = CallTimeline.svg(call, classes: classes, columns: 10)
        let strip = svg.split(separator: "\n").filter { $0.contains("y=\"40\"") }
        #expect(strip.count == 2)
        #expect(strip[0].contains("x=\"60.00\"") && strip[0].contains("#d62728"))     // angry over 0-2 s
        #expect(strip[0].contains("width=\"184.05\""))                                 // 2 of 10 columns of 92 px
        #expect(strip[1].contains("x=\"336.00\"") && strip[1].contains("#1f77b4"))    // sad over 3-4 s
        #expect(svg.contains("a.wav (mix): 3 windows, dominant angry"))
        #expect(svg.hasPrefix("<svg") && svg.hasSuffix("</svg>\n"))
    }
}

/// Scoring parameters arrive in task bodies too: out-of-range ones are named, not trapped on.
struct ScoringParameterProblemTests {
    @Test func outOfRangeParametersAreNamed() {
        #expect(ScoringParameters().problem == nil)
        #expect(ScoringParameters(window: 1e300).problem?.contains("the window must be") == true)
        #expect(ScoringParameters(window: .nan).problem?.contains("the window must be") == true)
        #expect(ScoringParameters(hop: 0).problem?.contains("the hop must be") == true)
        #expect(ScoringParameters(windowsPerChunk: 0).problem?.contains("windows per chunk") == true)
        #expect(ScoringParameters(vadThresholdDB: .infinity).problem?.contains("speech level") == true)
        #expect(ScoringParameters(vadMinSpeechShare: 2).problem?.contains("speech share") == true)
    }
}
