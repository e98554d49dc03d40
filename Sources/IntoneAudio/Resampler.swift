import CSoxr

/// Sample-rate conversion with libsoxr at "HQ" quality, the quality librosa uses by default
/// (`res_type='soxr_hq'`).
///
/// The result of one-shot conversion is bit-identical to `librosa.resample(y, orig_sr, target_sr)`
/// with the same libsoxr build: `ceil(n * out / in)` samples, float32, no gain change.
public enum Resampler {
    /// Converts mono `samples` from `inputRate` to `outputRate` (Hz).
    ///
    /// Returns the input unchanged when the rates are equal, and an empty array for empty input.
    /// The output has exactly `ceil(samples.count * outputRate / inputRate)` samples, as librosa's
    /// `fix_length` makes it.
    ///
    /// - Throws: `AudioError.Reason.resampleFailed` (with `file` set to `label`) if soxr refuses the rates.
    public static func resample(
        _ samples: [Float], from inputRate: Double, to outputRate: Double, label: String = "<samples>"
    ) throws(AudioError) -> [Float] {
        guard inputRate > 0, outputRate > 0 else {
            throw AudioError(file: label, reason: .invalidParameter("sample rates must be positive (got \(inputRate) → \(outputRate))"))
        }
        if inputRate == outputRate || samples.isEmpty { return samples }
        let expected = Int((Double(samples.count) * (outputRate / inputRate)).rounded(.up))
        var io = soxr_io_spec(SOXR_FLOAT32_I, SOXR_FLOAT32_I)
        var quality = soxr_quality_spec(UInt(SOXR_HQ), 0)
        var produced = 0
        var failure: soxr_error_t? = nil
        // soxr_oneshot writes straight into the result: no intermediate buffers. Its output for a
        // whole signal equals a streaming conversion of the same signal in any chunking.
        let output = [Float](unsafeUninitializedCapacity: expected) { out, initialized in
            failure = samples.withUnsafeBufferPointer { input in
                soxr_oneshot(inputRate, outputRate, 1, input.baseAddress, samples.count, nil,
                             out.baseAddress, expected, &produced, &io, &quality, nil)
            }
            // librosa's fix_length: zero-pad a short conversion to exactly `expected` samples.
            for i in produced..<expected { out[i] = 0 }
            initialized = expected
        }
        if let failure {
            throw AudioError(file: label, reason: .resampleFailed("\(inputRate) Hz → \(outputRate) Hz: \(String(cString: failure))"))
        }
        return output
    }
}

/// A soxr resampler that consumes audio block by block with bounded memory:
/// the thin owning wrapper around `soxr_t`.
///
/// Feeding a signal in any chunking gives the same samples as converting it in one piece.
/// `@unchecked Sendable`: one owner uses it at a time (soxr objects are not thread-safe);
/// the handle is deleted in `deinit`.
public final class StreamingResampler: @unchecked Sendable {
    /// Input rate in Hz.
    public let inputRate: Double
    /// Output rate in Hz.
    public let outputRate: Double
    /// Interleaved channels per frame.
    public let channels: Int
    private let handle: soxr_t
    private let label: String
    private var scratch: [Float] = []

    /// Creates a converter from `inputRate` to `outputRate` for `channels` interleaved channels, soxr HQ quality.
    public init(from inputRate: Double, to outputRate: Double, channels: Int = 1, label: String = "<samples>") throws(AudioError) {
        self.inputRate = inputRate
        self.outputRate = outputRate
        self.channels = channels
        self.label = label
        var io = soxr_io_spec(SOXR_FLOAT32_I, SOXR_FLOAT32_I)
        var quality = soxr_quality_spec(UInt(SOXR_HQ), 0)
        var error: soxr_error_t? = nil
        guard let h = soxr_create(inputRate, outputRate, UInt32(channels), &error, &io, &quality, nil), error == nil else {
            let why = error.map { String(cString: $0) } ?? "unknown error"
            throw AudioError(file: label, reason: .resampleFailed("\(inputRate) Hz → \(outputRate) Hz: \(why)"))
        }
        handle = h
    }

    deinit { soxr_delete(handle) }

    /// Converts one block of interleaved frames and appends the output frames to `output`.
    ///
    /// Pass `last: true` with the final block (it may be empty) to flush the filter's tail.
    public func process(_ input: UnsafeBufferPointer<Float>, last: Bool, into output: inout [Float]) throws(AudioError) {
        let inFrames = input.count / channels
        let ratio = outputRate / inputRate
        // soxr may hold back up to its filter delay; ask for enough room to drain in a few calls.
        let room = max(Int((Double(inFrames) * ratio).rounded(.up)) + 64, 4096)
        if scratch.count < room * channels { scratch = [Float](repeating: 0, count: room * channels) }
        var consumed = 0
        while true {
            var used = 0
            var produced = 0
            let remaining = inFrames - consumed
            let err: soxr_error_t? = scratch.withUnsafeMutableBufferPointer { out in
                if remaining > 0 {
                    let base = input.baseAddress! + consumed * channels
                    return soxr_process(handle, base, remaining, &used, out.baseAddress, room, &produced)
                } else if last {
                    return soxr_process(handle, nil, 0, nil, out.baseAddress, room, &produced)
                } else {
                    return nil
                }
            }
            if let err { throw AudioError(file: label, reason: .resampleFailed(String(cString: err))) }
            if remaining > 0 && used == 0 && produced == 0 {
                throw AudioError(file: label, reason: .resampleFailed("soxr made no progress"))
            }
            consumed += used
            if produced > 0 { output.append(contentsOf: scratch[0..<(produced * channels)]) }
            if consumed >= inFrames {
                if !last || produced == 0 { break }
            }
        }
    }

    /// Forgets all state so the converter can start a new signal (cheaper than making a new one).
    public func reset() { soxr_clear(handle) }
}
