/// A Keras optimizer over flat buffers: `apply(gradients:to:)` updates every parameter from the
/// gradient at the same index, so one call steps a whole network (or an averaged gradient from
/// several workers).
///
/// Its state is flat too: `slots` holds `slotNames.count` buffers of `parameters.count` values one
/// after another (Adam: `momentum` then `velocity`), allocated on the first `apply`; with `iterations`
/// and `learningRate` that is everything a checkpoint needs. No weight decay, clipping or EMA.
public protocol Optimizer: Sendable {
    /// Step size; callbacks such as `ReduceLROnPlateau` change it between epochs.
    var learningRate: Float { get set }
    /// Steps applied so far (Keras `optimizer.iterations`).
    var iterations: Int { get set }
    /// Names of the per-parameter buffers in `slots`, in order (Keras's optimizer variable names).
    var slotNames: [String] { get }
    /// The slot buffers, concatenated; empty before the first step.
    var slots: [Float] { get set }
    /// One update of `parameters` from `gradients` (same count).
    mutating func apply(gradients: [Float], to parameters: inout [Float])
}

extension Optimizer {
    /// Allocates `slots` on first use and checks the buffers agree.
    mutating func prepareSlots(count: Int, gradients: Int) {
        precondition(count == gradients, "optimizer: \(gradients) gradients for \(count) parameters")
        if slots.isEmpty { slots = [Float](repeating: 0, count: slotNames.count * count) }
        precondition(slots.count == slotNames.count * count,
                     "optimizer: slots hold \(slots.count) values, expected \(slotNames.count) × \(count)")
    }
}
