/// The little binary layouts of task data: 8-byte little-endian lengths before variable parts, and
/// float32 arrays as little-endian bytes (what NumPy reads as `<f4`).
public enum ByteCoding {
    /// Appends `count` as an 8-byte little-endian length.
    public static func appendLength(_ count: Int, to out: inout [UInt8]) {
        withUnsafeBytes(of: UInt64(count).littleEndian) { out.append(contentsOf: $0) }
    }

    /// Appends a length-prefixed record.
    public static func appendRecord<Bytes: Collection<UInt8>>(_ bytes: Bytes, to out: inout [UInt8]) {
        appendLength(bytes.count, to: &out)
        out.append(contentsOf: bytes)
    }

    /// `values` as little-endian float32 bytes.
    /// The bytes of a `rows` × `columns` float32 matrix, or nil when either is negative or the
    /// product overflows (sizes read from untrusted bytes must never trap).
    public static func float32ByteCount(rows: Int, columns: Int) -> Int? {
        guard rows >= 0, columns >= 0 else { return nil }
        let (cells, o1) = rows.multipliedReportingOverflow(by: columns)
        let (bytes, o2) = cells.multipliedReportingOverflow(by: 4)
        return o1 || o2 ? nil : bytes
    }

    /// The values a tensor of `shape` holds, or nil when a size is negative (or 0, unless
    /// `allowingZero`), the product overflows or passes `limit`: shapes read from untrusted bytes.
    public static func elementCount(_ shape: [Int], allowingZero: Bool = true, limit: Int = .max) -> Int? {
        var count = 1
        for n in shape {
            guard n > 0 || (allowingZero && n == 0) else { return nil }
            let (product, overflow) = count.multipliedReportingOverflow(by: n)
            guard !overflow, product <= limit else { return nil }
            count = product
        }
        return count
    }

    public static func floats(_ values: [Float]) -> [UInt8] {
        #if _endian(little)
        return values.withUnsafeBytes { Array($0) }   // already little-endian: one copy
        #else
        var out = [UInt8]()
        out.reserveCapacity(values.count * 4)
        for v in values { withUnsafeBytes(of: v.bitPattern.littleEndian) { out.append(contentsOf: $0) } }
        return out
        #endif
    }

    /// Little-endian float32 bytes (a multiple of 4 of them) as values.
    public static func floats(from bytes: ArraySlice<UInt8>) -> [Float] {
        let n = bytes.count / 4
        #if _endian(little)
        // One copy of the bytes (the slice need not be aligned for floats).
        return [Float](unsafeUninitializedCapacity: n) { out, count in
            bytes.withUnsafeBytes { raw in
                if n > 0 { UnsafeMutableRawPointer(out.baseAddress!).copyMemory(from: raw.baseAddress!, byteCount: n * 4) }
            }
            count = n
        }
        #else
        let base = bytes.startIndex
        return (0..<n).map { i in
            let o = base + 4 * i
            return Float(bitPattern: UInt32(bytes[o]) | UInt32(bytes[o + 1]) << 8 | UInt32(bytes[o + 2]) << 16 | UInt32(bytes[o + 3]) << 24)
        }
        #endif
    }

    /// Reads lengths and records from the front of `bytes`; `what` names the data in errors.
    public struct Reader {
        public let bytes: [UInt8]
        public let what: String
        public private(set) var offset = 0

        public init(_ bytes: [UInt8], what: String) {
            self.bytes = bytes
            self.what = what
        }

        public var isAtEnd: Bool { offset == bytes.count }

        public mutating func length() throws(ByteCodingError) -> Int {
            guard offset + 8 <= bytes.count else { throw ByteCodingError("\(what) is truncated") }
            var v: UInt64 = 0
            for i in 0..<8 { v |= UInt64(bytes[offset + i]) << (8 * UInt64(i)) }
            offset += 8
            guard v <= UInt64(bytes.count - offset) else { throw ByteCodingError("\(what) is truncated") }
            return Int(v)
        }

        public mutating func take(_ count: Int) throws(ByteCodingError) -> ArraySlice<UInt8> {
            guard count >= 0, count <= bytes.count - offset else { throw ByteCodingError("\(what) is truncated") }
            defer { offset += count }
            return bytes[offset..<(offset + count)]
        }

        /// A length-prefixed record.
        public mutating func record() throws(ByteCodingError) -> ArraySlice<UInt8> { try take(try length()) }

        /// Everything left.
        public mutating func rest() -> ArraySlice<UInt8> {
            defer { offset = bytes.count }
            return bytes[offset...]
        }
    }
}

/// Bytes that do not hold the layout they should, named by what they were meant to be.
public struct ByteCodingError: Error, Equatable, Sendable, CustomStringConvertible {
    public let reason: String
    public init(_ reason: String) { self.reason = reason }
    public var description: String { reason }
}
