import Foundation
import SanbaoDomain
import SQLKit

extension ProblemService {
    enum HotspotPlace: String, Sendable, CaseIterable {
        /// The county or district (the first six digits of the enterprise's division code).
        case district
        /// The industry (section and two digits of the enterprise's industry code).
        case industry
    }

    struct HotspotRow: Codable {
        var category, place: String
        /// The unit that answers for the place: the district's union, or the industry union
        /// that covers the industry (nil when none does).
        var unitCode: String?
        var current, previous, change: Int
    }

    /// This week's rising cells among the problems the principal sees, by area or industry.
    func hotspots(by place: HotspotPlace, week: Day, top: Int = 10) async throws -> [HotspotRow] {
        let previousWeek = week.adding(-7)
        let key = place == .district ? "SUBSTR(e.division_code, 1, 6)" : "SUBSTR(e.industry_code, 1, 3)"
        struct Count: Decodable { var category: String; var place: String; var current: Int; var previous: Int }
        let counts = try await sql.raw("""
            SELECT p.category, \(unsafeRaw: key) AS place,
                   SUM(CASE WHEN p.reported_on >= \(bind: week.description) THEN 1 ELSE 0 END) AS current,
                   SUM(CASE WHEN p.reported_on < \(bind: week.description) THEN 1 ELSE 0 END) AS previous
            FROM problems p JOIN enterprises e ON e.id = p.enterprise_id JOIN org_units ru ON ru.id = p.unit_id
            LEFT JOIN org_units su ON su.id = p.responsible_unit_id
            WHERE p.reported_on >= \(bind: previousWeek.description) AND p.reported_on <= \(bind: week.adding(6).description)
              AND p.status <> 'merged' AND \(visible)
            GROUP BY p.category, \(unsafeRaw: key)
            """).all(decoding: Count.self)
        var current: [HotspotCell: Int] = [:]
        var previous: [HotspotCell: Int] = [:]
        for c in counts {
            let cell = HotspotCell(category: c.category, place: c.place)
            current[cell] = c.current
            previous[cell] = c.previous
        }
        let rising = Hotspots.rising(current: current, previous: previous, top: top)
        let names = try await placeNames(place, Set(rising.map(\.cell.place)))
        return rising.map {
            HotspotRow(category: $0.cell.category, place: names[$0.cell.place]?.name ?? $0.cell.place, unitCode: names[$0.cell.place]?.code,
                       current: $0.current, previous: $0.previous, change: $0.change)
        }
    }

    /// Each place's name and the unit that answers for it.
    private func placeNames(_ place: HotspotPlace, _ keys: Set<String>) async throws -> [String: (name: String, code: String)] {
        guard !keys.isEmpty else { return [:] }
        struct Unit: Decodable { var code: String; var name: String; var territory: String; var sectors: String }
        switch place {
        case .district:
            let units = try await sql.raw("""
                SELECT code, name, territory, sectors FROM org_units WHERE territory IN \(SQLBind.group(Array(keys))) AND sectors = ''
                  AND retired_at IS NULL ORDER BY depth
                """).all(decoding: Unit.self)
            var names: [String: (String, String)] = [:]
            for u in units where names[u.territory] == nil { names[u.territory] = (u.name, u.code) }
            return names
        case .industry:
            let unions = try await sql.raw("""
                SELECT code, name, territory, sectors FROM org_units WHERE sectors <> '' AND retired_at IS NULL ORDER BY depth, code
                """).all(decoding: Unit.self)
            var names: [String: (String, String)] = [:]
            for key in keys {
                guard let industry = IndustryCode(parsing: key) else { continue }
                if let union = unions.first(where: { u in u.sectors.split(separator: ";").compactMap { IndustryCode(parsing: String($0)) }
                    .contains { $0.covers(industry) } }) {
                    names[key] = ("\(union.name)（\(key)）", union.code)
                }
            }
            return names
        }
    }
}
