import Foundation

/// A NumPy `.npy` array of float32 (format version 1.0), readable by `numpy.load`.
///
/// Intone writes C-order little-endian float32 (`'<f4'`). Reading also accepts float64 (`'<f8'`),
/// converted to float32, so reference arrays from any script can be compared.
public struct NPYArray: Equatable, Sendable {
    /// The array's shape, outermost first (e.g. `[40, 130]` for 40 coefficients × 130 frames).
    public let shape: [Int]
    /// Values in C order (last index fastest).
    public let values: [Float]

    public init(shape: [Int], values: [Float]) {
        precondition(shape.reduce(1, *) == values.count, "NPYArray: shape \(shape) does not hold \(values.count) values")
        self.shape = shape
        self.values = values
    }
}

/// Why a `.npy` file could not be read or written.
public struct NPYError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The file concerned.
    public let file: String
    /// What is wrong with it.
    public let reason: String

    public init(file: String, reason: String) {
        self.file = file
        self.reason = reason
    }

    public var description: String { "\(file): \(reason)" }
}

/// Reading and writing `.npy` files.
public enum NPYFile {
    private static let magic: [UInt8] = [0x93, 0x4E, 0x55, 0x4D, 0x50, 0x59]  // "\x93NUMPY"

    /// The bytes of a version 1.0 `.npy` file holding `array` as little-endian float32, C order.
    public static func encode(_ array: NPYArray) -> Data {
        var data = header(descr: "<f4", shape: array.shape)
        array.values.withUnsafeBufferPointer { buffer in
            // Float bit patterns written little-endian explicitly (portable to big-endian hosts).
            var bytes = [UInt8](repeating: 0, count: buffer.count * 4)
            for (i, v) in buffer.enumerated() {
                let bits = v.bitPattern.littleEndian
                withUnsafeBytes(of: bits) { raw in
                    for j in 0..<4 { bytes[i * 4 + j] = raw[j] }
                }
            }
            data.append(contentsOf: bytes)
        }
        return data
    }

    /// Magic, version 1.0 and the header dictionary, padded so the data starts at a multiple of 64 bytes.
    static func header(descr: String, shape: [Int]) -> Data {
        let shapeText: String
        switch shape.count {
        case 0: shapeText = "()"
        case 1: shapeText = "(\(shape[0]),)"
        default: shapeText = "(" + shape.map(String.init).joined(separator: ", ") + ")"
        }
        var header = "{'descr': '\(descr)', 'fortran_order': False, 'shape': \(shapeText), }"
        let preamble = magic.count + 2 + 2
        let total = ((preamble + header.utf8.count + 1 + 63) / 64) * 64
        header += String(repeating: " ", count: total - preamble - header.utf8.count - 1) + "\n"
        var data = Data(magic)
        data.append(contentsOf: [1, 0])
        let length = UInt16(header.utf8.count)
        data.append(contentsOf: [UInt8(length & 0xFF), UInt8(length >> 8)])
        data.append(contentsOf: Array(header.utf8))
        return data
    }

    /// Writes `array` to `path` atomically (`path.partial`, renamed into place; see `AtomicFile`).
    public static func write(_ array: NPYArray, to path: String) throws(NPYError) {
        do {
            try AtomicFile.write(encode(array), to: path)
        } catch {
            throw NPYError(file: path, reason: "cannot write (\(error.localizedDescription))")
        }
    }

    /// Reads a `.npy` file of float32 or float64 values.
    public static func read(path: String) throws(NPYError) -> NPYArray {
        let data: Data
        do { data = try Data(contentsOf: URL(fileURLWithPath: path)) } catch {
            throw NPYError(file: path, reason: "cannot read (\(error.localizedDescription))")
        }
        return try decode(data, file: path)
    }

