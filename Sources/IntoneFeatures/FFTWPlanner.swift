import CFFTW
import Synchronization

/// The one lock around FFTW's planner, and the plan caches it guards.
///
/// FFTW's planner is a single global object shared by every plan type: plan creation and destruction
/// of forward and inverse plans alike must not overlap. Execution of existing plans needs no lock.
enum FFTWPlanner {
    struct Caches {
        var forward: [Int: RealFFT] = [:]
        var inverse: [Int: RealInverseFFT] = [:]
    }

    /// Guards every `fftwf_plan_*` and `fftwf_destroy_plan` call and the caches.
    static let state = Mutex(Caches())
}
