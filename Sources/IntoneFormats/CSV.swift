import Foundation

/// Comma-separated values as pandas and spreadsheets read them (RFC 4180): fields holding a comma,
/// a quote or a line break are quoted, quotes doubled; rows end with `\n`.
public enum CSV {
    /// One field, quoted if needed.
    public static func field(_ value: String) -> String {
        if value.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) {
            return "\"" + value.replacingOccurrences(of: "\"", with: "\"\"") + "\""
        }
        return value
    }

    /// One row, terminated by a newline.
    public static func row(_ fields: [String]) -> String { fields.map(field).joined(separator: ",") + "\n" }

    /// A whole table: header then rows.
    public static func table(header: [String], rows: [[String]]) -> String {
        row(header) + rows.map(row).joined()
    }

    /// Parses CSV text into rows of fields (quoted fields may hold commas, quotes and newlines;
    /// `\r\n` line ends are accepted; a trailing empty line is ignored).
    ///
    /// - Throws: `CSVError` with the 1-based line of an unterminated quoted field.
    public static func parse(_ text: String) throws(CSVError) -> [[String]] {
        var rows: [[String]] = []
        var row: [String] = []
        var field = ""
        var inQuotes = false
        var line = 1
        var quoteStart = 1
        var chars = Array(text.unicodeScalars)[...]
        var atFieldStart = true
        while let c = chars.popFirst() {
            if inQuotes {
                if c == "\"" {
                    if chars.first == "\"" { field.unicodeScalars.append("\""); chars.removeFirst() } else { inQuotes = false }
                } else {
                    if c == "\n" { line += 1 }
                    field.unicodeScalars.append(c)
                }
                continue
            }
            switch c {
            case "\"" where atFieldStart:
                inQuotes = true
                quoteStart = line
                atFieldStart = false
            case ",":
                row.append(field); field = ""; atFieldStart = true
            case "\r":
                if chars.first == "\n" { continue }
                fallthrough
            case "\n":
                row.append(field); field = ""; atFieldStart = true
                rows.append(row); row = []
                line += 1
            default:
                field.unicodeScalars.append(c)
                atFieldStart = false
            }
        }
        if inQuotes { throw CSVError(line: quoteStart, reason: "quoted field never closed") }
        if !field.isEmpty || !row.isEmpty { row.append(field); rows.append(row) }
        return rows
    }
}

/// A CSV text that cannot be parsed.
public struct CSVError: Error, Equatable, Sendable, CustomStringConvertible {
    /// 1-based line where the problem starts.
    public let line: Int
    public let reason: String

    public init(line: Int, reason: String) {
        self.line = line
        self.reason = reason
    }

    public var description: String { "line \(line): \(reason)" }
}
