import CFFTW
import Synchronization

/// An inverse complex-to-real FFT of one size, planned once with FFTW (single precision) and shared:
/// the inverse of `RealFFT`, as numpy's `irfft(X, n=size)`.
///
/// The result is normalised: `x[n] = (1/size) Σ_k X[k] e^{+2πikn/size}` over the Hermitian extension
/// of the `size / 2 + 1` bins (FFTW's c2r is unnormalised; this divides by `size`). The imaginary
/// parts of the DC bin (and of the Nyquist bin when `size` is even) are ignored, as numpy does.
///
/// Plans are made with `FFTW_ESTIMATE` under the same process-wide planner lock as `RealFFT`
/// (`FFTWPlanner`) and cached by size; execution is thread-safe on distinct `FFTBuffer`s.
public final class RealInverseFFT: @unchecked Sendable {
    // @unchecked Sendable: the plan is immutable after creation and FFTW documents
    // fftwf_execute_dft_c2r as safe to call concurrently on distinct arrays.

    /// Transform length (real output samples).
    public let size: Int
    /// Complex input bins: `size / 2 + 1`.
    public var bins: Int { size / 2 + 1 }
    private let plan: fftwf_plan

    private init(size: Int, plan: fftwf_plan) {
        self.size = size
        self.plan = plan
    }

    deinit {
        FFTWPlanner.state.withLock { _ in fftwf_destroy_plan(plan) }
    }

    /// The shared plan for `size`-point inverse transforms (made on first use).
    public static func plan(size: Int) -> RealInverseFFT {
        precondition(size > 0, "FFT size must be positive")
        return FFTWPlanner.state.withLock { caches in
            if let existing = caches.inverse[size] { return existing }
            let input = fftwf_alloc_complex(size / 2 + 1)!
            let output = fftwf_alloc_real(size)!
            defer { fftwf_free(input); fftwf_free(output) }
            let plan = fftwf_plan_dft_c2r_1d(Int32(size), input, output, UInt32(FFTW_ESTIMATE))!
            let ifft = RealInverseFFT(size: size, plan: plan)
            caches.inverse[size] = ifft
            return ifft
        }
    }

    /// Transforms `spectrum` (`bins` complex values as interleaved re, im) into `output` (`size` floats),
    /// divided by `size`.
    ///
    /// FFTW's c2r overwrites its input, so `spectrum` is a scratch buffer: its contents are undefined
    /// afterwards. Both buffers must come from `FFTBuffer` (FFTW's alignment). Safe to call from many
    /// threads at once on distinct buffers.
    public func inverse(destroying spectrum: FFTBuffer, into output: FFTBuffer) {
        precondition(spectrum.count >= 2 * bins && output.count >= size, "FFT buffers too small")
        spectrum.pointer.withMemoryRebound(to: fftwf_complex.self, capacity: bins) { inp in
            fftwf_execute_dft_c2r(plan, inp, output.pointer)
        }
        let scale = 1 / Float(size)
        let out = output.pointer
        for i in 0..<size { out[i] *= scale }
    }

    /// The inverse transform of `spectrum` (`bins` interleaved complex values), leaving it intact.
    ///
    /// Allocates; use `inverse(destroying:into:)` in loops.
    public func inverse(_ spectrum: [Float]) -> [Float] {
        precondition(spectrum.count == 2 * bins, "expected \(bins) complex bins")
        let input = FFTBuffer(count: 2 * bins)
        let output = FFTBuffer(count: size)
        spectrum.withUnsafeBufferPointer { s in input.pointer.update(from: s.baseAddress!, count: 2 * bins) }
        inverse(destroying: input, into: output)
        return Array(UnsafeBufferPointer(start: output.pointer, count: size))
    }

}