    /// Parses the bytes of a `.npy` file; `file` only names it in errors.
    /// Parses magic and header: dtype descriptor, shape and the offset of the data.
    static func parseHeader(_ data: Data, file: String) throws(NPYError) -> (descr: String, shape: [Int], body: Int) {
        let bytes = [UInt8](data)
        guard bytes.count >= 10, Array(bytes[0..<6]) == magic else {
            throw NPYError(file: file, reason: "not a .npy file (bad magic)")
        }
        let major = bytes[6]
        let headerLength: Int
        let headerStart: Int
        if major == 1 {
            headerLength = Int(bytes[8]) | Int(bytes[9]) << 8
            headerStart = 10
        } else if major == 2 || major == 3 {
            guard bytes.count >= 12 else { throw NPYError(file: file, reason: "truncated header") }
            headerLength = Int(bytes[8]) | Int(bytes[9]) << 8 | Int(bytes[10]) << 16 | Int(bytes[11]) << 24
            headerStart = 12
        } else {
            throw NPYError(file: file, reason: "unsupported .npy version \(major)")
        }
        guard bytes.count >= headerStart + headerLength,
              let header = String(bytes: bytes[headerStart..<(headerStart + headerLength)], encoding: .utf8) else {
            throw NPYError(file: file, reason: "truncated header")
        }
        guard let descr = field("descr", in: header)?.trimmingCharacters(in: CharacterSet(charactersIn: "'\"")) else {
            throw NPYError(file: file, reason: "header has no 'descr'")
        }
        if field("fortran_order", in: header) == "True" {
            throw NPYError(file: file, reason: "Fortran-order arrays are not supported")
        }
        guard let shapeText = shapeField(in: header) else { throw NPYError(file: file, reason: "header has no 'shape'") }
        var shape: [Int] = []
        for part in shapeText.split(separator: ",", omittingEmptySubsequences: false) {
            let text = part.trimmingCharacters(in: .whitespaces)
            if text.isEmpty { continue }   // "(3,)" and "()"
            guard let n = Int(text), n >= 0 else { throw NPYError(file: file, reason: "shape (\(shapeText)) is not a list of sizes of 0 or more") }
            shape.append(n)
        }
        guard shape.count <= 32 else { throw NPYError(file: file, reason: "shape has \(shape.count) dimensions (at most 32)") }
        return (descr, shape, headerStart + headerLength)
    }

    /// The values an array of `shape` holds (parseHeader has refused negative sizes).
    static func valueCount(_ shape: [Int], file: String) throws(NPYError) -> Int {
        guard let count = ByteCoding.elementCount(shape) else { throw NPYError(file: file, reason: "shape \(shape) holds more values than can be counted") }
        return count
    }

    public static func decode(_ data: Data, file: String = "<data>") throws(NPYError) -> NPYArray {
        let (descr, shape, body) = try parseHeader(data, file: file)
        let bytes = [UInt8](data)
        let width: Int
        switch descr {
        case "<f4": width = 4
        case "<f8": width = 8
        default: throw NPYError(file: file, reason: "dtype \(descr) is not supported (float32 or float64 expected)")
        }
        // Sizes come from the file: multiply with overflow checks, and never past what it holds.
        let count = try valueCount(shape, file: file)
        let (needed, overflow) = count.multipliedReportingOverflow(by: width)
        guard !overflow, bytes.count - body >= needed else {
            throw NPYError(file: file, reason: "truncated data: \(bytes.count - body) bytes for \(count) values of \(width) bytes")
        }
        var values = [Float](repeating: 0, count: count)
        for i in 0..<count {
            let o = body + i * width
            if width == 4 {
                var bits: UInt32 = 0
                for j in 0..<4 { bits |= UInt32(bytes[o + j]) << (8 * j) }
                values[i] = Float(bitPattern: bits)
            } else {
                var bits: UInt64 = 0
                for j in 0..<8 { bits |= UInt64(bytes[o + j]) << (8 * j) }
                values[i] = Float(Double(bitPattern: bits))
            }
        }
        return NPYArray(shape: shape, values: values)
    }

    private static func field(_ name: String, in header: String) -> String? {
        guard let r = header.range(of: "'\(name)':") else { return nil }
        let rest = header[r.upperBound...].drop { $0 == " " }
        let end = rest.firstIndex(where: { $0 == "," || $0 == "}" }) ?? rest.endIndex
        return String(rest[..<end]).trimmingCharacters(in: .whitespaces)
    }

    private static func shapeField(in header: String) -> String? {
        guard let r = header.range(of: "'shape':"),
              let open = header[r.upperBound...].firstIndex(of: "("),
              let close = header[open...].firstIndex(of: ")") else { return nil }
        return String(header[header.index(after: open)..<close])
    }
}
