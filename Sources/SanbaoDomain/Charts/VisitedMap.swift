import Foundation

/// A map-like SVG of how far each area's visits have come: every unit with a position is a
/// circle at its place whose area is what it must visit, with a green disc inside whose area is
/// what it has visited — so a half-visited district is half filled, and a big district behind
/// stands out. Projected equirectangularly around the areas' centre (true enough within a
/// province) and pushed apart where circles would overlap; names and shares written beneath, the
/// numbers also in the page's table.
public struct VisitedMap: Sendable {
    public struct Area: Sendable, Equatable {
        public var name: String
        public var lat, lon: Double
        public var visited, target: Int
        public var href: String?
        public init(name: String, lat: Double, lon: Double, visited: Int, target: Int, href: String? = nil) {
            self.name = name; self.lat = lat; self.lon = lon; self.visited = visited; self.target = target; self.href = href
        }
    }

    public var areas: [Area]
    public var width = 640.0
    public var height = 440.0
    /// The radius of the biggest target's circle.
    public var largest = 34.0

    public init(areas: [Area]) { self.areas = areas.filter { $0.lat.isFinite && $0.lon.isFinite } }

    public func svg(title: String, visitedLabel: String, notVisitedLabel: String) -> String {
        let head = "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 \(Int(width)) \(Int(height))\" width=\"\(Int(width))\" height=\"\(Int(height))\" "
            + "class=\"chart map\" role=\"img\" aria-label=\"\(SVGChart.escape(title))\" font-family=\"\(SVGChart.font)\"><title>\(SVGChart.escape(title))</title>"
        guard !areas.isEmpty else { return head + "</svg>" }
        let minLat = areas.map(\.lat).min()!, maxLat = areas.map(\.lat).max()!
        let minLon = areas.map(\.lon).min()!, maxLon = areas.map(\.lon).max()!
        let squeeze = cos((minLat + maxLat) / 2 * .pi / 180)
        let spanX = max((maxLon - minLon) * squeeze, 1e-6), spanY = max(maxLat - minLat, 1e-6)
        let pad = largest + 16, top = 34.0
        let scale = min((width - 2 * pad) / spanX, (height - top - 2 * pad) / spanY)
        // Centred: a single area, or a narrow spread, sits in the middle.
        let offsetX = (width - 2 * pad - spanX * scale) / 2, offsetY = (height - top - 2 * pad - spanY * scale) / 2
        func x(_ lon: Double) -> Double { pad + offsetX + (lon - minLon) * squeeze * scale }
        func y(_ lat: Double) -> Double { top + pad + offsetY + (maxLat - lat) * scale }
        let maxTarget = Double(max(areas.map { max($0.target, $0.visited) }.max() ?? 1, 1))
        func radius(_ n: Int) -> Double { n > 0 ? max(2.5, largest * (Double(n) / maxTarget).squareRoot()) : 0 }
        // Where each circle goes: its place, then pushed apart from the circles it overlaps (a
        // Dorling cartogram), so that neighbouring districts of a city centre stay readable.
        let order = areas.indices.sorted { (areas[$0].target, areas[$0].name) > (areas[$1].target, areas[$1].name) }
        var px = areas.map { x($0.lon) }, py = areas.map { y($0.lat) }
        let r = areas.map { radius(max($0.target, $0.visited)) }
        for _ in 0..<120 {
            var moved = false
            for i in areas.indices {
                for j in areas.indices where j > i {
                    let dx = px[j] - px[i], dy = py[j] - py[i]
                    let distance = max((dx * dx + dy * dy).squareRoot(), 0.01)
                    let overlap = r[i] + r[j] + 14 - distance
                    guard overlap > 0 else { continue }
                    // Apart along the line between them (or sideways when they sit on one point).
                    let (ux, uy) = distance > 0.01 ? (dx / distance, dy / distance) : (1.0, 0.0)
                    px[i] -= ux * overlap / 2; py[i] -= uy * overlap / 2
                    px[j] += ux * overlap / 2; py[j] += uy * overlap / 2
                    moved = true
                }
            }
            for i in areas.indices {
                px[i] = min(max(px[i], r[i] + 2), width - r[i] - 2)
                py[i] = min(max(py[i], top + r[i] + 2), height - r[i] - 16)
            }
            if !moved { break }
        }
        var out = head + "<rect width=\"100%\" height=\"100%\" fill=\"#f8fafc\"/>"
        // Legend.
        out += "<circle cx=\"14\" cy=\"16\" r=\"7\" fill=\"#e5e7eb\" stroke=\"#9ca3af\"/>" + SVGChart.text(26, 20, notVisitedLabel, anchor: "start", size: 11)
        out += "<circle cx=\"134\" cy=\"16\" r=\"7\" fill=\"#16a34a\"/>" + SVGChart.text(146, 20, visitedLabel, anchor: "start", size: 11)
        // Biggest first, so small areas stay on top and clickable.
        for i in order {
            let a = areas[i]
            let cx = SVGChart.f(px[i]), cy = SVGChart.f(py[i])
            let share = a.target > 0 ? Double(a.visited) / Double(a.target) : nil
            let tip = "\(a.name)：\(SVGChart.number(Double(a.visited))) / \(SVGChart.number(Double(a.target)))" + (share.map { "（\(SVGChart.percent($0))）" } ?? "")
            var shape = "<g><title>\(SVGChart.escape(tip))</title>"
            shape += "<circle cx=\"\(cx)\" cy=\"\(cy)\" r=\"\(SVGChart.f(r[i]))\" fill=\"#e5e7eb\" fill-opacity=\"0.9\" stroke=\"#9ca3af\"/>"
            shape += "<circle cx=\"\(cx)\" cy=\"\(cy)\" r=\"\(SVGChart.f(radius(min(a.visited, max(a.target, a.visited)))))\" fill=\"#16a34a\" fill-opacity=\"0.9\"/>"
            shape += SVGChart.text(px[i], py[i] + r[i] + 12, a.name + (share.map { " " + SVGChart.percent($0) } ?? ""), anchor: "middle", size: 11)
            shape += "</g>"
            out += a.href.map { "<a href=\"\(SVGChart.escape($0))\">\(shape)</a>" } ?? shape
        }
        return out + "</svg>"
    }
}
