import Foundation

/// Numbers as fixed-point decimal text, as C's `%.Nf` prints them (correctly rounded), without
/// Foundation's `String(format:)`, which costs microseconds per number.
public enum DecimalText {
    /// `x` with `decimals` digits after the point (`%.{decimals}f`).
    public static func fixed(_ x: Double, decimals: Int) -> String {
        var out: [UInt8] = []
        appendFixed(x, decimals: decimals, to: &out)
        return String(decoding: out, as: UTF8.self)
    }

    /// Appends `x` with `decimals` digits after the point (`%.{decimals}f`) to `out`.
    public static func appendFixed(_ x: Double, decimals: Int, to out: inout [UInt8]) {
        withUnsafeTemporaryAllocation(of: CChar.self, capacity: 352) { buffer in
            let n = withVaList([Int32(decimals), x]) { vsnprintf(buffer.baseAddress!, buffer.count, "%.*f", $0) }
            let count = min(Int(n), buffer.count - 1)
            for i in 0..<max(0, count) { out.append(UInt8(bitPattern: buffer[i])) }
        }
    }
}
