import Foundation

/// Small, dependency-free SVG charts for reports.
public enum SVGPlots {
    /// A confusion matrix: rows are true classes, columns predictions; cells shaded by row share.
    public static func confusionMatrix(_ m: [[Int]], classes: [String], title: String) -> String {
        let cell = 56, left = 90, top = 70
        let n = classes.count
        let width = left + n * cell + 20, height = top + n * cell + 60
        var s = header(width: width, height: height, title: title)
        for (i, c) in classes.enumerated() {
            s += text(x: left - 8, y: top + i * cell + cell / 2 + 4, c, anchor: "end")
            s += "<text x=\"\(left + i * cell + cell / 2)\" y=\"\(top - 8)\" font-size=\"12\" text-anchor=\"start\" transform=\"rotate(-35 \(left + i * cell + cell / 2) \(top - 8))\">\(escape(c))</text>\n"
        }
        for r in 0..<n {
            let total = max(1, m[r].reduce(0, +))
            for c in 0..<n {
                let share = Double(m[r][c]) / Double(total)
                let shade = Int(255 - share * 200)
                let color = r == c ? "rgb(\(shade),\(shade),255)" : "rgb(255,\(shade),\(shade))"
                s += "<rect x=\"\(left + c * cell)\" y=\"\(top + r * cell)\" width=\"\(cell)\" height=\"\(cell)\" fill=\"\(color)\" stroke=\"#888\"/>\n"
                s += text(x: left + c * cell + cell / 2, y: top + r * cell + cell / 2 + 5, String(m[r][c]), anchor: "middle")
            }
        }
        s += text(x: left + n * cell / 2, y: top + n * cell + 30, "predicted", anchor: "middle")
        s += "<text x=\"14\" y=\"\(top + n * cell / 2)\" font-size=\"12\" transform=\"rotate(-90 14 \(top + n * cell / 2))\" text-anchor=\"middle\">true</text>\n"
        return s + "</svg>\n"
    }

    /// Pairs of bars (train, validation) per group, values in [0, 1].
    public static func groupedBars(_ groups: [(String, Double, Double)], title: String) -> String {
        let groupWidth = 110, left = 60, top = 50, plot = 260
        let width = max(left + max(1, groups.count) * groupWidth + 40, 12 * title.count / 2 + 40), height = top + plot + 80
        var s = header(width: width, height: height, title: title)
        for tick in stride(from: 0.0, through: 1.0, by: 0.25) {
            let y = top + plot - Int(tick * Double(plot))
            s += "<line x1=\"\(left)\" y1=\"\(y)\" x2=\"\(width - 20)\" y2=\"\(y)\" stroke=\"#ddd\"/>\n"
            s += text(x: left - 6, y: y + 4, String(format: "%.2f", tick), anchor: "end")
        }
        for (i, g) in groups.enumerated() {
            let x = left + i * groupWidth + 15
            for (j, (v, color)) in [(g.1, "#4878a8"), (g.2, "#e08040")].enumerated() {
                let h = Int(max(0, min(1, v)) * Double(plot))
                s += "<rect x=\"\(x + j * 40)\" y=\"\(top + plot - h)\" width=\"36\" height=\"\(h)\" fill=\"\(color)\"/>\n"
                s += text(x: x + j * 40 + 18, y: top + plot - h - 4, String(format: "%.2f", v), anchor: "middle", size: 10)
            }
            s += text(x: x + 38, y: top + plot + 18, g.0, anchor: "middle", size: 11)
        }
        s += "<rect x=\"\(left)\" y=\"\(height - 30)\" width=\"12\" height=\"12\" fill=\"#4878a8\"/>" + text(x: left + 16, y: height - 20, "train", anchor: "start")
        s += "<rect x=\"\(left + 80)\" y=\"\(height - 30)\" width=\"12\" height=\"12\" fill=\"#e08040\"/>" + text(x: left + 96, y: height - 20, "validation", anchor: "start")
        return s + "</svg>\n"
    }

