import Foundation
import Testing
import IntoneTestSupport
import IntoneFormats

/// `.npy` headers that lie: each is an `NPYError` naming the file, never a trap.
struct NPYHostileTests {
    static func file(shape: String, descr: String = "<f4", body: Int = 16) -> Data {
        var header = "{'descr': '\(descr)', 'fortran_order': False, 'shape': \(shape), }"
        while (10 + header.utf8.count + 1) % 64 != 0 { header += " " }
        header += "\n"
        var data = Data([0x93, 0x4E, 0x55, 0x4D, 0x50, 0x59, 1, 0, UInt8(header.utf8.count & 0xFF), UInt8(header.utf8.count >> 8)])
        data.append(contentsOf: Array(header.utf8))
        data.append(Data(count: body))
        return data
    }

    @Test(arguments: ["(4611686018427387904,)", "(4294967296, 4294967296)", "(-1,)", "(2, x)", "(3037000500, 3037000500, 2)"])
    func aShapeThatCannotBeHeldIsAnError(_ shape: String) throws {
        let dir = try TemporaryDirectory()
        defer { dir.cleanup() }
        let data = Self.file(shape: shape)
        #expect(throws: NPYError.self) { try NPYFile.decode(data, file: "x.npy") }
        let path = dir.file("x.npy")
        try data.write(to: URL(fileURLWithPath: path))
        for descr in ["<f4", "<f8", "<i4"] {
            try Self.file(shape: shape, descr: descr).write(to: URL(fileURLWithPath: path))
            #expect(throws: NPYError.self) { try NPYTypedArray.read(path: path) }
        }
    }

    @Test func integersMustBeExactIn32Bits() {
        #expect(NPYTypedArray(shape: [3], storage: .float64([1, -2, 3])).exactInt32s == [1, -2, 3])
        #expect(NPYTypedArray(shape: [1], storage: .float64([1e10])).exactInt32s == nil)
        #expect(NPYTypedArray(shape: [1], storage: .float32([.nan])).exactInt32s == nil)
        #expect(NPYTypedArray(shape: [1], storage: .float32([1.5])).exactInt32s == nil)
    }
}
