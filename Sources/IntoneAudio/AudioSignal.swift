/// Mono audio samples at a known rate: what decoding hands to feature extraction.
public struct AudioSignal: Equatable, Sendable {
    /// Samples, nominally in [-1, 1] (float files may exceed it; nothing is clipped).
    public var samples: [Float]
    /// Sampling rate in Hz.
    public var sampleRate: Int

    public init(samples: [Float], sampleRate: Int) {
        self.samples = samples
        self.sampleRate = sampleRate
    }

    /// Duration in seconds.
    public var duration: Double { sampleRate > 0 ? Double(samples.count) / Double(sampleRate) : 0 }
}

/// Mixes interleaved frames down to mono by the mean over channels, as `librosa.to_mono` does
/// (channels summed in order in float32, then divided by the channel count).
///
/// - Parameters:
///   - interleaved: `frames * channels` samples, frame-major.
///   - channels: channel count (1 returns the input as is).
public func mixToMono(_ interleaved: UnsafeBufferPointer<Float>, channels: Int) -> [Float] {
    if channels == 1 { return Array(interleaved) }
    let frames = interleaved.count / channels
    let divisor = Float(channels)
    return [Float](unsafeUninitializedCapacity: frames) { out, initialized in
        for f in 0..<frames {
            let base = f * channels
            var sum = interleaved[base]
            for c in 1..<channels { sum += interleaved[base + c] }
            out[f] = sum / divisor
        }
        initialized = frames
    }
}
