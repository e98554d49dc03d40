import Foundation
import Testing
import IntoneTestSupport
import IntoneFormats

struct SHA256Tests {
    @Test func nistVectors() {
        #expect(SHA256.hex(of: Array("".utf8)) == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        #expect(SHA256.hex(of: Array("abc".utf8)) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(SHA256.hex(of: Array("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq".utf8))
                == "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
        #expect(SHA256.hex(of: [UInt8](repeating: 0x61, count: 1_000_000))
                == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0")
    }

    @Test func incrementalEqualsOneShotAndFileHash() throws {
        let data = (0..<200_003).map { UInt8(truncatingIfNeeded: $0 &* 7 &+ 3) }
        var h = SHA256()
        var i = 0
        for size in [1, 63, 64, 65, 1000, 100_000] { h.update(data[i..<min(i + size, data.count)]); i = min(i + size, data.count) }
        h.update(data[i...])
        #expect(h.finalize() == SHA256.hex(of: data))
        let dir = try TemporaryDirectory()
        defer { dir.cleanup() }
        try Data(data).write(to: URL(fileURLWithPath: dir.file("x.bin")))
        #expect(try SHA256.hex(ofFile: dir.file("x.bin")) == SHA256.hex(of: data))
    }
}

struct CSVTests {
    @Test func quotesOnlyWhatNeedsIt() {
        #expect(CSV.row(["a", "b,c", "say \"hi\"", ""]) == "a,\"b,c\",\"say \"\"hi\"\"\",\n")
    }

    @Test func parseRoundTripsTrickyFields() throws {
        let rows = [["path", "label"], ["dir, with comma/x.wav", "angry"], ["q\"uote.wav", "sad"], ["multi\nline.wav", ""]]
        let text = CSV.table(header: rows[0], rows: Array(rows.dropFirst()))
        #expect(try CSV.parse(text) == rows)
        #expect(try CSV.parse("a,b\r\nc,d\r\n") == [["a", "b"], ["c", "d"]])
        #expect(try CSV.parse("a,b\nc,d") == [["a", "b"], ["c", "d"]])
    }

    @Test func unterminatedQuoteNamesTheLine() {
        #expect(throws: CSVError(line: 2, reason: "quoted field never closed")) { try CSV.parse("a,b\n\"oops,c\n") }
    }
}
