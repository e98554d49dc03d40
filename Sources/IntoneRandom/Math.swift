#if canImport(Glibc)
import Glibc
#endif

// Thin wrappers so this module's callers need not import Glibc for two functions.
@inline(__always) func logNatural(_ x: Double) -> Double { log(x) }
@inline(__always) func cosine(_ x: Double) -> Double { cos(x) }
