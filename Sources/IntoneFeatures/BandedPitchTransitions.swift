import Glibc

/// pYIN's hidden Markov model over `2 · pitchBins` states (voiced bins, then unvoiced bins) and its
/// Viterbi decoder, equal to librosa's `sequence.viterbi` over
/// `kron(transition_loop(2, 1 - switch_prob), transition_local(bins, width, window='triangle', wrap=False))`.
///
/// The local transition is built as librosa builds it (a symmetric triangular window of `width`
/// bins padded to the row, rolled onto the diagonal, cut off at the band's edges, each row divided
/// by its numpy pairwise sum), and the log transitions are `log(p + tiny)`. Only the band is kept:
/// outside it every transition is `log(tiny)`, which the decoder handles with running maxima.
struct BandedPitchTransitions: Sendable {
    let pitchBins: Int
    /// For each target bin q: the first source bin of its band.
    let bandStart: [Int]
    /// For each target bin q: the offset of its band in `logStay` / `logSwitch`, and its length.
    let bandOffset: [Int]
    let bandLength: [Int]
    /// `log(stay · local[p][q] + tiny)` and `log(switch · local[p][q] + tiny)` over each target's band.
    let logStay: [Double]
    let logSwitch: [Double]
    /// `log(0 + tiny)`: every transition outside the band.
    let logOutside: Double
    /// `log(1 / states + tiny)`: the uniform initial distribution.
    let logInitial: Double

    init(pitchBins n: Int, width: Int, switchProbability: Double) {
        pitchBins = n
        let tiny = Double.leastNormalMagnitude
        // scipy.signal.get_window('triangle', width, fftbins=False) = triang(width, sym=True).
        var window = [Double](repeating: 1, count: width)
        if width > 1 {
            let half = (width + 1) / 2
            let rising: [Double] = width % 2 == 0
                ? (1...half).map { (2 * Double($0) - 1) / Double(width) }
                : (1...half).map { 2 * Double($0) / (Double(width) + 1) }
            window = rising + (width % 2 == 0 ? rising.reversed() : rising.dropLast().reversed())
        }
        let leftPad = (n - width) / 2
        var local = [Double](repeating: 0, count: n * n)
        var row = [Double](repeating: 0, count: n)
        var padded = [Double](repeating: 0, count: n)
        for i in 0..<n {
            for k in 0..<n { padded[k] = 0 }
            for k in 0..<width { padded[leftPad + k] = window[k] }
            let shift = n / 2 + i + 1
            for k in 0..<n { row[(k + shift) % n] = padded[k] }
            for k in min(n, i + width / 2 + 1)..<n { row[k] = 0 }
            for k in 0..<max(0, i - width / 2) { row[k] = 0 }
            let sum = row.withUnsafeBufferPointer { numpyPairwiseSum($0) }
            for k in 0..<n { local[i * n + k] = row[k] / sum }
        }
        // transition_loop(2, 1 - switch_prob): stay on the diagonal, (1 - stay) / 1 off it.
        let stay = 1 - switchProbability
        let change = (1 - stay) / 1
        var starts: [Int] = [], offsets: [Int] = [], lengths: [Int] = []
        var stayLogs: [Double] = [], switchLogs: [Double] = []
        for q in 0..<n {
            var first = -1, last = -1
            for p in 0..<n where local[p * n + q] != 0 {
                if first < 0 { first = p }
                last = p
            }
            starts.append(max(first, 0))
            offsets.append(stayLogs.count)
            lengths.append(first < 0 ? 0 : last - first + 1)
            if first >= 0 {
                for p in first...last {
                    stayLogs.append(log(stay * local[p * n + q] + tiny))
                    switchLogs.append(log(change * local[p * n + q] + tiny))
                }
            }
        }
        bandStart = starts
        bandOffset = offsets
        bandLength = lengths
        logStay = stayLogs
        logSwitch = switchLogs
        logOutside = log(0 + tiny)
        logInitial = log(1 / Double(2 * n) + tiny)
    }

