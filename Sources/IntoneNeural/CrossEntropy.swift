/// What a batch is labelled with.
enum Targets {
    /// Class indices, one per sample.
    case labels([Int])
    /// `[batch, classes]` target distributions (one-hot rows, or soft labels).
    case distributions([Float])
}

/// Keras categorical cross-entropy on the softmax's input (logits), reduced as Keras 3's
/// `sum_over_batch_size`: `loss = Σ_b w_b · ℓ_b / batch`, with `ℓ_b = −Σ_k t_bk · log softmax(z_b)_k`
/// and `w_b` the class weight of sample b's label (argmax of its target row; 1 without class weights).
/// Keras divides by the batch size, not by Σ w.
///
/// The value is computed from the logits (`log softmax = z − logsumexp z`, as Keras's TensorFlow
/// backend does for a softmax output); the gradient is the combined, stable
/// `∂loss/∂z_b = w_b · (Σ_k t_bk · p_b − t_b) / batch` (`p_b − t_b` for one-hot rows).
enum CrossEntropy {
    /// Loss (Double), correct predictions (argmax of p equals the label, first index on ties), and
    /// ∂loss/∂logits into `gradient` when given.
    static func evaluate(logits: UnsafeBufferPointer<Float>, probabilities: UnsafeBufferPointer<Float>,
                         targets: Targets, classWeights: [Float]?, batch: Int, classes: Int,
                         gradient: UnsafeMutableBufferPointer<Float>?) -> (loss: Double, correct: Int) {
        var total = 0.0, correct = 0
        let scale = 1 / Double(batch)
        for b in 0..<batch {
            let z = logits.baseAddress! + b * classes, p = probabilities.baseAddress! + b * classes
            var top = z[0]
            for k in 1..<classes { top = max(top, z[k]) }
            var sum = 0.0
            for k in 0..<classes { sum += exactExp(Double(z[k] - top)) }
            let logSumExp = Double(top) + log(sum)
            var predicted = 0
            for k in 1..<classes where p[k] > p[predicted] { predicted = k }
            let label: Int, weight: Double
            switch targets {
            case let .labels(labels):
                label = labels[b]
                weight = classWeights.map { Double($0[label]) } ?? 1
                total += weight * (logSumExp - Double(z[label]))
                if let g = gradient {
                    let w = Float(weight * scale)
                    for k in 0..<classes { g[b * classes + k] = w * p[k] }
                    g[b * classes + label] -= w
                }
            case let .distributions(t):
                let row = b * classes
                var argmax = 0, mass: Float = 0, sample = 0.0
                for k in 0..<classes {
                    if t[row + k] > t[row + argmax] { argmax = k }
                    mass += t[row + k]
                    sample += Double(t[row + k]) * (logSumExp - Double(z[k]))
                }
                label = argmax
                weight = classWeights.map { Double($0[label]) } ?? 1
                total += weight * sample
                if let g = gradient {
                    let w = Float(weight * scale)
                    for k in 0..<classes { g[row + k] = w * (mass * p[k] - t[row + k]) }
                }
            }
            if predicted == label { correct += 1 }
        }
        return (total * scale, correct)
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

@inline(__always) private func exactExp(_ x: Double) -> Double { exp(x) }
