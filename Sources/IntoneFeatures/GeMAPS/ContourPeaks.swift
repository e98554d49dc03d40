import Foundation

/// openSMILE's `cFunctionalPeaks2` peak picker with the outputs eGeMAPS uses: the number of peaks
/// per second and the mean / standard deviation of rising and falling slopes.
///
/// Mirrors the component with `absThresh` unset, `relThresh = 0.1`, `dynRelThresh = 0`: local
/// extrema (frames 2 ... N−3) are found, then small peaks/minima (height below
/// `relThresh · (max − min)`) are pruned and the list is made alternating, in openSMILE's three
/// passes. Slopes are value change per second (`framePeriod`) between consecutive extrema, with the
/// input's first value as the starting point and one extra slope to the input's last value; all in
/// `Float` as openSMILE computes them.
public struct ContourPeaks: Sendable {
    /// `numPeaks` with `norm = seconds`: peaks / (N · framePeriod).
    public let peaksPerSecond: Float
    /// `meanRisingSlope`.
    public let meanRisingSlope: Float
    /// `stddevRisingSlope`.
    public let risingSlopeStandardDeviation: Float
    /// `meanFallingSlope`.
    public let meanFallingSlope: Float
    /// `stddevFallingSlope`.
    public let fallingSlopeStandardDeviation: Float

    private struct Extremum { var isMaximum: Bool; var y: Float; var x: Int; var alive = true }

