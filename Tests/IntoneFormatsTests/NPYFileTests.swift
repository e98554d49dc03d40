import Foundation
import Testing
import IntoneTestSupport
import IntoneFormats

/// `.npy` files exactly as numpy writes and reads them.
struct NPYFileTests {
    @Test func headerIsNumpyVersion1AlignedTo64Bytes() {
        let data = NPYFile.encode(NPYArray(shape: [40, 130], values: [Float](repeating: 0, count: 5200)))
        let bytes = [UInt8](data)
        #expect(Array(bytes[0..<8]) == [0x93, 0x4E, 0x55, 0x4D, 0x50, 0x59, 1, 0])
        let headerLength = Int(bytes[8]) | Int(bytes[9]) << 8
        #expect((10 + headerLength) % 64 == 0)
        let header = String(decoding: bytes[10..<(10 + headerLength)], as: UTF8.self)
        #expect(header.hasPrefix("{'descr': '<f4', 'fortran_order': False, 'shape': (40, 130), }"))
        #expect(header.hasSuffix("\n"))
        #expect(bytes.count == 10 + headerLength + 5200 * 4)
    }

    @Test func oneDimensionalShapeHasATrailingComma() {
        let data = NPYFile.encode(NPYArray(shape: [3], values: [1, 2, 3]))
        #expect(String(decoding: data, as: UTF8.self).contains("'shape': (3,), }"))
    }

    @Test func valuesAreLittleEndianFloat32() {
        let data = NPYFile.encode(NPYArray(shape: [2], values: [1.0, -2.5]))
        #expect(Array(data.suffix(8)) == [0x00, 0x00, 0x80, 0x3F, 0x00, 0x00, 0x20, 0xC0])
    }

    @Test func roundTripKeepsShapeAndBits() throws {
        let values: [Float] = [0, -0, 1e-38, .pi, -1e30, .infinity, 42]
        let array = NPYArray(shape: [7], values: values)
        let back = try NPYFile.decode(NPYFile.encode(array))
        #expect(back.shape == [7])
        #expect(back.values.map(\.bitPattern) == values.map(\.bitPattern))
    }

    @Test func readsFloat64AsFloat32() throws {
        var data = Data([0x93, 0x4E, 0x55, 0x4D, 0x50, 0x59, 1, 0])
        var header = "{'descr': '<f8', 'fortran_order': False, 'shape': (2,), }"
        let total = (10 + header.utf8.count + 1 + 63) / 64 * 64
        header += String(repeating: " ", count: total - 10 - header.utf8.count - 1) + "\n"
        data.append(contentsOf: [UInt8(header.utf8.count), 0])
        data.append(contentsOf: Array(header.utf8))
        for v in [0.5, -3.25] { withUnsafeBytes(of: v.bitPattern.littleEndian) { data.append(contentsOf: $0) } }
        let array = try NPYFile.decode(data)
        #expect(array.shape == [2] && array.values == [0.5, -3.25])
    }

    @Test func badFilesGiveTheReason() {
        #expect(throws: NPYError(file: "x.npy", reason: "not a .npy file (bad magic)")) {
            try NPYFile.decode(Data("hello world".utf8), file: "x.npy")
        }
        let full = NPYFile.encode(NPYArray(shape: [4], values: [1, 2, 3, 4]))
        let error = try? #require(throws: NPYError.self) { try NPYFile.decode(full.prefix(full.count - 2), file: "t.npy") }
        #expect(error?.reason.hasPrefix("truncated data") == true)
        #expect(throws: NPYError.self) { try NPYFile.read(path: "/nonexistent/a.npy") }
    }

    @Test func writeIsAtomicAndReadable() throws {
        let path = NSTemporaryDirectory() + "intone-npy-\(UUID().uuidString).npy"
        defer { try? FileManager.default.removeItem(atPath: path) }
        let array = NPYArray(shape: [2, 3], values: [1, 2, 3, 4, 5, 6])
        try NPYFile.write(array, to: path)
        #expect(try NPYFile.read(path: path) == array)
    }
}
