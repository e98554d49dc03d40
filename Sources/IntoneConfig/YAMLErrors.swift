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

    /// Parses `text` into a node tree; a syntax error becomes a `ConfigFileError` with its line.
    public static func compose(_ text: String, file: String) throws(ConfigFileError) -> Node? {
        do { return try Yams.compose(yaml: text) } catch let error as YamlError {
            throw ConfigFileError(file: file, line: line(error), reason: "not valid YAML (\(reason(error)))")
        } catch {
            throw ConfigFileError(file: file, line: nil, reason: "not valid YAML (\(error))")
        }
    }
}
