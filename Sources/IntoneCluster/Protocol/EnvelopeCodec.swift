import IntoneFormats

/// The header frame's JSON, written and read by hand: an envelope is a flat object of strings and
/// numbers, and a general-purpose JSON coder spends most of a no-op task's cost on it (the
/// coordinator handles two headers per task). Keys are written sorted, as `JSONEncoder` with
/// `.sortedKeys` would; unknown keys are skipped on reading (so newer peers may add fields), and
/// anything that is not a well-formed JSON object with a known `type` and an integer `v` is refused.
enum EnvelopeCodec {
    // MARK: - Writing

    static func encode(_ e: Envelope) -> [UInt8] {
        var out = [UInt8]()
        out.reserveCapacity(96 + (e.body?.utf8.count ?? 0) + (e.reason?.utf8.count ?? 0))
        out.append(UInt8(ascii: "{"))
        var first = true
        func key(_ k: StaticString) {
            if !first { out.append(UInt8(ascii: ",")) }
            first = false
            out.append(UInt8(ascii: "\""))
            k.withUTF8Buffer { out.append(contentsOf: $0) }
            out.append(contentsOf: [UInt8(ascii: "\""), UInt8(ascii: ":")])
        }
        func string(_ k: StaticString, _ value: String?) {
            guard let value else { return }
            key(k)
            JSONText.appendQuoted(value, to: &out)
        }
        func int(_ k: StaticString, _ value: Int?) {
            guard let value else { return }
            key(k)
            out.append(contentsOf: String(value).utf8)
        }
        // Alphabetical order.
        int("attempt", e.attempt)
        string("body", e.body)
        string("hash", e.hash)
        int("heartbeatMilliseconds", e.heartbeatMilliseconds)
        string("host", e.host)
        int("jobs", e.jobs)
        string("kind", e.kind)
        string("peer", e.peer)
        string("reason", e.reason)
        string("role", e.role?.rawValue)
        if let s = e.seconds, s.isFinite {
            key("seconds")
            out.append(contentsOf: String(s).utf8)
        }
        string("task", e.task)
        string("type", e.type.rawValue)
        int("v", e.v)
        string("worker", e.worker)
        int("workers", e.workers)
        out.append(UInt8(ascii: "}"))
        return out
    }

    // MARK: - Reading

    static func decode(_ bytes: [UInt8]) -> Envelope? {
        var reader = Reader(bytes: bytes)
        return reader.envelope()
    }

    struct Reader {
        let bytes: [UInt8]
        var i = 0

        init(bytes: [UInt8]) { self.bytes = bytes }

        mutating func envelope() -> Envelope? {
            var v: Int?
            var type: Envelope.Kind?
            var e = Envelope(type: .heartbeat)
            skipSpace()
            guard take(UInt8(ascii: "{")) else { return nil }
            skipSpace()
            if !take(UInt8(ascii: "}")) {
                repeat {
                    skipSpace()
                    guard let k = string() else { return nil }
                    skipSpace()
                    guard take(UInt8(ascii: ":")) else { return nil }
                    skipSpace()
                    if peek == UInt8(ascii: "n") {
                        guard literal("null") else { return nil }
                    } else {
                        switch k {
                        case "v": guard let n = integer() else { return nil }; v = n
                        case "type": guard let s = string(), let kind = Envelope.Kind(rawValue: s) else { return nil }; type = kind
                        case "task": guard let s = string() else { return nil }; e.task = s
                        case "attempt": guard let n = integer() else { return nil }; e.attempt = n
                        case "worker": guard let s = string() else { return nil }; e.worker = s
                        case "host": guard let s = string() else { return nil }; e.host = s
                        case "jobs": guard let n = integer() else { return nil }; e.jobs = n
                        case "hash": guard let s = string() else { return nil }; e.hash = s
                        case "peer": guard let s = string() else { return nil }; e.peer = s
                        case "kind": guard let s = string() else { return nil }; e.kind = s
                        case "reason": guard let s = string() else { return nil }; e.reason = s
                        case "heartbeatMilliseconds": guard let n = integer() else { return nil }; e.heartbeatMilliseconds = n
                        case "body": guard let s = string() else { return nil }; e.body = s
                        case "role": guard let s = string(), let r = Envelope.Role(rawValue: s) else { return nil }; e.role = r
                        case "workers": guard let n = integer() else { return nil }; e.workers = n
                        case "seconds": guard let d = number() else { return nil }; e.seconds = d
                        default: guard skipValue(depth: 0) else { return nil }
                        }
                    }
                    skipSpace()
                } while take(UInt8(ascii: ","))
                guard take(UInt8(ascii: "}")) else { return nil }
            }
            skipSpace()
            guard i == bytes.count, let v, let type else { return nil }
            e.v = v
            e.type = type
            return e
        }

