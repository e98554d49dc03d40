#if canImport(Glibc)
import Glibc
#endif

/// The orthonormal DCT-II over rows, keeping the first `outputs` coefficients
/// (`scipy.fft.dct(x, type=2, norm='ortho', axis=-2)[:outputs]`, what librosa's MFCC uses):
///
/// `y[k] = s(k) · Σₙ x[n] cos(π k (2n + 1) / (2N))`, with `s(0) = √(1/N)` and `s(k) = √(2/N)` otherwise.
///
/// The basis is computed in double precision once; the product runs over frames in float32,
/// frames contiguous so it vectorises.
public struct DCTII: Sendable {
    /// Input length N (rows of the input matrix).
    public let inputs: Int
    /// Coefficients kept.
    public let outputs: Int
    /// `outputs × inputs` basis, row-major.
    let basis: [Float]
    /// The basis by input: for input `i`, its weights on the outputs in groups of eight (zero-padded).
    let basisByInput: [SIMD8<Float>]

    public init(inputs: Int, outputs: Int) {
        precondition(inputs > 0 && outputs > 0 && outputs <= inputs, "DCT: need 0 < outputs ≤ inputs")
        self.inputs = inputs
        self.outputs = outputs
        var b = [Float](repeating: 0, count: outputs * inputs)
        let n = Double(inputs)
        for k in 0..<outputs {
            let scale = k == 0 ? (1.0 / n).squareRoot() : (2.0 / n).squareRoot()
            for i in 0..<inputs {
                b[k * inputs + i] = Float(scale * cos(Double.pi * Double(k) * (2.0 * Double(i) + 1.0) / (2.0 * n)))
            }
        }
        basis = b
        let lanes = (outputs + 7) / 8
        var byInput = [SIMD8<Float>](repeating: .zero, count: inputs * lanes)
        for i in 0..<inputs {
            for k in 0..<outputs { byInput[i * lanes + k / 8][k % 8] = b[k * inputs + i] }
        }
        basisByInput = byInput
    }

    /// Transforms every column (frame) of `x` (`inputs` rows × frames).
    ///
    /// Frame by frame, eight coefficients at a time; each coefficient is summed over the inputs in
    /// order, so a frame's result does not depend on the other frames in the matrix.
    public func apply(to x: FeatureMatrix) -> FeatureMatrix {
        precondition(x.rows == inputs, "DCT over \(inputs) rows applied to \(x.rows)")
        let frames = x.frames
        let lanes = (outputs + 7) / 8
        var out = [Float](repeating: 0, count: outputs * frames)
        var acc = [SIMD8<Float>](repeating: .zero, count: lanes)
        x.values.withUnsafeBufferPointer { src in
            out.withUnsafeMutableBufferPointer { dst in
                basisByInput.withUnsafeBufferPointer { b in
                    acc.withUnsafeMutableBufferPointer { a in
                        for t in 0..<frames {
                            for l in 0..<lanes { a[l] = .zero }
                            for i in 0..<inputs {
                                let v = SIMD8<Float>(repeating: src[i &* frames &+ t])
                                let row = b.baseAddress! + i &* lanes
                                for l in 0..<lanes { a[l] += row[l] * v }
                            }
                            for k in 0..<outputs { dst[k &* frames &+ t] = a[k >> 3][k & 7] }
                        }
                    }
                }
            }
        }
        return FeatureMatrix(rows: outputs, frames: frames, values: out)
    }
}