    /// Runs the peak picker on `input` (`relThresh` is openSMILE's relative peak threshold).
    public init(_ input: ContourFunctionalInput, relativeThreshold: Float = 0.1) {
        let v = input.values
        let n = v.count
        guard n > 0 else {
            peaksPerSecond = 0; meanRisingSlope = 0; risingSlopeStandardDeviation = 0
            meanFallingSlope = 0; fallingSlopeStandardDeviation = 0
            return
        }
        let range = input.maximum - input.minimum
        let absThresh = relativeThreshold * range
        func below(_ diff: Float) -> Bool { diff < absThresh }

        // Step 1: all strict local extrema.
        var list: [Extremum] = []
        if n >= 5 {
            for i in 2..<(n - 2) {
                if v[i] > v[i - 1] && v[i] > v[i + 1] {
                    list.append(Extremum(isMaximum: true, y: v[i], x: i))
                } else if v[i] < v[i - 1] && v[i] < v[i + 1] {
                    list.append(Extremum(isMaximum: false, y: v[i], x: i))
                }
            }
        }

        // Step 2a: drop maxima that rise too little; keep the larger of close maxima.
        var lastVal = v[0], lastMin = v[0], lastMax = v[0]
        var minFlag = false
        var lastMaxIndex: Int? = nil
        for k in list.indices {
            let y = list[k].y
            if list[k].isMaximum {
                if below(abs(y - lastVal)) {
                    if below(y - lastMin) {
                        list[k].alive = false
                    } else {
                        if Double(y) > Double(lastMax) * 1.05 {
                            if let p = lastMaxIndex { list[p].alive = false }
                            lastMax = y
                            lastMaxIndex = k
                        } else if minFlag {
                            lastMax = y
                            lastMaxIndex = k
                        } else {
                            list[k].alive = false
                        }
                        minFlag = false
                    }
                } else {
                    minFlag = false
                    lastMax = y
                    lastMaxIndex = k
                }
            } else {
                if !below(abs(y - lastVal)) {
                    minFlag = true
                    lastMin = y
                }
            }
            lastVal = y
        }

        // Step 2b: drop minima that lie too little below the preceding maximum.
        lastMax = v[0]
        for k in list.indices where list[k].alive {
            if !list[k].isMaximum {
                if below(lastMax - list[k].y) { list[k].alive = false }
            } else {
                lastMax = list[k].y
            }
        }

        // Step 3: make the list alternate (keep the lowest of adjacent minima, highest of maxima).
        var lastMinIndex = 0
        lastMaxIndex = nil
        lastMin = v[0]; lastMax = v[0]
        minFlag = false
        var initial = true
        for k in list.indices where list[k].alive {
            let y = list[k].y
            if !list[k].isMaximum {
                if !minFlag || initial {
                    lastMin = y; lastMinIndex = k; minFlag = true; initial = false
                } else if y >= lastMin {
                    list[k].alive = false
                } else if lastMinIndex != k {
                    list[lastMinIndex].alive = false
                    lastMinIndex = k; lastMin = y
                }
            } else {
                if minFlag || initial {
                    lastMax = y; lastMaxIndex = k; minFlag = false; initial = false
                } else if y <= lastMax {
                    list[k].alive = false
                } else if let p = lastMaxIndex, p != k {
                    list[p].alive = false
                    lastMaxIndex = k; lastMax = y
                }
            }
        }
        let extrema = list.filter { $0.alive }
        let nPeaks = extrema.reduce(0) { $0 + ($1.isMaximum ? 1 : 0) }

        // Slopes.
        let t = Float(input.framePeriod)
        var meanRising: Float = 0, meanFalling: Float = 0
        var nRising = 0, nFalling = 0
        var lastIsMax = -1
        lastMax = v[0]; lastMin = v[0]
        var lastMaxPos = 0, lastMinPos = 0
        for e in extrema {
            if !e.isMaximum {
                lastMin = e.y; lastMinPos = e.x
                if lastMinPos - lastMaxPos > 0 {
                    meanFalling += (lastMax - lastMin) / (Float(lastMinPos - lastMaxPos) * t)
                    nFalling += 1; lastIsMax = 0
                }
            } else {
                lastMax = e.y; lastMaxPos = e.x
                if lastMaxPos - lastMinPos > 0 {
                    meanRising += (lastMax - lastMin) / (Float(lastMaxPos - lastMinPos) * t)
                    nRising += 1; lastIsMax = 1
                }
            }
        }
        if lastIsMax == 1 {
            if n - 1 - lastMaxPos > 0 {
                meanFalling += (v[n - 1] - lastMax) / (Float(n - 1 - lastMaxPos) * t)
                nFalling += 1
            }
        } else if lastIsMax == 0 {
            if n - 1 - lastMinPos > 0 {
                meanRising += (v[n - 1] - lastMin) / (Float(n - 1 - lastMinPos) * t)
                nRising += 1
            }
        } else {
            // No extrema at all: openSMILE uses the overall change per frame count (no period).
            let slope = (v[n - 1] - v[0]) / Float(n)
            if slope > 0 { meanRising = slope; nRising = 1 } else if slope < 0 { meanFalling = slope; nFalling = 1 }
        }
        if nRising > 1 { meanRising /= Float(nRising) }
        if nFalling > 1 { meanFalling /= Float(nFalling) }

        // Second pass: spread of the slopes between extrema (the end slope is not included).
        var varRising: Float = 0, varFalling: Float = 0
        lastMax = v[0]; lastMin = v[0]; lastMaxPos = 0; lastMinPos = 0
        for e in extrema {
            if !e.isMaximum {
                lastMin = e.y; lastMinPos = e.x
                if lastMinPos - lastMaxPos > 0 {
                    let s = (lastMax - lastMin) / (Float(lastMinPos - lastMaxPos) * t)
                    varFalling += (s - meanFalling) * (s - meanFalling)
                }
            } else {
                lastMax = e.y; lastMaxPos = e.x
                if lastMaxPos - lastMinPos != 0 {
                    let s = (lastMax - lastMin) / (Float(lastMaxPos - lastMinPos) * t)
                    varRising += (s - meanRising) * (s - meanRising)
                }
            }
        }
        if nRising > 1 { varRising /= Float(nRising) }
        if nFalling > 1 { varFalling /= Float(nFalling) }

        peaksPerSecond = Float(nPeaks) / (Float(n) * t)
        meanRisingSlope = meanRising
        risingSlopeStandardDeviation = varRising > 0 ? varRising.squareRoot() : 0
        meanFallingSlope = meanFalling
        fallingSlopeStandardDeviation = varFalling > 0 ? varFalling.squareRoot() : 0
    }
}
