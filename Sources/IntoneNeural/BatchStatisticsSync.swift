/// Batch normalisation over a global batch split across replicas (PyTorch's SyncBatchNorm): each
/// replica holds part of the batch, and every BatchNormalization layer sums its per-channel
/// statistics over all replicas before using them, so the normalisation — and the gradient through
/// it — are the whole batch's, as if one process had run it.
///
/// In training, each layer calls `sum` twice going forward (the sums of x with the row count, then
/// the squared deviations from the global mean) and once going back (the sums of ∂loss/∂y and of
/// ∂loss/∂y · x̂, scaled by `weight` to the global batch's loss); every replica makes the same calls
/// in the same order. A replica with no samples in a step takes part with `Network.joinBatchStatisticsWithoutSamples`.
public final class BatchStatisticsSync: @unchecked Sendable {
    // @unchecked Sendable: used by the one thread that trains the network it is attached to.

    /// Replaces a vector with its element-wise sum over the replicas.
    let sum: (inout [Double]) -> Void
    /// This replica's share of the global batch (its samples ÷ the batch's); set before each pass.
    public var weight: Double = 1

    public init(sum: @escaping (inout [Double]) -> Void) {
        self.sum = sum
    }
}

extension Network {
    /// Makes a training pass's batch-statistics exchanges with zero contributions, for a replica
    /// with no samples in a step, so the replicas that have samples are not left waiting.
    public func joinBatchStatisticsWithoutSamples() {
        guard let sync = batchStatisticsSync else { return }
        let channels = layers.compactMap { ($0 as? BatchNormalizationLayer)?.channels }
        for c in channels {
            var sums = [Double](repeating: 0, count: c + 1)
            sync.sum(&sums)
            var squares = [Double](repeating: 0, count: c)
            sync.sum(&squares)
        }
        for c in channels.reversed() {
            var gradients = [Double](repeating: 0, count: 2 * c)
            sync.sum(&gradients)
        }
    }
}
