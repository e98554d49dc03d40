import Foundation
import Testing
import IntoneFeatures

/// `mfcc(windowsOf:ranges:)` shares frames between windows yet gives each window exactly its own MFCC.
struct WindowedMFCCTests {
    /// Tones that come and go, noise, a stretch of digital silence and a loud burst: frames where
    /// the top_db floor changes some values in some windows and none in others.
    static func signal(count: Int) -> [Float] {
        var state: UInt32 = 12345
        return (0..<count).map { i in
            state = state &* 1_664_525 &+ 1_013_904_223
            let noise = Float(Int32(bitPattern: state >> 8) - (1 << 23)) / Float(1 << 23)
            let t = Float(i) / 22_050
            if i > 40_000 && i < 52_000 { return 0 }                       // silence
            let gate: Float = (i / 9_000) % 3 == 0 ? 0.02 : 1               // loud and quiet stretches
            let burst: Float = (i > 70_000 && i < 71_000) ? 0.9 : 0
            return gate * (0.3 * sinf(2 * .pi * 220 * t) + 0.1 * sinf(2 * .pi * 3_100 * t)) + 0.003 * noise + burst
        }
    }

    @Test(arguments: [Float?.some(80), nil])
    func everyWindowEqualsItsOwnMFCCBitForBit(topDB: Float?) throws {
        let extractor = try FeatureExtractor(parameters: FeatureParameters(topDB: topDB))
        let x = Self.signal(count: 120_000)
        // Windows on the hop grid (sharing all interior frames), off it (sharing none with the
        // others), overlapping the silence, shorter than n_fft, of odd lengths, and at the signal's ends.
        let hop = 22_016
        var ranges = (0..<3).map { k in (k * hop)..<(k * hop + 66_150) }
        ranges += [5_000..<71_150, 30_111..<96_261, 41_000..<41_900, 0..<1_000, 119_000..<120_000, 53_760..<120_000, 512..<66_662]
        let shared = try extractor.mfcc(windowsOf: x, ranges: ranges)
        #expect(shared.count == ranges.count)
        for (r, m) in zip(ranges, shared) {
            let own = try extractor.mfcc(Array(x[r]))
            #expect(m.rows == own.rows && m.frames == own.frames, "window \(r)")
            #expect(m.values == own.values, "window \(r): \(zip(m.values, own.values).filter { $0 != $1 }.count) values differ")
        }
    }

    @Test func noWindowsGiveNoMatrices() throws {
        let extractor = try FeatureExtractor()
        #expect(try extractor.mfcc(windowsOf: Self.signal(count: 1_000), ranges: []).isEmpty)
    }
}
