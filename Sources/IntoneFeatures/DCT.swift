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
    }

    /// Transforms every column (frame) of `x` (`inputs` rows × frames).
    public func apply(to x: FeatureMatrix) -> FeatureMatrix {
        precondition(x.rows == inputs, "DCT over \(inputs) rows applied to \(x.rows)")
        let frames = x.frames
        var out = [Float](repeating: 0, count: outputs * frames)
        x.values.withUnsafeBufferPointer { src in
            out.withUnsafeMutableBufferPointer { dst in
                basis.withUnsafeBufferPointer { b in
                    for k in 0..<outputs {
                        let row = dst.baseAddress! + k * frames
                        for i in 0..<inputs {
                            let c = b[k * inputs + i]
                            let s = src.baseAddress! + i * frames
                            for t in 0..<frames { row[t] += c * s[t] }
                        }
                    }
                }
            }
        }
        return FeatureMatrix(rows: outputs, frames: frames, values: out)
    }
}