    /// Curves over epochs (1, 2, …): one polyline per named series, the y axis from the data's range
    /// (or from 0 to 1 when `unitRange`), a dot on `marked` (a 1-based epoch) if given. `stopped`
    /// curves (a sweep's pruned trials) are drawn thin and grey under the others, with a cross where
    /// each ends, under one legend entry named `stoppedLabel`.
    public static func curves(_ series: [(name: String, values: [Double])], title: String, yLabel: String,
                              unitRange: Bool = false, marked: Int? = nil, stopped: [[Double]] = [],
                              stoppedLabel: String = "stopped") -> String {
        let width = 640, height = 400, left = 70, right = 20, top = 50, plot = 270
        let plotWidth = width - left - right
        let finite = (series.flatMap(\.values) + stopped.flatMap { $0 }).filter(\.isFinite)
        var lo = unitRange ? 0 : (finite.min() ?? 0), hi = unitRange ? 1 : (finite.max() ?? 1)
        if hi - lo < 1e-12 { lo -= 0.5; hi += 0.5 }
        let epochs = max(1, (series.map(\.values.count) + stopped.map(\.count)).max() ?? 1)
        func x(_ i: Int) -> Double { Double(left) + (epochs == 1 ? 0.5 : Double(i) / Double(epochs - 1)) * Double(plotWidth) }
        func y(_ v: Double) -> Double { Double(top + plot) - (v - lo) / (hi - lo) * Double(plot) }
        var s = header(width: width, height: height, title: title)
        for k in 0...4 {
            let v = lo + (hi - lo) * Double(k) / 4
            let py = Int(y(v))
            s += "<line x1=\"\(left)\" y1=\"\(py)\" x2=\"\(width - right)\" y2=\"\(py)\" stroke=\"#ddd\"/>\n"
            s += text(x: left - 6, y: py + 4, String(format: "%.3g", v), anchor: "end", size: 10)
        }
        let step = max(1, Int((Double(epochs) / 10).rounded(.up)))
        for e in stride(from: 1, through: epochs, by: step) {
            s += text(x: Int(x(e - 1)), y: top + plot + 16, String(e), anchor: "middle", size: 10)
        }
        s += text(x: left + plotWidth / 2, y: top + plot + 34, "epoch", anchor: "middle", size: 11)
        s += "<text x=\"16\" y=\"\(top + plot / 2)\" font-size=\"11\" transform=\"rotate(-90 16 \(top + plot / 2))\" text-anchor=\"middle\">\(escape(yLabel))</text>\n"
        for values in stopped {
            let points = values.enumerated().filter { $0.element.isFinite }.map { String(format: "%.1f,%.1f", x($0.offset), y($0.element)) }
            s += "<polyline fill=\"none\" stroke=\"#bbb\" stroke-width=\"1\" points=\"\(points.joined(separator: " "))\"/>\n"
            if let last = values.indices.last, values[last].isFinite {
                let cx = x(last), cy = y(values[last])
                s += String(format: "<path d=\"M%.1f,%.1f l6,6 m0,-6 l-6,6\" stroke=\"#999\" stroke-width=\"1.5\"/>\n", cx - 3, cy - 3)
            }
        }
        if !stopped.isEmpty {
            let lx = left + series.count * 150
            s += "<path d=\"M\(lx),\(height - 30) l12,12 m0,-12 l-12,12\" stroke=\"#999\" stroke-width=\"1.5\"/>" + text(x: lx + 16, y: height - 20, stoppedLabel, anchor: "start")
        }
        let colours = ["#4878a8", "#e08040", "#3a9a4a", "#b04080"]
        for (i, (name, values)) in series.enumerated() {
            let colour = colours[i % colours.count]
            let points = values.enumerated().filter { $0.element.isFinite }.map { String(format: "%.1f,%.1f", x($0.offset), y($0.element)) }
            s += "<polyline fill=\"none\" stroke=\"\(colour)\" stroke-width=\"2\" points=\"\(points.joined(separator: " "))\"/>\n"
            if let m = marked, m >= 1, m <= values.count, values[m - 1].isFinite {
                s += "<circle cx=\"\(String(format: "%.1f", x(m - 1)))\" cy=\"\(String(format: "%.1f", y(values[m - 1])))\" r=\"4\" fill=\"\(colour)\"/>\n"
            }
            s += "<rect x=\"\(left + i * 150)\" y=\"\(height - 30)\" width=\"12\" height=\"12\" fill=\"\(colour)\"/>" + text(x: left + i * 150 + 16, y: height - 20, name, anchor: "start")
        }
        return s + "</svg>\n"
    }

    /// The opening of an SVG page with a white background and a centred title.
    public static func header(width: Int, height: Int, title: String) -> String {
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(width)\" height=\"\(height)\" font-family=\"sans-serif\">\n"
            + "<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n" + text(x: width / 2, y: 22, title, anchor: "middle", size: 14)
    }

    /// A text element (escaped).
    public static func text(x: Int, y: Int, _ s: String, anchor: String, size: Int = 12) -> String {
        "<text x=\"\(x)\" y=\"\(y)\" font-size=\"\(size)\" text-anchor=\"\(anchor)\">\(escape(s))</text>\n"
    }

    /// `s` with &, < and > escaped for XML.
    public static func escape(_ s: String) -> String {
        s.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;").replacingOccurrences(of: ">", with: "&gt;")
    }
}