        var peek: UInt8? { i < bytes.count ? bytes[i] : nil }

        mutating func take(_ b: UInt8) -> Bool {
            guard peek == b else { return false }
            i += 1
            return true
        }

        mutating func skipSpace() {
            while let b = peek, b == 0x20 || b == 0x0A || b == 0x0D || b == 0x09 { i += 1 }
        }

        mutating func literal(_ word: StaticString) -> Bool {
            let n = word.utf8CodeUnitCount
            guard i + n <= bytes.count else { return false }
            let matches = word.withUTF8Buffer { w in (0..<n).allSatisfy { bytes[i + $0] == w[$0] } }
            if matches { i += n }
            return matches
        }

        mutating func string() -> String? {
            guard take(UInt8(ascii: "\"")) else { return nil }
            var out = [UInt8]()
            var start = i
            while i < bytes.count {
                let b = bytes[i]
                if b == UInt8(ascii: "\"") {
                    out.append(contentsOf: bytes[start..<i])
                    i += 1
                    return String(decoding: out, as: UTF8.self)
                }
                if b < 0x20 { return nil }
                if b != UInt8(ascii: "\\") { i += 1; continue }
                out.append(contentsOf: bytes[start..<i])
                i += 1
                guard let c = peek else { return nil }
                i += 1
                switch c {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): out.append(c)
                case UInt8(ascii: "b"): out.append(0x08)
                case UInt8(ascii: "f"): out.append(0x0C)
                case UInt8(ascii: "n"): out.append(0x0A)
                case UInt8(ascii: "r"): out.append(0x0D)
                case UInt8(ascii: "t"): out.append(0x09)
                case UInt8(ascii: "u"):
                    guard var scalar = hex4() else { return nil }
                    if (0xD800..<0xDC00).contains(scalar) {
                        guard take(UInt8(ascii: "\\")), take(UInt8(ascii: "u")), let low = hex4(), (0xDC00..<0xE000).contains(low) else { return nil }
                        scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                    }
                    guard let u = Unicode.Scalar(scalar) else { return nil }
                    out.append(contentsOf: String(Character(u)).utf8)
                default: return nil
                }
                start = i
            }
            return nil
        }

        mutating func hex4() -> UInt32? {
            guard i + 4 <= bytes.count else { return nil }
            var value: UInt32 = 0
            for _ in 0..<4 {
                let b = bytes[i]
                let digit: UInt32
                switch b {
                case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = UInt32(b - UInt8(ascii: "0"))
                case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = UInt32(b - UInt8(ascii: "a") + 10)
                case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = UInt32(b - UInt8(ascii: "A") + 10)
                default: return nil
                }
                value = value << 4 | digit
                i += 1
            }
            return value
        }

        /// The text of a JSON number (validated by its grammar).
        mutating func numberText() -> Substring? {
            let start = i
            _ = take(UInt8(ascii: "-"))
            guard let d = peek, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(d) else { return nil }
            if d == UInt8(ascii: "0") { i += 1 } else { digits() }
            if take(UInt8(ascii: ".")) {
                guard let f = peek, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(f) else { return nil }
                digits()
            }
            if peek == UInt8(ascii: "e") || peek == UInt8(ascii: "E") {
                i += 1
                if peek == UInt8(ascii: "+") || peek == UInt8(ascii: "-") { i += 1 }
                guard let x = peek, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(x) else { return nil }
                digits()
            }
            return Substring(String(decoding: bytes[start..<i], as: UTF8.self))
        }

        mutating func digits() {
            while let b = peek, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(b) { i += 1 }
        }

        mutating func integer() -> Int? {
            guard let text = numberText() else { return nil }
            return Int(text)
        }

        mutating func number() -> Double? {
            guard let text = numberText() else { return nil }
            return Double(text)
        }

        /// Skips any JSON value (for keys this version does not know).
        mutating func skipValue(depth: Int) -> Bool {
            guard depth < 64, let b = peek else { return false }
            switch b {
            case UInt8(ascii: "\""): return string() != nil
            case UInt8(ascii: "t"): return literal("true")
            case UInt8(ascii: "f"): return literal("false")
            case UInt8(ascii: "n"): return literal("null")
            case UInt8(ascii: "{"), UInt8(ascii: "["):
                let close = b == UInt8(ascii: "{") ? UInt8(ascii: "}") : UInt8(ascii: "]")
                i += 1
                skipSpace()
                if take(close) { return true }
                repeat {
                    skipSpace()
                    if close == UInt8(ascii: "}") {
                        guard string() != nil else { return false }
                        skipSpace()
                        guard take(UInt8(ascii: ":")) else { return false }
                        skipSpace()
                    }
                    guard skipValue(depth: depth + 1) else { return false }
                    skipSpace()
                } while take(UInt8(ascii: ","))
                return take(close)
            default: return numberText() != nil
            }
        }
    }
}
