import Foundation
import IntoneFormats

/// A picture of how emotion runs through one call, for a person to look at (`intone score --timelines`):
/// the class probabilities of the scored windows stacked over time, a strip with the most probable
/// class above them, and gaps where no window was scored (silence). With smoothing (windows with a
/// `rawLabel`) a second strip above shows the smoothed labels over the raw ones. Long calls are drawn in at most
/// `columns` columns, each the mean of the windows whose hop (the stretch from a window's start to
/// the next one's) overlaps it.
public enum CallTimeline {
    /// Colours by class name (the seven emotions); other classes take the spare colours in order.
    static let palette: [String: String] = [
        "angry": "#d62728", "disgust": "#8c8c1a", "fear": "#9467bd", "happy": "#f2b701",
        "neutral": "#a0a0a0", "sad": "#1f77b4", "surprise": "#ff7f0e",
    ]
    static let spare = ["#2ca02c", "#e377c2", "#17becf", "#7f7f7f", "#bcbd22", "#8c564b"]

    static func colour(_ c: String, index: Int) -> String { palette[c] ?? spare[index % spare.count] }

    /// The SVG page for `call`, whose windows carry one probability per entry of `classes`.
    public static func svg(_ call: CallResult, classes: [String], columns maxColumns: Int = 1000) -> String {
        let width = 1000, left = 60, right = 20, plotWidth = width - left - right
        let smoothed = call.windows.contains { $0.rawLabel != nil }
        let shift = smoothed ? 22 : 0
        let smoothedTop = 40, stripTop = 40 + shift, stripHeight = 16, top = 64 + shift, plotHeight = 160, height = 300 + shift
        let duration = max(call.duration, call.windows.last?.end ?? 0, 1e-9)
        let columns = max(1, min(maxColumns, plotWidth))
        // Mean probabilities of the windows starting in each column.
        var sums = [[Double]](repeating: [Double](repeating: 0, count: classes.count), count: columns)
        var counts = [Int](repeating: 0, count: columns)
        // Each window stands for one hop of the call, from its start.
        let hop: Double = {
            guard let a = call.windows.first, let b = call.windows.last, b.index > a.index else { return call.windows.first.map { $0.end - $0.start } ?? 1 }
            return (b.start - a.start) / Double(b.index - a.index)
        }()
        for w in call.windows where w.probabilities.count == classes.count {
            let first = min(columns - 1, max(0, Int(w.start / duration * Double(columns))))
            let last = min(columns - 1, max(first, Int(((w.start + hop) / duration * Double(columns)).rounded(.up)) - 1))
            for c in first...last {
                for k in classes.indices { sums[c][k] += w.probabilities[k] }
                counts[c] += 1
            }
        }
        let title = "\((call.file as NSString).lastPathComponent) (\(call.channel)): \(call.windows.count) windows, dominant \(call.dominant(classes: classes))"
        var s = SVGPlots.header(width: width, height: height, title: title)
        s += SVGPlots.text(x: left - 6, y: stripTop + 12, smoothed ? "raw" : "label", anchor: "end", size: 10)
        s += "<rect x=\"\(left)\" y=\"\(top)\" width=\"\(plotWidth)\" height=\"\(plotHeight)\" fill=\"#f4f4f4\"/>\n"
        let columnWidth = Double(plotWidth) / Double(columns)
        func x(_ c: Int) -> String { String(format: "%.2f", Double(left) + Double(c) * columnWidth) }
        // Runs of columns with the same mean are one rectangle each.
        var c = 0
        while c < columns {
            guard counts[c] > 0 else { c += 1; continue }
            let p = sums[c].map { $0 / Double(counts[c]) }
            var end = c + 1
            while end < columns && counts[end] > 0 && sums[end].map({ $0 / Double(counts[end]) }) == p { end += 1 }
            let w = String(format: "%.2f", Double(end - c) * columnWidth + 0.05)   // a hair wider: no seams
            let best = p.indices.max { p[$0] < p[$1] || (p[$0] == p[$1] && $0 > $1) } ?? 0
            s += "<rect x=\"\(x(c))\" y=\"\(stripTop)\" width=\"\(w)\" height=\"\(stripHeight)\" fill=\"\(colour(classes[best], index: best))\"/>\n"
            var y = Double(top + plotHeight)
            for k in classes.indices where p[k] > 0 {
                let h = p[k] * Double(plotHeight)
                y -= h
                s += "<rect x=\"\(x(c))\" y=\"\(String(format: "%.2f", y))\" width=\"\(w)\" height=\"\(String(format: "%.2f", h))\" fill=\"\(colour(classes[k], index: k))\"/>\n"
            }
            c = end
        }
        // The smoothed labels, window by window (each for one hop from its start).
        if smoothed {
            s += SVGPlots.text(x: left - 6, y: smoothedTop + 12, "smoothed", anchor: "end", size: 10)
            for w in call.windows {
                guard let k = classes.firstIndex(of: w.label) else { continue }
                let x0 = Double(left) + min(1, max(0, w.start / duration)) * Double(plotWidth)
                let x1 = Double(left) + min(1, max(0, (w.start + hop) / duration)) * Double(plotWidth)
                s += "<rect x=\"\(String(format: "%.2f", x0))\" y=\"\(smoothedTop)\" width=\"\(String(format: "%.2f", max(0, x1 - x0) + 0.05))\" height=\"\(stripHeight)\" fill=\"\(colour(classes[k], index: k))\"/>\n"
            }
        }
        // Axes: probability 0 and 1, time in minutes (or seconds for short calls).
        s += SVGPlots.text(x: left - 6, y: top + 4, "1", anchor: "end", size: 10)
        s += SVGPlots.text(x: left - 6, y: top + plotHeight + 4, "0", anchor: "end", size: 10)
        let minutes = duration >= 180
        let unit = minutes ? 60.0 : 1.0
        let span = duration / unit
        let step = [1.0, 2, 5, 10, 15, 30, 60, 120, 300, 600].first { span / $0 <= 10 } ?? span / 10
        var t = 0.0
        while t <= span + 1e-9 {
            let px = left + Int(t / span * Double(plotWidth))
            s += "<line x1=\"\(px)\" y1=\"\(top + plotHeight)\" x2=\"\(px)\" y2=\"\(top + plotHeight + 4)\" stroke=\"black\"/>\n"
            s += SVGPlots.text(x: px, y: top + plotHeight + 16, String(format: "%g", t), anchor: "middle", size: 10)
            t += step
        }
        s += SVGPlots.text(x: left + plotWidth / 2, y: top + plotHeight + 30, minutes ? "minutes" : "seconds", anchor: "middle", size: 11)
        // Legend.
        var lx = left
        for (k, c) in classes.enumerated() {
            s += "<rect x=\"\(lx)\" y=\"\(height - 26)\" width=\"12\" height=\"12\" fill=\"\(colour(c, index: k))\"/>\n"
            s += SVGPlots.text(x: lx + 16, y: height - 16, c, anchor: "start", size: 11)
            lx += 20 + 8 * c.count + 16
        }
        return s + "</svg>\n"
    }
}
