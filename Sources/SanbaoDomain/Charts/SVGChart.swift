import Foundation

/// Charts drawn as SVG text by our own code: bars (grouped or stacked), lines, a donut and small
/// multiples. Each is an `<svg role="img">` with a title and an `aria-label`, readable in Chinese
/// (the CJK fonts first), printable (no script, no external files), and sized by its `viewBox` so
/// it scales with the page. The numbers themselves go in a table beside each chart — the page's
/// job; a chart only draws them.
public enum SVGChart {
    public struct Series: Sendable, Equatable {
        public var name: String
        public var values: [Double]

        public init(_ name: String, _ values: [Double]) {
            self.name = name
            self.values = values
        }
    }

    /// Our palette: the campaign red first, then colours that stay apart in print and for the
    /// common colour-vision deficiencies.
    public static let palette = ["#b3261e", "#1f5fa8", "#e0902a", "#2e7d4f", "#7a4fa3", "#5f6b76", "#c2577a", "#2a9db0"]

    static let font = "'Noto Sans CJK SC','Noto Sans SC','PingFang SC','Microsoft YaHei',sans-serif"

    /// Bars for each category, one per series side by side, or stacked into one.
    public static func bars(title: String, categories: [String], series: [Series], stacked: Bool = false,
                            width: Int = 640, height: Int = 320) -> String {
        // Long names under narrow bars are turned, and given the room they need below.
        let slot = (Double(width) - 56) / Double(max(categories.count, 1))
        let longest = categories.map(\.count).max() ?? 0
        let turned = Double(longest) * 11 + 4 > slot
        var frame = Frame(width: width, height: height, legend: series.count > 1)
        if turned { frame.below = min(110, Double(longest) * 8 + 16) }
        let totals = categories.indices.map { i in series.reduce(0) { $0 + max(0, value($1, i)) } }
        let top = niceCeiling(stacked ? (totals.max() ?? 0) : (series.flatMap(\.values).max() ?? 0))
        var body = frame.axes(top: top)
        let barWidth = stacked ? slot * 0.6 : slot * 0.8 / Double(max(series.count, 1))
        for (i, category) in categories.enumerated() {
            let x0 = frame.left + slot * Double(i) + slot * (stacked ? 0.2 : 0.1)
            var base = 0.0
            for (s, one) in series.enumerated() {
                let v = max(0, value(one, i))
                let h = top > 0 ? v / top * frame.plotHeight : 0
                let x = stacked ? x0 : x0 + barWidth * Double(s)
                let y = frame.bottom - (stacked ? (base / top * frame.plotHeight) : 0) - h
                body += rect(x: x, y: y, width: barWidth, height: h, fill: color(s), label: "\(category) \(one.name) \(number(v))")
                base += v
            }
            let cx = x0 + (stacked ? barWidth : barWidth * Double(series.count)) / 2
            body += turned ? text(cx, frame.bottom + 10, category, anchor: "end", size: 11, rotate: -45)
                : text(cx, frame.bottom + 16, category, anchor: "middle", size: 11)
        }
        return svg(width: width, height: height, title: title, body: body + frame.legend(series.map(\.name)))
    }

