import Foundation
import Testing
import IntoneFormats

struct DecimalTextTests {
    @Test func fixedPointTextIsWhatPrintfPrints() {
        let values: [Double] = [0, 1, 0.5, 0.0005, 0.0015, 2.675, 1e-7, 0.999_999_5, 123_456.789_012_5, -3.25, 1e20, .infinity, .nan]
        for x in values {
            for d in [0, 3, 4, 6] {
                #expect(DecimalText.fixed(x, decimals: d) == String(format: "%.\(d)f", x), "\(x) with \(d) decimals")
            }
        }
        var out: [UInt8] = Array("p=".utf8)
        DecimalText.appendFixed(0.25, decimals: 6, to: &out)
        #expect(String(decoding: out, as: UTF8.self) == "p=0.250000")
    }
}

struct AtomicFileWriterTests {
    func folder() throws -> String {
        let path = NSTemporaryDirectory() + "intone-writer-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    @Test func theFileAppearsWholeOnlyOnCommit() throws {
        let dir = try folder()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let path = dir + "/out.csv"
        let writer = try AtomicFileWriter(path: path)
        // More than the 1 MiB buffer, so part of it reaches the partial file before the commit.
        let line = String(repeating: "x", count: 999) + "\n"
        for _ in 0..<1_500 { try writer.append(line) }
        #expect(!FileManager.default.fileExists(atPath: path))
        #expect(FileManager.default.fileExists(atPath: path + ".partial"))
        try writer.commit()
        #expect(!FileManager.default.fileExists(atPath: path + ".partial"))
        #expect(try Data(contentsOf: URL(fileURLWithPath: path)).count == 1_500_000)
    }

    @Test func anAbandonedWriterLeavesNothing() throws {
        let dir = try folder()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let path = dir + "/out.csv"
        do {
            let writer = try AtomicFileWriter(path: path)
            try writer.append("half a file")
        }   // dropped without commit
        #expect(!FileManager.default.fileExists(atPath: path))
        #expect(!FileManager.default.fileExists(atPath: path + ".partial"))
    }

    @Test func aWriterInAMissingFolderSaysWhichFile() throws {
        #expect(throws: CocoaError.self) { try AtomicFileWriter(path: "/nonexistent-intone/out.csv") }
    }
}
