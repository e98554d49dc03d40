import Foundation
import Testing
import IntoneRandom
@testable import IntoneNeural

/// SyncBatchNorm without a cluster: two replicas on two threads, each with part of a batch, sum
/// their batch statistics through a barrier; their gradients, weighted by their shares, and their
/// batch-norm state must be the whole batch's.
struct BatchStatisticsSyncTests {
    /// Element-wise sums of vectors offered by `parties` threads at a time.
    final class Rendezvous: @unchecked Sendable {
        // @unchecked Sendable: guarded by `condition`.
        private let condition = NSCondition()
        private let parties: Int
        private var offered: [[Double]] = []
        private var result: [Double] = []
        private var generation = 0
        private var taken = 0

        init(parties: Int) { self.parties = parties }

        func sum(_ values: inout [Double]) {
            condition.lock()
            defer { condition.unlock() }
            while taken > 0 { condition.wait() }   // the previous round is still being read
            let round = generation
            offered.append(values)
            if offered.count == parties {
                result = offered.dropFirst().reduce(offered[0]) { zip($0, $1).map(+) }
                offered = []
                generation += 1
                condition.broadcast()
            }
            while generation == round { condition.wait() }
            values = result
            taken += 1
            if taken == parties {
                taken = 0
                condition.broadcast()
            }
        }
    }

    static let specs: [LayerSpec] = [
        .conv1D(filters: 6, kernelSize: 3, padding: .same), .batchNormalization(), .elu(),
        .maxPool1D(poolSize: 2), .flatten, .dense(5), .batchNormalization(), .dense(4), .softmax,
    ]

    @Test(arguments: [(7, 5), (12, 0)])
    func twoReplicasWithSyncedStatisticsAreOneBatch(split: (first: Int, second: Int)) throws {
        let n = split.first + split.second
        var random = SeededRandom(seed: 3, stream: "inputs")
        var values: [Float] = []
        for _ in 0..<(n * 30) { values.append(Float(random.uniform(-1, 1))) }
        let x = values
        let labels = (0..<n).map { $0 % 4 }
        var whole = try Network(inputShape: [10, 3], layers: Self.specs, seed: 9)
        let start = whole
        try whole.computeGradients(inputs: Tensor(shape: [n, 10, 3], values: x), labels: labels)

        let meeting = Rendezvous(parties: 2)
        let parts = [(0, split.first), (split.first, split.second)]
        let results = ResultBox(count: 2)
        let group = DispatchGroup()
        for (r, (offset, count)) in parts.enumerated() {
            group.enter()
            Thread.detachNewThread {
                defer { group.leave() }
                var net = start
                let sync = BatchStatisticsSync { meeting.sum(&$0) }
                sync.weight = Double(count) / Double(n)
                net.batchStatisticsSync = sync
                if count == 0 {
                    net.joinBatchStatisticsWithoutSamples()
                    results.set(r, (gradients: [Float](repeating: 0, count: net.parameterCount), state: [Float](repeating: 0, count: net.stateCount)))
                    return
                }
                let xs = Array(x[(offset * 30)..<((offset + count) * 30)])
                _ = try? net.computeGradients(inputs: Tensor(shape: [count, 10, 3], values: xs), labels: Array(labels[offset..<(offset + count)]))
                results.set(r, (gradients: net.gradients, state: net.state))
            }
        }
        group.wait()
        let w = parts.map { Float(Double($0.1) / Double(n)) }
        let a = results.get(0)!, b = results.get(1)!
        let combined = zip(a.gradients, b.gradients).map { w[0] * $0 + w[1] * $1 }
        let state = zip(a.state, b.state).map { w[0] * $0 + w[1] * $1 }
        let scale = whole.gradients.map(abs).max()!
        let worst = zip(combined, whole.gradients).map { abs($0 - $1) }.max()! / scale
        #expect(worst < 1e-5, "\(worst)")
        #expect(zip(state, whole.state).allSatisfy { abs($0 - $1) <= 1e-5 * max(1, abs($1)) })
        // Without the sync the first replica's statistics are its own: a different gradient.
        if split.second > 0 {
            var alone = start
            try alone.computeGradients(inputs: Tensor(shape: [split.first, 10, 3], values: Array(x[0..<(split.first * 30)])),
                                       labels: Array(labels[0..<split.first]))
            #expect(zip(alone.gradients, a.gradients).map { abs($0 - $1) }.max()! / scale > 1e-3)
        }
    }

    final class ResultBox: @unchecked Sendable {
        // @unchecked Sendable: guarded by `lock`.
        private var values: [(gradients: [Float], state: [Float])?]
        private let lock = NSLock()
        init(count: Int) { values = Array(repeating: nil, count: count) }
        func set(_ i: Int, _ v: (gradients: [Float], state: [Float])) { lock.withLock { values[i] = v } }
        func get(_ i: Int) -> (gradients: [Float], state: [Float])? { lock.withLock { values[i] } }
    }
}
