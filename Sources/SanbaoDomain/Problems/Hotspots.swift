/// Hotspots (热点难点): problems counted by category × place (an area or an industry) for a
/// week, against the week before. A cell that rose most is a hotspot; a cell new this week
/// with several problems rises by all of them.
public struct HotspotCell: Sendable, Hashable {
    public var category: String
    /// An area's division code (县区) or an industry's code, as the query grouped them.
    public var place: String

    public init(category: String, place: String) {
        self.category = category
        self.place = place
    }
}

public struct Hotspot: Sendable, Equatable {
    public var cell: HotspotCell
    public var current, previous: Int
    public var change: Int { current - previous }
}

public enum Hotspots {
    /// The cells that rose, most first (ties: more problems this week, then by name so the
    /// order is stable), at most `top` of them.
    public static func rising(current: [HotspotCell: Int], previous: [HotspotCell: Int], top: Int) -> [Hotspot] {
        current.map { Hotspot(cell: $0.key, current: $0.value, previous: previous[$0.key] ?? 0) }
            .filter { $0.change > 0 }
            .sorted {
                ($0.change, $0.current) != ($1.change, $1.current) ? ($0.change, $0.current) > ($1.change, $1.current)
                    : ($0.cell.category, $0.cell.place) < ($1.cell.category, $1.cell.place)
            }
            .prefix(top).map { $0 }
    }

    /// The Monday that starts `day`'s week.
    public static func weekStart(of day: Day) -> Day { day.adding(1 - day.weekday) }
}
