/// Reads scikit-learn-style hyper-parameters by name and type, and refuses what it does not know.
///
/// Every getter removes the parameter it reads; `finish()` then rejects any left over, so a misspelt
/// name is an error, not a silently ignored setting.
public struct ParameterReader {
    /// The estimator's spec name (for messages).
    public let estimator: String
    private var remaining: [String: ParameterValue]
    private let known: [String]

    public init(estimator: String, parameters: [String: ParameterValue], known: [String]) {
        self.estimator = estimator
        self.remaining = parameters
        self.known = known
    }

    func fail(_ name: String, _ why: String) -> ParameterError {
        ParameterError(estimator: estimator, parameter: name, reason: why)
    }

    /// An integer in `range`.
    public mutating func int(_ name: String, default value: Int, in range: ClosedRange<Int> = Int.min...Int.max) throws(ParameterError) -> Int {
        guard let v = remaining.removeValue(forKey: name) else { return value }
        guard case .int(let i) = v else { throw fail(name, "expected an integer, got \(v)") }
        guard range.contains(i) else { throw fail(name, "must be in \(range.lowerBound)...\(range.upperBound == Int.max ? "∞" : String(range.upperBound)) (got \(i))") }
        return i
    }

    /// An integer in `range`, or null.
    public mutating func optionalInt(_ name: String, default value: Int?, in range: ClosedRange<Int>) throws(ParameterError) -> Int? {
        guard let v = remaining[name] else { return value }
        if case .null = v { remaining[name] = nil; return nil }
        return try int(name, default: value ?? 0, in: range)
    }

    /// A number in `range` (integers accepted).
    public mutating func double(_ name: String, default value: Double, in range: ClosedRange<Double> = -Double.greatestFiniteMagnitude...Double.greatestFiniteMagnitude) throws(ParameterError) -> Double {
        guard let v = remaining.removeValue(forKey: name) else { return value }
        let d: Double
        switch v {
        case .int(let i): d = Double(i)
        case .double(let x): d = x
        default: throw fail(name, "expected a number, got \(v)")
        }
        guard d.isFinite, range.contains(d) else { throw fail(name, "must be in \(range.lowerBound)...\(range.upperBound) (got \(d))") }
        return d
    }

    /// A number in `range`, or null.
    public mutating func optionalDouble(_ name: String, default value: Double?, in range: ClosedRange<Double>) throws(ParameterError) -> Double? {
        guard let v = remaining[name] else { return value }
        if case .null = v { remaining[name] = nil; return nil }
        return try double(name, default: value ?? 0, in: range)
    }

    /// One of `allowed`.
    public mutating func choice(_ name: String, default value: String, allowed: [String]) throws(ParameterError) -> String {
        guard let v = remaining.removeValue(forKey: name) else { return value }
        guard case .string(let s) = v, allowed.contains(s) else {
            throw fail(name, "must be one of \(allowed.joined(separator: ", ")) (got \(v))")
        }
        return s
    }

    /// A boolean.
    public mutating func bool(_ name: String, default value: Bool) throws(ParameterError) -> Bool {
        guard let v = remaining.removeValue(forKey: name) else { return value }
        guard case .bool(let b) = v else { throw fail(name, "expected true or false, got \(v)") }
        return b
    }

    /// An int (a count, ≥ `minimumCount`) or a float in (0, 1] (a fraction), as scikit-learn's int-or-float parameters.
    public mutating func countOrFraction(_ name: String, default value: CountOrFraction, minimumCount: Int = 1) throws(ParameterError) -> CountOrFraction {
        guard let v = remaining.removeValue(forKey: name) else { return value }
        switch v {
        case .int(let i) where i >= minimumCount: return .count(i)
        case .double(let f) where f > 0 && f <= 1: return .fraction(f)
        default: throw fail(name, "expected an integer ≥ \(minimumCount) or a fraction in (0, 1] (got \(v))")
        }
    }

    /// `max_features`: null (all), "sqrt", "log2", an int ≥ 1 or a fraction in (0, 1].
    public mutating func maxFeatures(_ name: String, default value: MaxFeatures) throws(ParameterError) -> MaxFeatures {
        guard let v = remaining.removeValue(forKey: name) else { return value }
        switch v {
        case .null: return .all
        case .string("sqrt"): return .sqrt
        case .string("log2"): return .log2
        case .int(let i) where i >= 1: return .count(i)
        case .double(let f) where f > 0 && f <= 1: return .fraction(f)
        default: throw fail(name, "expected null, sqrt, log2, an integer ≥ 1 or a fraction in (0, 1] (got \(v))")
        }
    }

    /// A list of positive integers (a tuple in scikit-learn, e.g. `hidden_layer_sizes`); a single int is a one-element list.
    public mutating func positiveIntList(_ name: String, default value: [Int]) throws(ParameterError) -> [Int] {
        guard let v = remaining.removeValue(forKey: name) else { return value }
        switch v {
        case .int(let i) where i >= 1: return [i]
        case .list(let items):
            var out: [Int] = []
            for item in items {
                guard case .int(let i) = item, i >= 1 else { throw fail(name, "expected a list of positive integers (got \(v))") }
                out.append(i)
            }
            guard !out.isEmpty else { throw fail(name, "must not be empty") }
            return out
        default: throw fail(name, "expected a list of positive integers (got \(v))")
        }
    }

    /// Rejects parameters nobody read.
    public func finish() throws(ParameterError) {
        if let name = remaining.keys.sorted().first {
            throw fail(name, "unknown parameter for \(estimator) (known: \(known.sorted().joined(separator: ", ")))")
        }
    }
}

/// A hyper-parameter that cannot be used, naming the estimator, the parameter and the reason.
public struct ParameterError: Error, Equatable, Sendable, CustomStringConvertible {
    public let estimator: String
    public let parameter: String
    public let reason: String

    public init(estimator: String, parameter: String, reason: String) {
        self.estimator = estimator
        self.parameter = parameter
        self.reason = reason
    }

    public var description: String { parameter.isEmpty ? "\(estimator): \(reason)" : "\(estimator).\(parameter): \(reason)" }
}
