import Foundation

/// Temporal smoothing of a call's window labels: a hidden Markov model whose states are the classes,
/// whose emissions are the windows' (calibrated) probabilities, and in which a window keeps the
/// previous window's class with probability `stay` (each other class `(1 − stay) / (K − 1)`); the
/// labels become the Viterbi path, the most probable sequence of classes for the whole call. The
/// windows' probabilities are left as they are (`intone score` keeps each window's own label as
/// `raw_label`, and its timelines show both).
///
/// `stay` says how long emotions last: with windows every `hop` seconds, a mean stretch of `L`
/// seconds of one emotion corresponds to `stay = 1 − hop / L` (0.9: ten hops). At `stay ≤ 1/K` the
/// path is each window's own most probable class.
///
/// Set in a sweep spec (`smoothing: {method: viterbi, stay: 0.9}`), kept in the model folder as
/// `smoothing.json`, and overridden by `intone score --smoothing viterbi|none --stay P`.
public struct WindowSmoothing: Codable, Equatable, Sendable {
    /// The one method: `viterbi`.
    public var method: String
    /// Probability that a window has the previous window's class, in (0, 1).
    public var stay: Double

    public init(stay: Double) {
        method = "viterbi"
        self.stay = stay
    }

    /// File name inside a model folder.
    public static let fileName = "smoothing.json"

    /// Why `stay` cannot be used, or `nil`.
    public static func problem(stay: Double) -> String? {
        stay.isFinite && stay > 0 && stay < 1 ? nil : "the stay probability must be between 0 and 1 (exclusive), not \(stay)"
    }

    /// The smoothing of the model folder `path`: `nil` when it has none.
    /// - Throws: `ModelError` naming the file when it is unreadable or its values are unusable.
    public static func load(modelFolder path: String) throws(ModelError) -> WindowSmoothing? {
        let file = path + "/" + fileName
        guard let data = FileManager.default.contents(atPath: file) else { return nil }
        let s: WindowSmoothing
        do { s = try JSONDecoder().decode(WindowSmoothing.self, from: data) } catch {
            throw ModelError("\(file): unreadable smoothing settings (\(error))")
        }
        guard s.method == "viterbi" else { throw ModelError("\(file): smoothing method \(s.method) is not known (viterbi)") }
        if let problem = problem(stay: s.stay) { throw ModelError("\(file): \(problem)") }
        return s
    }

    /// Writes `smoothing.json` into the model folder `path`.
    public func save(modelFolder path: String) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        try encoder.encode(self).write(to: URL(fileURLWithPath: path + "/" + Self.fileName), options: .atomic)
    }

    /// The most probable state sequence for emission probabilities `p` (one row per step) under the
    /// stay/switch transitions, with a uniform start. Ties go to the earlier class.
    public static func viterbi(_ p: [[Double]], stay: Double) -> [Int] {
        guard let k = p.first?.count, k > 0 else { return [] }
        func top(_ v: [Double]) -> Int {
            var best = 0
            for c in 1..<v.count where v[c] > v[best] { best = c }
            return best
        }
        if k == 1 { return p.map { _ in 0 } }
        if stay <= 1 / Double(k) { return p.map(top) }
        let keep = log(stay), change = log((1 - stay) / Double(k - 1))
        func emission(_ x: Double) -> Double { log(max(x, 1e-12)) }
        var score = p[0].map(emission)
        var back: [[Int]] = []
        back.reserveCapacity(p.count)
        for row in p.dropFirst() {
            // Best predecessor of every state: itself (keep) or the best other state (change).
            let leader = top(score)
            var runnerUp = leader == 0 ? 1 : 0
            for c in 0..<k where c != leader && score[c] > score[runnerUp] { runnerUp = c }
            var next = [Double](repeating: 0, count: k), from = [Int](repeating: 0, count: k)
            for j in 0..<k {
                let other = j == leader ? runnerUp : leader
                let viaSelf = score[j] + keep, viaOther = score[other] + change
                if viaSelf > viaOther || (viaSelf == viaOther && j < other) { next[j] = viaSelf; from[j] = j } else { next[j] = viaOther; from[j] = other }
                next[j] += emission(j < row.count ? row[j] : 0)
            }
            score = next
            back.append(from)
        }
        var state = top(score)
        var path = [state]
        for from in back.reversed() { state = from[state]; path.append(state) }
        return path.reversed()
    }
}