    /// One line per series over `labels` (days, weeks); a point carries its value as a tooltip.
    public static func line(title: String, labels: [String], series: [Series], width: Int = 640, height: Int = 280) -> String {
        let frame = Frame(width: width, height: height, legend: series.count > 1)
        let top = niceCeiling(series.flatMap(\.values).max() ?? 0)
        var body = frame.axes(top: top)
        let step = labels.count > 1 ? frame.plotWidth / Double(labels.count - 1) : 0
        for (s, one) in series.enumerated() {
            let points = labels.indices.map { i -> (Double, Double) in
                let v = max(0, value(one, i))
                return (frame.left + step * Double(i), frame.bottom - (top > 0 ? v / top * frame.plotHeight : 0))
            }
            body += "<polyline fill=\"none\" stroke=\"\(color(s))\" stroke-width=\"2\" points=\""
                + points.map { "\(f($0.0)),\(f($0.1))" }.joined(separator: " ") + "\"/>"
            for (i, p) in points.enumerated() {
                body += "<circle cx=\"\(f(p.0))\" cy=\"\(f(p.1))\" r=\"2.5\" fill=\"\(color(s))\"><title>\(escape("\(labels[i]) \(one.name) \(number(value(one, i))))"))</title></circle>"
            }
        }
        // Label at most about eight ticks, so dates do not run into each other.
        let every = max(1, Int((Double(labels.count) / 8).rounded(.up)))
        for (i, label) in labels.enumerated() where i % every == 0 || i == labels.count - 1 {
            body += text(frame.left + step * Double(i), frame.bottom + 16, label, anchor: "middle", size: 11)
        }
        return svg(width: width, height: height, title: title, body: body + frame.legend(series.map(\.name)))
    }

    /// Shares of a whole as a ring, with the total in the middle.
    public static func donut(title: String, slices: [(label: String, value: Double)], width: Int = 320, height: Int = 240) -> String {
        let total = slices.reduce(0) { $0 + max(0, $1.value) }
        let cx = Double(height) / 2, cy = Double(height) / 2, r = Double(height) / 2 - 16, inner = r * 0.6
        var body = ""
        var start = -Double.pi / 2
        for (i, slice) in slices.enumerated() where slice.value > 0 && total > 0 {
            let sweep = slice.value / total * 2 * .pi
            let label = "\(slice.label) \(number(slice.value))（\(percent(slice.value / total))）"
            if sweep >= 2 * .pi - 1e-9 {
                // A single slice is the whole ring: two arcs cannot start and end at one point.
                body += "<circle cx=\"\(f(cx))\" cy=\"\(f(cy))\" r=\"\(f((r + inner) / 2))\" fill=\"none\" stroke=\"\(color(i))\" "
                    + "stroke-width=\"\(f(r - inner))\"><title>\(escape(label))</title></circle>"
            } else {
                let end = start + sweep
                let large = sweep > .pi ? 1 : 0
                let p = { (a: Double, rad: Double) in "\(f(cx + rad * cos(a))),\(f(cy + rad * sin(a)))" }
                body += "<path fill=\"\(color(i))\" d=\"M\(p(start, r)) A\(f(r)),\(f(r)) 0 \(large) 1 \(p(end, r)) "
                    + "L\(p(end, inner)) A\(f(inner)),\(f(inner)) 0 \(large) 0 \(p(start, inner)) Z\"><title>\(escape(label))</title></path>"
            }
            start += sweep
        }
        body += text(cx, cy + 6, number(total), anchor: "middle", size: 18, weight: "bold")
        for (i, slice) in slices.enumerated() {
            let y = 24 + Double(i) * 20
            body += rect(x: Double(height) + 8, y: y - 10, width: 12, height: 12, fill: color(i), label: nil)
            body += text(Double(height) + 26, y, "\(slice.label) \(number(slice.value))", anchor: "start", size: 12)
        }
        return svg(width: width, height: height, title: title, body: body)
    }

    /// The same small line chart for each panel, on one shared scale, in a grid.
    public static func smallMultiples(title: String, labels: [String], panels: [Series], columns: Int = 4,
                                      panelWidth: Int = 160, panelHeight: Int = 90) -> String {
        let columns = max(1, columns)
        let rows = (panels.count + columns - 1) / columns
        let top = niceCeiling(panels.flatMap(\.values).max() ?? 0)
        var body = ""
        for (n, panel) in panels.enumerated() {
            let ox = Double(n % columns * panelWidth), oy = Double(n / columns * panelHeight)
            let left = ox + 6, right = ox + Double(panelWidth) - 6, bottom = oy + Double(panelHeight) - 8, upper = oy + 22
            body += text(left, oy + 14, panel.name, anchor: "start", size: 11)
            body += "<line x1=\"\(f(left))\" y1=\"\(f(bottom))\" x2=\"\(f(right))\" y2=\"\(f(bottom))\" stroke=\"#c8ccd0\"/>"
            let step = labels.count > 1 ? (right - left) / Double(labels.count - 1) : 0
            let points = labels.indices.map { i in
                "\(f(left + step * Double(i))),\(f(bottom - (top > 0 ? max(0, value(panel, i)) / top * (bottom - upper) : 0)))"
            }
            body += "<polyline fill=\"none\" stroke=\"\(color(0))\" stroke-width=\"1.5\" points=\"\(points.joined(separator: " "))\">"
                + "<title>\(escape("\(panel.name) \(panel.values.map(number).joined(separator: " "))"))</title></polyline>"
        }
        return svg(width: columns * panelWidth, height: max(rows, 1) * panelHeight, title: title, body: body)
    }

    // MARK: - Drawing

    struct Frame {
        var width, height: Int
        var legend: Bool
        /// Room under the baseline for the category labels.
        var below: Double = 28
        var left: Double { 44 }
        var right: Double { Double(width) - 12 }
        var upper: Double { legend ? 34 : 14 }
        var bottom: Double { Double(height) - below }
        var plotWidth: Double { right - left }
        var plotHeight: Double { bottom - upper }

        /// The value axis with its gridlines at round values, and the baseline.
        func axes(top: Double) -> String {
            var out = ""
            let n = divisions(top)
            for k in 0...n {
                let v = top * Double(k) / Double(n)
                let y = bottom - plotHeight * Double(k) / Double(n)
                out += "<line x1=\"\(f(left))\" y1=\"\(f(y))\" x2=\"\(f(right))\" y2=\"\(f(y))\" stroke=\"\(k == 0 ? "#8a9096" : "#e3e6e9")\"/>"
                out += text(left - 6, y + 4, number(v), anchor: "end", size: 10)
            }
            return out
        }

        func legend(_ names: [String]) -> String {
            guard legend else { return "" }
            var out = "", x = left
            for (i, name) in names.enumerated() {
                out += rect(x: x, y: 8, width: 12, height: 12, fill: color(i), label: nil)
                out += text(x + 16, 18, name, anchor: "start", size: 12)
                x += 28 + Double(name.count) * 12
            }
            return out
        }
    }

    static func svg(width: Int, height: Int, title: String, body: String) -> String {
        "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart\" viewBox=\"0 0 \(width) \(height)\" width=\"\(width)\" height=\"\(height)\" "
            + "role=\"img\" aria-label=\"\(escape(title))\" font-family=\"\(font)\"><title>\(escape(title))</title>\(body)</svg>"
    }

    static func rect(x: Double, y: Double, width: Double, height: Double, fill: String, label: String?) -> String {
        let tip = label.map { "<title>\(escape($0))</title>" } ?? ""
        return "<rect x=\"\(f(x))\" y=\"\(f(y))\" width=\"\(f(max(0, width)))\" height=\"\(f(max(0, height)))\" fill=\"\(fill)\">\(tip)</rect>"
    }

    static func text(_ x: Double, _ y: Double, _ content: String, anchor: String, size: Int, weight: String = "normal",
                     rotate: Double? = nil) -> String {
        let turn = rotate.map { " transform=\"rotate(\(f($0)) \(f(x)) \(f(y)))\"" } ?? ""
        return "<text x=\"\(f(x))\" y=\"\(f(y))\" text-anchor=\"\(anchor)\" font-size=\"\(size)\" font-weight=\"\(weight)\" fill=\"#1d2125\"\(turn)>"
            + "\(escape(content))</text>"
    }

    static func color(_ i: Int) -> String { palette[i % palette.count] }

    static func value(_ s: Series, _ i: Int) -> Double {
        i < s.values.count && s.values[i].isFinite ? s.values[i] : 0
    }

    /// A round top for the value axis: 1, 2, 2.5 or 5 times a power of ten, at least 1.
    public static func niceCeiling(_ v: Double) -> Double {
        guard v.isFinite, v > 1 else { return 1 }
        let magnitude = pow(10, floor(log10(v)))
        for step in [1.0, 2, 2.5, 5, 10] where step * magnitude >= v { return step * magnitude }
        return 10 * magnitude
    }

    /// Gridlines that land on round values: a top of 20 in quarters (5, 10, 15), of 10, 25 or
    /// 50 in fifths (2, 5, 10 apart) — never 6.25.
    static func divisions(_ top: Double) -> Int {
        guard top.isFinite, top > 0 else { return 4 }
        let mantissa = top / pow(10, floor(log10(top)))
        return abs(mantissa - 2) < 1e-9 ? 4 : 5
    }

    /// Whole numbers as integers with thousands separators; others with one decimal.
    public static func number(_ v: Double) -> String {
        guard v.isFinite else { return "—" }
        if v == v.rounded(), abs(v) < 1e15 {
            let n = Int(v)
            let digits = String(abs(n))
            var grouped = ""
            for (i, ch) in digits.reversed().enumerated() {
                if i > 0 && i % 3 == 0 { grouped.append(",") }
                grouped.append(ch)
            }
            return (n < 0 ? "-" : "") + String(grouped.reversed())
        }
        return String(format: "%.1f", v)
    }

    static func percent(_ share: Double) -> String { String(format: "%.0f%%", share * 100) }

    static func f(_ v: Double) -> String { v.isFinite ? String(format: "%.1f", v) : "0" }

    static func escape(_ s: String) -> String {
        s.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
    }
}
