import Foundation

/// A signal through a lossy file encoding and back, as a recording stored that way would sound:
/// written with libsndfile to a temporary file of `type`, read back, and cut or zero-padded to the
/// input's length (codecs work in whole frames). The file is removed afterwards.
public enum CodecRoundTrip {
    /// `samples` (mono, at `sampleRate`) encoded as `type` and decoded.
    /// - Throws: `AudioError` when libsndfile cannot write or read the format (GSM 06.10 takes
    ///   8 kHz mono only).
    public static func apply(_ samples: [Float], sampleRate: Int, type: AudioFileType) throws(AudioError) -> [Float] {
        if samples.isEmpty { return [] }
        let path = NSTemporaryDirectory() + "intone-codec-\(UUID().uuidString).\(type.fileExtension)"
        defer { try? FileManager.default.removeItem(atPath: path) }
        try AudioWriter.write(channels: [samples], sampleRate: sampleRate, to: path, as: type)
        let reader = try SoundFileReader(path: path)
        var out = try AudioSegment.read(reader, start: 0, count: reader.info.frames, channel: .channel(0))
        if out.count > samples.count { out.removeLast(out.count - samples.count) }
        if out.count < samples.count { out.append(contentsOf: repeatElement(0, count: samples.count - out.count)) }
        return out
    }
}
