import Foundation
import Testing
import IntoneFeatures

/// The two output shapes (mean over time, fixed frame count) and the matrix helpers.
struct FeatureMatrixTests {
    let m = FeatureMatrix(rows: 2, frames: 3, values: [1, 2, 3, 10, 20, 30])

    @Test func meanOverTimeAveragesEachRow() {
        #expect(m.meanOverTime() == [2, 20])
        #expect(FeatureMatrix(rows: 2, frames: 0).meanOverTime() == [0, 0])
    }

    @Test func fixedFramesPadsWithZerosAndCuts() {
        #expect(m.fixedFrames(5).values == [1, 2, 3, 0, 0, 10, 20, 30, 0, 0])
        #expect(m.fixedFrames(2).values == [1, 2, 10, 20])
        #expect(m.fixedFrames(3) == m)
        #expect(m.fixedFrames(4, padValue: -1).values == [1, 2, 3, -1, 10, 20, 30, -1])
    }

    @Test func transposeAndStack() {
        #expect(m.transposed().values == [1, 10, 2, 20, 3, 30])
        #expect(m.transposed().transposed() == m)
        let s = FeatureMatrix.stacked([m, FeatureMatrix(rows: 1, frames: 3, values: [7, 8, 9])])
        #expect(s.rows == 3 && s.row(2) == [7, 8, 9])
    }
}

/// FFT plans are made once per size and executed from many threads at once.
struct ConcurrentFFTTests {
    @Test func concurrentSpectrogramsEqualSequentialOnes() async throws {
        let y = (0..<8000).map { Float(sin(Double($0) * 0.05) + 0.3 * cos(Double($0) * 0.31)) }
        let sizes = [256, 512, 1024, 2048, 400, 1000]
        let sequential = try sizes.map { try spectrogram(y, parameters: STFTParameters(nFFT: $0)) }
        // 4 rounds of every size in parallel: plans for new sizes are made while others execute.
        let parallel = try await withThrowingTaskGroup(of: (Int, FeatureMatrix).self) { group in
            for round in 0..<4 {
                for (i, n) in sizes.enumerated() {
                    group.addTask { (round * sizes.count + i, try spectrogram(y, parameters: STFTParameters(nFFT: n))) }
                }
            }
            var out = [Int: FeatureMatrix]()
            for try await (k, s) in group { out[k] = s }
            return out
        }
        for (k, s) in parallel { #expect(s == sequential[k % sizes.count]) }
        #expect(RealFFT.plan(size: 2048) === RealFFT.plan(size: 2048))
    }
}
