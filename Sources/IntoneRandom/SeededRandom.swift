/// A seeded pseudo-random generator (xoshiro256**), the only source of randomness in Intone.
///
/// Results must not depend on time, thread order or the machine: every random stream is derived
/// from a run seed and a name for what it is used for (`SeededRandom(seed: 42, stream: "synth/crema/1001/17")`),
/// so a task replays bit for bit wherever and whenever it runs. Not cryptographic.
public struct SeededRandom: RandomNumberGenerator, Sendable {
    private var s0, s1, s2, s3: UInt64

    /// A generator for `seed` (all 64 bits are used; SplitMix64 expands it into the state).
    public init(seed: UInt64) {
        var sm = SplitMix64(state: seed)
        s0 = sm.next(); s1 = sm.next(); s2 = sm.next(); s3 = sm.next()
        if s0 | s1 | s2 | s3 == 0 { s0 = 1 }
    }

    /// An independent generator for a named stream under `seed`: the name is hashed (FNV-1a, 64 bits)
    /// and mixed with the seed, so different names give unrelated sequences.
    public init(seed: UInt64, stream: String) {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for b in stream.utf8 {
            h ^= UInt64(b)
            h = h &* 0x0000_0100_0000_01b3
        }
        var mix = SplitMix64(state: seed ^ h)
        self.init(seed: mix.next())
    }

    /// The next 64 random bits.
    public mutating func next() -> UInt64 {
        let result = rotl(s1 &* 5, 7) &* 9
        let t = s1 << 17
        s2 ^= s0; s3 ^= s1; s1 ^= s2; s0 ^= s3
        s2 ^= t
        s3 = rotl(s3, 45)
        return result
    }

    /// A uniform double in [0, 1) with 53 random bits.
    public mutating func uniform() -> Double { Double(next() >> 11) * 0x1.0p-53 }

    /// A uniform double in [low, high).
    public mutating func uniform(_ low: Double, _ high: Double) -> Double { low + (high - low) * uniform() }

    /// A standard normal deviate (Box–Muller; one value per call, the pair's second is discarded
    /// so the sequence does not depend on call history).
    public mutating func normal() -> Double {
        var u1 = uniform()
        while u1 <= 0 { u1 = uniform() }
        let u2 = uniform()
        return (-2 * logNatural(u1)).squareRoot() * cosine(2 * Double.pi * u2)
    }

    /// A normal deviate with `mean` and standard deviation `sd`.
    public mutating func normal(mean: Double, sd: Double) -> Double { mean + sd * normal() }

    /// A uniform integer in `0..<bound` (unbiased).
    public mutating func integer(below bound: Int) -> Int {
        precondition(bound > 0)
        return Int(next(upperBound: UInt64(bound)))
    }

    /// The elements of `array` in a random order (Fisher–Yates, deterministic for the generator state).
    public mutating func shuffled<T>(_ array: [T]) -> [T] {
        var a = array
        if a.count < 2 { return a }
        for i in stride(from: a.count - 1, to: 0, by: -1) {
            let j = integer(below: i + 1)
            a.swapAt(i, j)
        }
        return a
    }

    private func rotl(_ x: UInt64, _ k: UInt64) -> UInt64 { (x << k) | (x >> (64 - k)) }
}

/// SplitMix64, used to expand seeds.
struct SplitMix64 {
    var state: UInt64
    mutating func next() -> UInt64 {
        state = state &+ 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
