import Foundation

/// openSMILE's `cFunctionalSegments` with the `nonX` / `eqX` segmentation algorithms (the new,
/// non-"oldBuggy" versions), as eGeMAPS uses them on the F0 contour with `X = 0`, default
/// `segMinLng = 3` and `pauseMinLng = 2`, `maxNumSeg = 1000`, `norm = second`.
///
/// A segment starts after `segMinLng` consecutive frames of the wanted kind and ends after
/// `pauseMinLng` consecutive frames of the other kind; openSMILE records its length as
/// last index − first index (one less than its frame count). Lengths and counts are converted
/// to seconds with the frame period.
public struct ContourSegments: Sendable {
    /// Which frames form segments.
    public enum Kind: Sendable {
        /// `nonX`: runs of values different from X (voiced segments when X = 0).
        case notEqualToX
        /// `eqX`: runs of values equal to X (unvoiced segments / pauses when X = 0).
        case equalToX
    }

    /// `numSegments` with `norm = second`: segments / (N · framePeriod).
    public let segmentsPerSecond: Float
    /// `meanSegLen` in seconds.
    public let meanSegmentLength: Float
    /// `segLenStddev` in seconds (population standard deviation; 0 for fewer than two segments).
    public let segmentLengthStandardDeviation: Float

    /// Segments `contour` (the full contour, zeros included) by comparing to `x`.
    public init(_ contour: [Float], kind: Kind, x: Float = 0, framePeriod: Double,
                segMinLng: Int = 3, pauseMinLng: Int = 2, maxNumSeg: Int = 1000) {
        var lengths: [Int] = []
        func add(end: Int, start: Int) {
            if lengths.count < maxNumSeg { lengths.append(end - start) }
        }
        var segStartIndex = 0
        var state = 0  // 0 = outside, 1 = candidate start, 2 = inside a segment
        var segStart = 0, segEnd = 0
        let n = contour.count
        for i in 0..<n {
            let wanted = kind == .notEqualToX ? contour[i] != x : contour[i] == x
            if wanted {
                if state == 1 {
                    segEnd = 0
                    segStart += 1
                    if segStart >= segMinLng { segStart = 0; state = 2 }
                } else if state == 0 {
                    segStart += 1
                    segStartIndex = i
                    state = 1
                } else {
                    segEnd = 0
                }
            } else {
                if state == 2 {
                    segStart = 0
                    segEnd += 1
                    if segEnd >= pauseMinLng {
                        state = 0
                        add(end: i - segEnd, start: segStartIndex)
                        segEnd = 0
                    }
                } else if state == 1 {
                    segEnd += 1
                    if segEnd >= pauseMinLng { state = 0; segEnd = 0; segStart = 0 }
                }
            }
        }
        if state == 2 {
            segEnd += 1
            add(end: n - segEnd, start: segStartIndex)
        }

        let count = lengths.count
        let total = lengths.reduce(0, +)
        let mean: Float = count > 1 ? Float(total) / Float(count) : Float(total)
        var deviation: Float = 0
        for l in lengths { deviation += (Float(l) - mean) * (Float(l) - mean) }
        if count > 1 {
            deviation /= Float(count)
            deviation = deviation.squareRoot()
        } else {
            deviation = 0
        }
        let t = Float(framePeriod)
        let norm: Float = t != 0 ? t : 1
        segmentsPerSecond = n > 0 ? Float(count) / (norm * Float(n)) : 0
        meanSegmentLength = n > 0 ? mean * norm : 0
        segmentLengthStandardDeviation = n > 0 ? deviation * norm : 0
    }
}
