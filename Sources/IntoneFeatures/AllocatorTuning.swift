#if canImport(Glibc)
import CMalloc
#endif

/// Process-wide allocator settings for batch feature extraction.
public enum AllocatorTuning {
    /// Keeps large short-lived buffers in the heap instead of returning them to the OS after each clip.
    ///
    /// Extracting features from one 3 s clip allocates about 1 MB of temporary arrays (decoded and
    /// resampled samples, the 1025 × 130 spectrogram). With glibc's defaults, allocations above the
    /// mmap threshold are mapped and unmapped every time, and each clip pays for ~270 page faults:
    /// measured 1.69 ms per clip against 1.23 ms with this setting (scripts/bench-features).
    /// Raises the mmap threshold to 32 MiB and the trim threshold to 256 MiB; peak memory is unchanged.
    /// Call once, early in `main`. No effect on platforms without glibc.
    public static func keepLargeBuffers() {
        #if canImport(Glibc)
        _ = mallopt(M_MMAP_THRESHOLD, 32 << 20)
        _ = mallopt(M_TRIM_THRESHOLD, 256 << 20)
        #endif
    }
}
