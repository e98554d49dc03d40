extension FeatureExtractor {
    /// The MFCC of several windows of one signal, each exactly `mfcc(Array(samples[range]))`, with
    /// the STFT, mel and log work of frames that overlapping windows have in common done once.
    ///
    /// A window's frame lies wholly inside the window except near its edges, where centring pads
    /// with zeros; such an interior frame depends only on the samples it covers, so two windows
    /// that hold a frame at the same position share its spectrum, mel bands and decibels. Only
    /// what depends on the whole window is done per window: its edge frames, and the `top_db`
    /// floor (the window's loudest value minus 80 dB), after which the DCT of a frame is redone
    /// only if the floor changed one of its values. Windows whose starts differ by a multiple of
    /// the hop length share all their interior frames (a 3 s window at 22,050 Hz has 126 of 130).
    ///
    /// The result is bit-for-bit that of `mfcc(_:)` on each window: each frame goes through the
    /// same arithmetic in the same order, and nothing sums across frames.
    ///
    /// - Parameters:
    ///   - samples: the signal at `parameters.sampleRate`.
    ///   - ranges: the windows, each within `samples`.
    /// - Throws: `FeatureError` as `mfcc(_:)` does (an un-centred STFT of a window shorter than n_fft).
    public func mfcc(windowsOf samples: [Float], ranges: [Range<Int>]) throws(FeatureError) -> [FeatureMatrix] {
        precondition(ranges.allSatisfy { $0.lowerBound >= 0 && $0.upperBound <= samples.count }, "mfcc(windowsOf:): a window lies outside the signal")
        let p = parameters.stft
        guard p.center else {
            var out: [FeatureMatrix] = []
            for r in ranges { out.append(try mfcc(Array(samples[r]))) }
            return out
        }
        let pad = p.nFFT / 2, hop = p.hopLength, nFFT = p.nFFT

        // Frame j of a window of length L starts at j·hop − pad (window coordinates); it is interior
        // when it needs no padding.
        func isInterior(_ j: Int, length: Int) -> Bool { j * hop - pad >= 0 && j * hop - pad + nFFT <= length }

        // Every interior frame position, once.
        var column: [Int: Int] = [:]
        var sharedStarts: [Int] = []
        for r in ranges {
            for j in 0..<p.frameCount(samples: r.count) where isInterior(j, length: r.count) {
                let start = r.lowerBound + j * hop - pad
                if column[start] == nil {
                    column[start] = sharedStarts.count
                    sharedStarts.append(start)
                }
            }
        }
        let shared = LogMelColumns(samples.withUnsafeBufferPointer { logMel($0, starts: sharedStarts) })
        let coefficients = dct.outputs
        // DCTs of shared frames computed so far: per frame, the row in `cached` of the last one and
        // the floor it was computed under (-∞ when the floor changed nothing).
        var cachedRow = [Int](repeating: -1, count: sharedStarts.count)
        var cachedFloor: [Float] = []
        var cached: [Float] = []

        var results: [FeatureMatrix] = []
        results.reserveCapacity(ranges.count)
        for r in ranges {
            let frames = p.frameCount(samples: r.count)
            let edgeFrames = (0..<frames).filter { !isInterior($0, length: r.count) }
            let edges = LogMelColumns(samples[r].withUnsafeBufferPointer { logMel($0, starts: edgeFrames.map { $0 * hop - pad }) })
            // Where each frame's decibels are: (from the shared columns?, column).
            var source: [(shared: Bool, column: Int)] = []
            source.reserveCapacity(frames)
            var nextEdge = 0
            var peak = -Float.infinity
            for j in 0..<frames {
                if nextEdge < edgeFrames.count && edgeFrames[nextEdge] == j {
                    source.append((false, nextEdge))
                    if edges.maximum[nextEdge] > peak { peak = edges.maximum[nextEdge] }
                    nextEdge += 1
                } else {
                    let c = column[r.lowerBound + j * hop - pad]!
                    source.append((true, c))
                    if shared.maximum[c] > peak { peak = shared.maximum[c] }
                }
            }
            let windowFloor = parameters.topDB.map { peak - $0 } ?? -.infinity

            // The floor each frame is computed under (-∞ where it changes nothing), and the frames
            // whose DCT is computed now: the edge frames, and the shared frames not yet computed
            // under that floor.
            var floors = [Float](repeating: -.infinity, count: frames)
            var redo: [Int] = []
            for (j, s) in source.enumerated() {
                let minimum = s.shared ? shared.minimum[s.column] : edges.minimum[s.column]
                if minimum < windowFloor { floors[j] = windowFloor }
                if !s.shared { redo.append(j); continue }
                let row = cachedRow[s.column]
                if row < 0 || cachedFloor[row] != floors[j] { redo.append(j) }
            }
            var floored = FeatureMatrix(rows: nMels, frames: redo.count)
            floored.values.withUnsafeMutableBufferPointer { dst in
                for (i, j) in redo.enumerated() {
                    let s = source[j]
                    let floor = floors[j]
                    let from = s.shared ? shared.decibels : edges.decibels
                    from.values.withUnsafeBufferPointer { src in
                        var at = s.column
                        var to = i
                        for _ in 0..<nMels {
                            let v = src[at]
                            dst[to] = v < floor ? floor : v
                            at &+= from.frames
                            to &+= redo.count
                        }
                    }
                }
            }
            let redone = dct.apply(to: floored)

            var out = FeatureMatrix(rows: coefficients, frames: frames)
            var nextRedo = 0
            out.values.withUnsafeMutableBufferPointer { o in
                func copy(_ m: [Float], stride: Int, column: Int, to j: Int) {
                    m.withUnsafeBufferPointer { src in
                        for k in 0..<coefficients { o[k &* frames &+ j] = src[k &* stride &+ column] }
                    }
                }
                for j in 0..<frames {
                    if nextRedo < redo.count && redo[nextRedo] == j {
                        copy(redone.values, stride: redo.count, column: nextRedo, to: j)
                        if source[j].shared {
                            // Remember it for the next window with the same floor.
                            cachedRow[source[j].column] = cachedFloor.count
                            cachedFloor.append(floors[j])
                            for k in 0..<coefficients { cached.append(redone.values[k * redo.count + nextRedo]) }
                        }
                        nextRedo += 1
                    } else {
                        copy(cached, stride: 1, column: cachedRow[source[j].column] * coefficients, to: j)
                    }
                }
            }
            results.append(out)
        }
        return results
    }

    private var nMels: Int { melFilterbank.count }

    /// Log-mel decibels (no floor) of the frames at `starts` of `x`, zeros outside it: each frame
    /// goes from its spectrum straight to its mel bands (the same sums, in the same order, as the
    /// whole-spectrogram computation), so no spectrogram is stored.
    private func logMel(_ x: UnsafeBufferPointer<Float>, starts: [Int]) -> FeatureMatrix {
        let frames = starts.count
        let bins = parameters.stft.bins
        var mel = FeatureMatrix(rows: nMels, frames: frames)
        // Eight frames at a time, bin-major, so the mel sums run over the eight frames at once.
        var block = [SIMD8<Float>](repeating: .zero, count: bins)
        var bands = [SIMD8<Float>](repeating: .zero, count: nMels)
        mel.values.withUnsafeMutableBufferPointer { m in
            block.withUnsafeMutableBufferPointer { blk in
                bands.withUnsafeMutableBufferPointer { bnd in
                    forEachFrameSpectrum(x, starts: starts, parameters: parameters.stft, power: 2) { t, spectrum in
                        let lane = t & 7
                        let lanes = UnsafeMutableRawPointer(blk.baseAddress!).assumingMemoryBound(to: Float.self) + lane
                        for k in 0..<bins { lanes[k &* 8] = spectrum[k] }
                        guard lane == 7 || t == frames - 1 else { return }
                        melFilterbank.applyToEightFrames(blk.baseAddress!, into: bnd.baseAddress!)
                        let first = t - lane
                        for band in 0..<nMels {
                            for l in 0...lane { m[band &* frames &+ first &+ l] = bnd[band][l] }
                        }
                    }
                }
            }
        }
        return powerToDecibels(mel, topDB: nil)
    }
}

/// Log-mel frames before the `top_db` floor, with each frame's smallest and largest value.
private struct LogMelColumns {
    let decibels: FeatureMatrix
    let minimum: [Float]
    let maximum: [Float]

    init(_ decibels: FeatureMatrix) {
        self.decibels = decibels
        var lo = [Float](repeating: .infinity, count: decibels.frames)
        var hi = [Float](repeating: -.infinity, count: decibels.frames)
        let frames = decibels.frames
        decibels.values.withUnsafeBufferPointer { v in
            for m in 0..<decibels.rows {
                for t in 0..<frames {
                    let x = v[m &* frames &+ t]
                    // Comparisons as powerToDecibels makes them, so NaN counts for neither.
                    if x < lo[t] { lo[t] = x }
                    if x > hi[t] { hi[t] = x }
                }
            }
        }
        minimum = lo
        maximum = hi
    }
}
