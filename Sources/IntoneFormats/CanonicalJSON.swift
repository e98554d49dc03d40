import Foundation

/// JSON with sorted keys and no white space: the same value always gives the same bytes, so task
/// bodies can be hashed and compared (task ids, content keys). Reading accepts any JSON that
/// decodes to the type.
public enum CanonicalJSON {
    /// `value` as canonical JSON (empty if it cannot be encoded, which Codable values of this
    /// project's own types never are).
    public static func encode<T: Encodable>(_ value: T) -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return [UInt8]((try? encoder.encode(value)) ?? Data())
    }

    /// The value `bytes` encode, or nil if they do not.
    public static func decode<T: Decodable>(_ type: T.Type, _ bytes: [UInt8]) -> T? {
        try? JSONDecoder().decode(type, from: Data(bytes))
    }
}
