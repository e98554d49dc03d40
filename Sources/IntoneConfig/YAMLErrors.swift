import Yams

/// Where a YAML parse error points and what it says, for `ConfigFileError`s.
public enum YAMLErrors {
    /// The line a YAML parse error points at, if it says.
    public static func line(_ error: YamlError) -> Int? {
        switch error {
        case .scanner(_, _, let mark, _), .parser(_, _, let mark, _), .composer(_, _, let mark, _): return mark.line
        default: return nil
        }
    }

    /// What a YAML parse error says is wrong.
    public static func reason(_ error: YamlError) -> String {
        switch error {
        case .scanner(_, let problem, _, _), .parser(_, let problem, _, _), .composer(_, let problem, _, _): return problem
        default: return "\(error)"
        }
    }

    /// The most bytes, flow-collection nesting (`[` and `{`) and indentation a config may have.
    /// The parser recurses per level: `[` nested 20,000 deep overflowed the stack of a worker that
    /// parsed a task's model config.
    public static let maximumBytes = 1 << 20
    public static let maximumFlowDepth = 64
    public static let maximumIndentation = 1000

    /// Where `text` passes a limit (line, reason), if it does; checked before parsing. Nesting is
    /// counted for flow collections (`[`, `{` outside quoted scalars and comments) and for block
    /// sequences opened on one line (`- - - x`); a quote opens a quoted scalar only where a scalar
    /// starts (at the line's content, or after `: `, `- `, `[`, `{`, `,`).
    public static func limitProblem(_ text: String) -> (line: Int, reason: String)? {
        if text.utf8.count > maximumBytes { return (1, "the file is larger than \(maximumBytes / 1024) KiB") }
        let space = UInt8(ascii: " "), dash = UInt8(ascii: "-")
        var depth = 0, line = 1, column = 0, dashes = 0
        var quote: UInt8? = nil, comment = false, indenting = true, leading = true
        var previous: UInt8? = nil, beforePrevious: UInt8? = nil
        for byte in text.utf8 {
            defer { if quote == nil || byte != quote { beforePrevious = previous; previous = byte } }
            if byte == UInt8(ascii: "\n") {
                line += 1; column = 0; comment = false; indenting = true; leading = true; dashes = 0
                previous = nil; beforePrevious = nil
                if quote == UInt8(ascii: "'") { quote = nil }
                continue
            }
            column += 1
            if indenting {
                if byte == space {
                    if column > maximumIndentation { return (line, "a line is indented more than \(maximumIndentation) columns") }
                    continue
                }
                indenting = false
            }
            if comment { continue }
            if let q = quote { if byte == q { quote = nil }; continue }
            if leading {
                // `- - - x`: each dash followed by a space opens a sequence inside the last.
                if byte == dash { continue }
                if byte == space && previous == dash {
                    dashes += 1
                    if dashes > maximumFlowDepth { return (line, "lists and mappings are nested more than \(maximumFlowDepth) deep") }
                    continue
                }
                if byte != space { leading = false }
            }
            switch byte {
            case UInt8(ascii: "\""), UInt8(ascii: "'"):
                let opensScalar: Bool
                switch previous {
                case nil, UInt8(ascii: "["), UInt8(ascii: "{"), UInt8(ascii: ","): opensScalar = true
                case space: opensScalar = beforePrevious == nil || [UInt8(ascii: ":"), dash, UInt8(ascii: ","), UInt8(ascii: "["), UInt8(ascii: "{"), space].contains(beforePrevious!)
                default: opensScalar = false
                }
                if opensScalar { quote = byte }
            case UInt8(ascii: "#") where previous == nil || previous == space: comment = true
            case UInt8(ascii: "["), UInt8(ascii: "{"):
                depth += 1
                if depth > maximumFlowDepth { return (line, "lists and mappings are nested more than \(maximumFlowDepth) deep") }
            case UInt8(ascii: "]"), UInt8(ascii: "}"): depth = max(0, depth - 1)
            default: break
            }
        }
        return nil
    }

    /// Parses `text` into a node tree; a syntax error or a passed limit becomes a `ConfigFileError`
    /// with its line.
    public static func compose(_ text: String, file: String) throws(ConfigFileError) -> Node? {
        if let (line, reason) = limitProblem(text) { throw ConfigFileError(file: file, line: line, reason: reason) }
        do { return try Yams.compose(yaml: text) } catch let error as YamlError {
            throw ConfigFileError(file: file, line: line(error), reason: "not valid YAML (\(reason(error)))")
        } catch {
            throw ConfigFileError(file: file, line: nil, reason: "not valid YAML (\(error))")
        }
    }
}

extension Node {
    /// The scalar as a whole number, or nil. Unlike Yams's `int`, base-60 forms (`1:30`, a YAML 1.1
    /// relic) are not numbers here: Yams traps on one that overflows (`44444444:444000973828010`,
    /// found by fuzzing), and no Intone setting is written that way.
    public var plainInt: Int? {
        guard let s = scalar?.string, !s.contains(":") else { return nil }
        return int
    }

    /// The scalar as a number, or nil; base-60 forms are not numbers (see `plainInt`).
    public var plainFloat: Double? {
        guard let s = scalar?.string, !s.contains(":") else { return nil }
        return float
    }
}
