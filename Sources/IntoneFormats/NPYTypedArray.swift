import Foundation

/// A `.npy` array of float32, float64 or int32 values (model weights need all three: tree thresholds are
/// float64, node indices int32), C order, little-endian.
public struct NPYTypedArray: Equatable, Sendable {
    /// The values and their numpy dtype.
    public enum Storage: Equatable, Sendable {
        case float32([Float])
        case float64([Double])
        case int32([Int32])

        var descr: String {
            switch self {
            case .float32: return "<f4"
            case .float64: return "<f8"
            case .int32: return "<i4"
            }
        }

        var count: Int {
            switch self {
            case .float32(let v): return v.count
            case .float64(let v): return v.count
            case .int32(let v): return v.count
            }
        }
    }

    public let shape: [Int]
    public let storage: Storage

    public init(shape: [Int], storage: Storage) {
        precondition(shape.reduce(1, *) == storage.count, "NPYTypedArray: shape \(shape) does not hold \(storage.count) values")
        self.shape = shape
        self.storage = storage
    }

    public static func float32(_ v: [Float], shape: [Int]? = nil) -> NPYTypedArray { .init(shape: shape ?? [v.count], storage: .float32(v)) }
    public static func float64(_ v: [Double], shape: [Int]? = nil) -> NPYTypedArray { .init(shape: shape ?? [v.count], storage: .float64(v)) }
    public static func int32(_ v: [Int32], shape: [Int]? = nil) -> NPYTypedArray { .init(shape: shape ?? [v.count], storage: .int32(v)) }

    /// The values as float32 (converting), for uniform use.
    public var floats: [Float] {
        switch storage {
        case .float32(let v): return v
        case .float64(let v): return v.map(Float.init)
        case .int32(let v): return v.map(Float.init)
        }
    }

    /// The values as float64 (converting).
    public var doubles: [Double] {
        switch storage {
        case .float32(let v): return v.map(Double.init)
        case .float64(let v): return v
        case .int32(let v): return v.map(Double.init)
        }
    }

    /// The values as Int32, or nil when one is not exactly a 32-bit integer (1.5, NaN, 1e10).
    public var exactInt32s: [Int32]? {
        var out: [Int32] = []
        switch storage {
        case .float32(let v): for x in v { guard let i = Int32(exactly: x) else { return nil }; out.append(i) }
        case .float64(let v): for x in v { guard let i = Int32(exactly: x) else { return nil }; out.append(i) }
        case .int32(let v): return v
        }
        return out
    }

    /// The bytes of a version 1.0 `.npy` file.
    public func encoded() -> Data {
        var data = NPYFile.header(descr: storage.descr, shape: shape)
        switch storage {
        case .float32(let v): for x in v { withUnsafeBytes(of: x.bitPattern.littleEndian) { data.append(contentsOf: $0) } }
        case .float64(let v): for x in v { withUnsafeBytes(of: x.bitPattern.littleEndian) { data.append(contentsOf: $0) } }
        case .int32(let v): for x in v { withUnsafeBytes(of: x.littleEndian) { data.append(contentsOf: $0) } }
        }
        return data
    }

    /// Writes atomically.
    public func write(to path: String) throws(NPYError) {
        do { try AtomicFile.write(encoded(), to: path) } catch {
            throw NPYError(file: path, reason: "cannot write (\(error.localizedDescription))")
        }
    }

    /// Reads a float32, float64 or int32 `.npy` file, keeping its dtype.
    public static func read(path: String) throws(NPYError) -> NPYTypedArray {
        let data: Data
        do { data = try Data(contentsOf: URL(fileURLWithPath: path)) } catch {
            throw NPYError(file: path, reason: "cannot read (\(error.localizedDescription))")
        }
        return try decode(data, file: path)
    }

    /// Decodes the bytes of a float32, float64 or int32 `.npy` file (`file` names it in errors).
    public static func decode(_ data: Data, file path: String = "<data>") throws(NPYError) -> NPYTypedArray {
        let (descr, shape, body) = try NPYFile.parseHeader(data, file: path)
        let bytes = [UInt8](data)
        let count = try NPYFile.valueCount(shape, file: path)
        func need(_ width: Int) throws(NPYError) {
            let (needed, overflow) = count.multipliedReportingOverflow(by: width)
            guard !overflow, bytes.count - body >= needed else { throw NPYError(file: path, reason: "truncated data") }
        }
        func word<T: FixedWidthInteger>(_ o: Int, _: T.Type) -> T {
            var v: T = 0
            for j in 0..<(T.bitWidth / 8) { v |= T(bytes[o + j]) << (8 * j) }
            return v
        }
        switch descr {
        case "<f4":
            try need(4)
            return .init(shape: shape, storage: .float32((0..<count).map { Float(bitPattern: word(body + 4 * $0, UInt32.self)) }))
        case "<f8":
            try need(8)
            return .init(shape: shape, storage: .float64((0..<count).map { Double(bitPattern: word(body + 8 * $0, UInt64.self)) }))
        case "<i4":
            try need(4)
            return .init(shape: shape, storage: .int32((0..<count).map { Int32(bitPattern: word(body + 4 * $0, UInt32.self)) }))
        default:
            throw NPYError(file: path, reason: "dtype \(descr) is not supported (float32, float64 or int32 expected)")
        }
    }
}
