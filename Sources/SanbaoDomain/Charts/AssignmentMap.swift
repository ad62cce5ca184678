import Foundation

/// A map-like SVG of one district's assignment, drawn by our own code: each enterprise is a
/// dot coloured by who visits it (territorial, sectoral or city cadre; a red cross when no one
/// can), with a thin line to the visiting cadre's home (a square). Coordinates are projected
/// equirectangularly around the district's centre, which is true enough at a city's scale.
public struct AssignmentMap: Sendable {
    public enum Visitor: String, Sendable { case territorial, sectoral, city, none }

    public struct Visit: Sendable {
        public var lat: Double, lon: Double
        public var homeLat: Double?, homeLon: Double?
        public var visitor: Visitor
        public var label: String
        public init(lat: Double, lon: Double, homeLat: Double?, homeLon: Double?, visitor: Visitor, label: String) {
            self.lat = lat; self.lon = lon; self.homeLat = homeLat; self.homeLon = homeLon
            self.visitor = visitor; self.label = label
        }
    }

    public var visits: [Visit]
    public var width = 640.0
    public var height = 480.0

    public init(visits: [Visit]) { self.visits = visits }

    static let colours: [Visitor: String] = [.territorial: "#2563eb", .sectoral: "#ea7a0c", .city: "#7c3aed", .none: "#dc2626"]

    public func svg(title: String) -> String {
        let points = visits.flatMap { v in [(v.lat, v.lon)] + (v.homeLat.flatMap { la in v.homeLon.map { [(la, $0)] } } ?? []) }
        guard !points.isEmpty else {
            return "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 \(Int(width)) 40\" role=\"img\"><title>\(Markup.escape(title))</title></svg>"
        }
        let minLat = points.map(\.0).min()!, maxLat = points.map(\.0).max()!
        let minLon = points.map(\.1).min()!, maxLon = points.map(\.1).max()!
        let squeeze = cos((minLat + maxLat) / 2 * .pi / 180)
        let spanX = max((maxLon - minLon) * squeeze, 1e-6), spanY = max(maxLat - minLat, 1e-6)
        let pad = 12.0
        let scale = min((width - 2 * pad) / spanX, (height - 2 * pad) / spanY)
        func x(_ lon: Double) -> String { String(format: "%.1f", pad + (lon - minLon) * squeeze * scale) }
        func y(_ lat: Double) -> String { String(format: "%.1f", height - pad - (lat - minLat) * scale) }
        var out = "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 \(Int(width)) \(Int(height))\" class=\"map\" role=\"img\"><title>\(Markup.escape(title))</title>"
        out += "<rect width=\"100%\" height=\"100%\" fill=\"#f8fafc\"/>"
        out += "<g stroke=\"#94a3b8\" stroke-width=\"0.5\" stroke-opacity=\"0.6\">"
        for v in visits { if let la = v.homeLat, let lo = v.homeLon { out += "<line x1=\"\(x(lo))\" y1=\"\(y(la))\" x2=\"\(x(v.lon))\" y2=\"\(y(v.lat))\"/>" } }
        out += "</g>"
        var homes = Set<String>()
        for v in visits {
            guard let la = v.homeLat, let lo = v.homeLon, homes.insert("\(la),\(lo)").inserted else { continue }
            out += "<rect x=\"\(x(lo))\" y=\"\(y(la))\" width=\"5\" height=\"5\" transform=\"translate(-2.5,-2.5)\" fill=\"#0f172a\"/>"
        }
        for v in visits {
            let colour = Self.colours[v.visitor]!
            if v.visitor == .none {
                out += "<path d=\"M\(x(v.lon)) \(y(v.lat)) m-3 -3 l6 6 m0 -6 l-6 6\" stroke=\"\(colour)\" stroke-width=\"1.5\"><title>\(Markup.escape(v.label))</title></path>"
            } else {
                out += "<circle cx=\"\(x(v.lon))\" cy=\"\(y(v.lat))\" r=\"2.2\" fill=\"\(colour)\"><title>\(Markup.escape(v.label))</title></circle>"
            }
        }
        return out + "</svg>"
    }
}
