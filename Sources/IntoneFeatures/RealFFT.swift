import CFFTW
import Synchronization

/// A forward real-to-complex FFT of one size, planned once with FFTW (single precision) and shared.
///
/// FFTW's planner is not thread-safe, its executor is: plans are made under the process-wide planner lock
/// and cached by size (`RealFFT.plan(size:)`), then executed concurrently from any thread with
/// new-array execution on buffers that have FFTW's alignment (`FFTBuffer`).
///
/// Plans are made with `FFTW_ESTIMATE`, which picks the same algorithm every time on a given
/// machine, so features are the same bytes run after run (FFTW_MEASURE times candidate plans and
/// may pick a different one, with different rounding, on each run).
public final class RealFFT: @unchecked Sendable {
    // @unchecked Sendable: the plan is immutable after creation and FFTW documents
    // fftwf_execute_dft_r2c as safe to call concurrently on distinct arrays.

    /// Transform length (real input samples).
    public let size: Int
    /// Complex output bins: `size / 2 + 1`.
    public var bins: Int { size / 2 + 1 }
    private let plan: fftwf_plan

    private init(size: Int, plan: fftwf_plan) {
        self.size = size
        self.plan = plan
    }

    deinit {
        FFTWPlanner.state.withLock { _ in fftwf_destroy_plan(plan) }
    }

    /// The shared plan for `size`-point transforms (made on first use).
    public static func plan(size: Int) -> RealFFT {
        precondition(size > 0, "FFT size must be positive")
        return FFTWPlanner.state.withLock { caches in
            if let existing = caches.forward[size] { return existing }
            let input = fftwf_alloc_real(size)!
            let output = fftwf_alloc_complex(size / 2 + 1)!
            defer { fftwf_free(input); fftwf_free(output) }
            let plan = fftwf_plan_dft_r2c_1d(Int32(size), input, output, UInt32(FFTW_ESTIMATE))!
            let fft = RealFFT(size: size, plan: plan)
            caches.forward[size] = fft
            return fft
        }
    }

    /// Transforms `input` (`size` floats) into `output` (`bins` complex values as interleaved re, im).
    ///
    /// Both buffers must come from `FFTBuffer` (FFTW's alignment). Safe to call from many threads at once.
    public func forward(_ input: FFTBuffer, into output: FFTBuffer) {
        precondition(input.count >= size && output.count >= 2 * bins, "FFT buffers too small")
        input.pointer.withMemoryRebound(to: Float.self, capacity: size) { inp in
            output.pointer.withMemoryRebound(to: fftwf_complex.self, capacity: bins) { out in
                fftwf_execute_dft_r2c(plan, inp, out)
            }
        }
    }

}

/// A float buffer aligned the way FFTW wants (allocated by `fftwf_malloc`), owned and freed by this object.
///
/// Not shared between threads: each worker makes its own scratch buffers.
public final class FFTBuffer {
    /// Number of floats.
    public let count: Int
    /// Start of the storage.
    public let pointer: UnsafeMutablePointer<Float>

    /// Allocates `count` zeroed floats.
    public init(count: Int) {
        self.count = count
        pointer = fftwf_alloc_real(max(count, 1))!
        pointer.initialize(repeating: 0, count: max(count, 1))
    }

    deinit { fftwf_free(pointer) }
}
