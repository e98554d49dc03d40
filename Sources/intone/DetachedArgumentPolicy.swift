import IntoneCluster

/// What a detached job's arguments may say. The coordinator runs them as its own user with its own
/// key, so a submitter must not reach beyond its uploaded inputs: every option is one the command
/// has and that is safe to hand over, every path is an uploaded input (`{input:N}`), the run
/// directory is `{out}`, and nothing chooses the placement, the keys or the job's name.
enum DetachedArgumentPolicy {
    struct Rules {
        /// Options whose value is an uploaded input.
        var inputs: Set<String>
        /// Options that take any other value.
        var values: Set<String>
        var flags: Set<String>
        /// Whether positional arguments (uploaded inputs) are allowed.
        var positionalInputs: Bool
    }

    static let shared: Set<String> = ["--wait-for-workers", "--priority", "--max-slots", "--jobs"]

    static let rules: [String: Rules] = [
        "sweep": Rules(inputs: ["--spec", "--store"], values: shared.union(["--step-timeout"]), flags: ["--verbose"], positionalInputs: false),
        "extract": Rules(inputs: ["--data"], values: shared.union(["--channel", "--seed", "--split", "--offset", "--duration", "--n-mfcc", "--features"]),
                         flags: ["--augment", "--no-calm-fold", "--verbose"], positionalInputs: false),
        "score": Rules(inputs: ["--model"], values: shared.union(["--window", "--hop", "--vad-threshold", "--channels", "--chunk-windows",
                                                                  "--min-confidence", "--smoothing", "--stay"]),
                       flags: ["--timelines", "--no-vad", "--verbose"], positionalInputs: true),
    ]

    /// Checks `arguments` of `command` (after `DetachedJobRequest.validate`).
    static func check(command: String, arguments: [String]) throws(ClusterError) {
        guard let r = rules[command] else { throw ClusterError("cannot run `\(command)` detached") }
        func isInput(_ a: String) -> Bool { a.hasPrefix("{input:") && a.hasSuffix("}") && Int(a.dropFirst(7).dropLast()) != nil }
        var outs = 0
        var i = 0
        while i < arguments.count {
            let a = arguments[i]
            if a == "--out" {
                guard i + 1 < arguments.count, arguments[i + 1] == "{out}" else { throw ClusterError("--out must be the job's own run directory") }
                outs += 1
                i += 2
            } else if r.inputs.contains(a) {
                guard i + 1 < arguments.count, isInput(arguments[i + 1]) else { throw ClusterError("\(a) must name an uploaded input") }
                i += 2
            } else if r.values.contains(a) {
                guard i + 1 < arguments.count else { throw ClusterError("\(a) has no value") }
                i += 2
            } else if r.flags.contains(a) {
                i += 1
            } else if r.positionalInputs && isInput(a) {
                i += 1
            } else {
                throw ClusterError("`\(command)` run detached does not take \(a.debugDescription)")
            }
        }
        guard outs == 1 else { throw ClusterError("a detached job needs exactly one --out {out}") }
    }
}
