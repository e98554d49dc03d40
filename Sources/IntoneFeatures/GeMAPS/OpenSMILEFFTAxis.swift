import Foundation

/// The frequency axis that openSMILE attaches to an FFT magnitude level (`cTransformFFT` →
/// `cFFTmagphase` field info) and the frame size in seconds that later components
/// (`cMelspec`, `cSpectral`) read from that level.
///
/// openSMILE's `cFramer` keeps the configured frame size in seconds (eGeMAPS: 0.020 s), and
/// `cTransformFFT` scales it by `fftLength / frameLength` when it zero-pads a frame whose length
/// is not a power of two. Bin `k` then sits at `k · (1 / paddedFrameSizeSeconds)` Hz, computed in
/// double exactly as openSMILE does, so that band-edge tests such as `frq[k] >= 500` come out the
/// same way.
public struct OpenSMILEFFTAxis: Sendable, Equatable {
    /// Number of magnitude bins per frame (`fftLength / 2 + 1`).
    public let binCount: Int
    /// The frame size in seconds of the FFT level (after zero-padding), openSMILE's `frameSizeSec`.
    public let paddedFrameSizeSeconds: Double
    /// Hz between neighbouring bins (`1 / paddedFrameSizeSeconds`, double).
    public let binSpacing: Double
    /// Centre frequency in Hz of every bin (`binSpacing · k`).
    public let frequencies: [Double]

    /// Builds the axis for frames of `frameSizeSeconds` (the `cFramer` `frameSize` option; 0.020 s
    /// for eGeMAPS' `gemapsv01b_frame25`) at `sampleRate`, transformed with `fftLength` points.
    public init(sampleRate: Double, fftLength: Int, frameSizeSeconds: Double = 0.020) {
        let bins = max(fftLength, 0) / 2 + 1
        binCount = bins
        // cFramer: frameSizeFrames = round(frameSize / T), C round (half away from zero).
        let frameLength = sampleRate > 0 ? Int((frameSizeSeconds * sampleRate).rounded()) : 0
        var padded = frameSizeSeconds
        if frameLength > 0, fftLength != frameLength {
            padded *= Double(fftLength) / Double(frameLength)
        }
        paddedFrameSizeSeconds = padded
        let spacing = padded > 0 ? 1.0 / padded : 0
        binSpacing = spacing
        frequencies = (0..<bins).map { spacing * Double($0) }
    }
}