    /// The most likely state per frame (states `< pitchBins` are voiced), as `librosa.sequence.viterbi`.
    func decode(_ observations: [FrameObservation]) -> [Int] {
        let n = pitchBins
        let states = 2 * n
        let steps = observations.count
        guard steps > 0 else { return [] }
        let tiny = Double.leastNormalMagnitude
        let logZero = log(0 + tiny)
        var logProbability = [Double](repeating: 0, count: states)
        func fillLogProbability(_ o: FrameObservation) {
            for q in 0..<n { logProbability[q] = logZero }
            for v in o.voiced { logProbability[v.bin] = log(v.probability + tiny) }
            let unvoiced = log(o.unvoicedProbability + tiny)
            for q in n..<states { logProbability[q] = unvoiced }
        }
        var pointers = [UInt16](repeating: 0, count: steps * states)
        fillLogProbability(observations[0])
        var value = (0..<states).map { logProbability[$0] + logInitial }
        var next = value
        // Running maxima (value, first index) of each block's values before index k and from index k on.
        var prefix = [(Double, Int)](repeating: (0, 0), count: states + 2)
        var suffix = [(Double, Int)](repeating: (0, 0), count: states + 2)
        for t in 1..<steps {
            fillLogProbability(observations[t])
            for block in 0..<2 {
                let base = block * (n + 1)
                prefix[base] = (-.infinity, -1)
                for p in 0..<n {
                    let v = value[block * n + p]
                    prefix[base + p + 1] = v > prefix[base + p].0 ? (v, block * n + p) : prefix[base + p]
                }
                suffix[base + n] = (-.infinity, -1)
                for p in stride(from: n - 1, through: 0, by: -1) {
                    let v = value[block * n + p]
                    suffix[base + p] = v >= suffix[base + p + 1].0 ? (v, block * n + p) : suffix[base + p + 1]
                }
            }
            let row = t * states
            pointers.withUnsafeMutableBufferPointer { ptr in
            value.withUnsafeBufferPointer { v in
            logStay.withUnsafeBufferPointer { stay in
            logSwitch.withUnsafeBufferPointer { change in
                for target in 0..<states {
                    let toBlock = target / n
                    let q = target % n
                    let start = bandStart[q], length = bandLength[q], offset = bandOffset[q]
                    // Candidates are visited in increasing source index (block 0 before its band, the
                    // band, after it; then block 1 likewise), so a strictly larger value wins and ties
                    // go to the first index, as numpy's argmax.
                    var best = -Double.infinity
                    var bestIndex = 0
                    for fromBlock in 0..<2 {
                        let base = fromBlock * (n + 1)
                        let logs = (fromBlock == toBlock ? stay : change).baseAddress! + offset
                        let sources = v.baseAddress! + fromBlock * n + start
                        let before = prefix[base + start]
                        if before.1 >= 0, before.0 + logOutside > best { best = before.0 + logOutside; bestIndex = before.1 }
                        // The band's maximum and its first position, in four lanes: each lane keeps its
                        // first maximum (strictly larger replaces), then the lanes' best with the
                        // smallest position among equal values. A maximum is exact, so lanes cannot
                        // change it.
                        var lanes = SIMD4<Double>(repeating: -.infinity)
                        var positions = SIMD4<Int64>(repeating: 0)
                        var at = SIMD4<Int64>(0, 1, 2, 3)
                        var k = 0
                        let rawSources = UnsafeRawPointer(sources), rawLogs = UnsafeRawPointer(logs)
                        while k + 4 <= length {
                            let c = rawSources.loadUnaligned(fromByteOffset: 8 * k, as: SIMD4<Double>.self)
                                + rawLogs.loadUnaligned(fromByteOffset: 8 * k, as: SIMD4<Double>.self)
                            let larger = c .> lanes
                            lanes.replace(with: c, where: larger)
                            positions.replace(with: at, where: larger)
                            at &+= 4
                            k += 4
                        }
                        var bandBest = -Double.infinity
                        var bandAt = 0
                        for lane in 0..<4 where lanes[lane] > bandBest || (lanes[lane] == bandBest && Int(positions[lane]) < bandAt) {
                            bandBest = lanes[lane]
                            bandAt = Int(positions[lane])
                        }
                        while k < length {
                            let c = sources[k] + logs[k]
                            if c > bandBest { bandBest = c; bandAt = k }
                            k += 1
                        }
                        if bandBest > best {
                            best = bandBest
                            bestIndex = fromBlock * n + start + bandAt
                        }
                        let after = suffix[base + start + length]
                        if after.1 >= 0, after.0 + logOutside > best { best = after.0 + logOutside; bestIndex = after.1 }
                    }
                    ptr[row + target] = UInt16(bestIndex)
                    next[target] = logProbability[target] + best
                }
            }
            }
            }
            }
            swap(&value, &next)
        }
        var state = 0
        for s in 1..<states where value[s] > value[state] { state = s }
        var path = [Int](repeating: 0, count: steps)
        path[steps - 1] = state
        for t in stride(from: steps - 2, through: 0, by: -1) {
            path[t] = Int(pointers[(t + 1) * states + path[t + 1]])
        }
        return path
    }
}
