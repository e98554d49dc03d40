import Foundation
import Testing
import IntoneModels
import IntoneScoring

/// The Viterbi smoothing of window labels on sequences worked out by hand.
struct WindowSmoothingTests {
    /// One weak contrary window between two windows of class 0: with stay 0.9 the path keeps 0
    /// (0.6·0.9·0.4·0.9·0.6 = 0.117 against 0.6·0.1·0.6·0.1·0.6 = 0.002 for 0-1-0); at stay 1/K
    /// every window keeps its own most probable class.
    @Test func aWeakContraryWindowIsAbsorbed() {
        let p: [[Double]] = [[0.6, 0.4], [0.4, 0.6], [0.6, 0.4]]
        #expect(WindowSmoothing.viterbi(p, stay: 0.9) == [0, 0, 0])
        #expect(WindowSmoothing.viterbi(p, stay: 0.5) == [0, 1, 0])
        #expect(WindowSmoothing.viterbi([], stay: 0.9) == [])
    }

    /// Strong evidence of a change is followed: 0.99 for class 0, then two windows of 0.99 for
    /// class 1 (0-1-1: 0.99·0.05·0.99·0.9·0.99 = 0.044 against 1-1-1: 0.01·0.9·0.99·0.9·0.99 = 0.008).
    /// With 0.9 for class 0 first, 1-1-1 wins (0.079 against 0.040): one window is not enough.
    @Test func aClearChangeIsKept() {
        #expect(WindowSmoothing.viterbi([[0.9, 0.1, 0], [0.01, 0.99, 0], [0.01, 0.99, 0]], stay: 0.9) == [1, 1, 1])
        let p: [[Double]] = [[0.99, 0.01, 0], [0.01, 0.99, 0], [0.01, 0.99, 0]]
        #expect(WindowSmoothing.viterbi(p, stay: 0.9) == [0, 1, 1])
    }

    /// `smooth` relabels the windows, keeps the raw label and the probabilities.
    @Test func smoothingACallKeepsTheRawLabels() {
        let classes = ["angry", "happy"]
        let windows = [[0.6, 0.4], [0.4, 0.6], [0.6, 0.4]].enumerated().map { i, p in
            WindowScore(index: i, start: Double(i), end: Double(i) + 3, label: p[0] > p[1] ? "angry" : "happy", probabilities: p)
        }
        let call = CallResult(file: "c.wav", channel: "mix", duration: 5, speech: 5, windows: windows)
        let smoothed = WindowSmoothing(stay: 0.9).smooth(call, classes: classes)
        #expect(smoothed.windows.map(\.label) == ["angry", "angry", "angry"])
        #expect(smoothed.windows.map(\.rawLabel) == ["angry", "happy", "angry"])
        #expect(smoothed.windows.map(\.probabilities) == windows.map(\.probabilities))
        #expect(WindowSmoothing.problem(stay: 1) != nil && WindowSmoothing.problem(stay: 0) != nil && WindowSmoothing.problem(stay: 0.9) == nil)
    }
}
