import Yams

/// Reads typed values out of YAML nodes, with the line of anything wrong.
public struct ConfigReader {
    public init(file: String) { self.file = file }

    public let file: String

    public func fail(_ node: Node, _ reason: String) -> ConfigFileError { ConfigFileError(file: file, line: node.mark.map(\.line), reason: reason) }

    public func mapping(_ node: Node, keys: [String], _ each: (String, Node) throws(ConfigFileError) -> Void) throws(ConfigFileError) {
        guard let m = node.mapping else { throw fail(node, "expected a mapping with keys \(keys.joined(separator: ", "))") }
        for (k, v) in m {
            guard let key = k.string else { throw fail(k, "keys must be names") }
            guard keys.contains(key) else { throw fail(k, "unknown key `\(key)` (known: \(keys.joined(separator: ", ")))") }
            try each(key, v)
        }
    }

    public func isOff(_ node: Node) -> Bool { node.null != nil || node.bool == false }

    public func string(_ node: Node) throws(ConfigFileError) -> String {
        guard let s = node.string else { throw fail(node, "expected text") }
        return s
    }

    public func bool(_ node: Node) throws(ConfigFileError) -> Bool {
        guard let b = node.bool else { throw fail(node, "expected true or false") }
        return b
    }

    public func int(_ node: Node, min: Int) throws(ConfigFileError) -> Int {
        guard let i = node.plainInt, i >= min else { throw fail(node, "expected a whole number of at least \(min)") }
        return i
    }

    public func double(_ node: Node, in range: Range<Double>) throws(ConfigFileError) -> Double {
        guard let d = node.plainFloat, range.contains(d) else {
            throw fail(node, "expected a number in [\(range.lowerBound), \(range.upperBound == .infinity ? "∞" : String(range.upperBound)))")
        }
        return d
    }

    public func double(_ node: Node, positive: Bool) throws(ConfigFileError) -> Double {
        guard let d = node.plainFloat, d > 0, d.isFinite else { throw fail(node, "expected a positive number") }
        return d
    }

    public func choice<T: RawRepresentable & CaseIterable>(_ node: Node, _ type: T.Type) throws(ConfigFileError) -> T where T.RawValue == String {
        guard let s = node.string, let v = T(rawValue: s) else {
            throw fail(node, "expected one of \(T.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        return v
    }
}
