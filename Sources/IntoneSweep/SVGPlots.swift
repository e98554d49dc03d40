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
