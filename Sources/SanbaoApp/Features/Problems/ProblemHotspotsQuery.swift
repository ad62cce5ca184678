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

    struct HotspotRow: Encodable {
        var category: String
        var place: String
        /// The unit that answers for the place: the district's union, or the industry union
        /// that covers the industry (nil when none does).
        var unitCode: String?
        var current: Int
        var previous: Int
        var change: Int
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

    struct MergeProposal: Encodable {
        var enterprise: String
        var category: String
        var problems: Int
        /// The latest report: its page proposes merging it into the others.
        var latest: UUID
    }

    /// Reports of the past week that repeat an open problem of the same enterprise and category
    /// reported within the office's window: one line per enterprise and category. (Two
    /// problems about two named workers — two families' hardship — are two matters, never
    /// proposed.) Older repeats are proposed on the problem's own page.
    func mergeProposals(windowDays: Int, today: Day = ProblemRules.today(), limit: Int = 20) async throws -> [MergeProposal] {
        struct Report: Decodable {
            var id: UUID; var enterprise: String; var category: String; var reported_on: String?; var earlier: String?; var others: Int
        }
        let others = "FROM problems q WHERE q.enterprise_id = p.enterprise_id AND q.category = p.category AND q.id <> p.id " +
            "AND q.status NOT IN ('closed', 'merged') AND \(Self.sameWorker)"
        let recent = try await sql.raw("""
            SELECT p.id, e.name AS enterprise, p.category, p.reported_on,
                   (SELECT MAX(q.reported_on) \(unsafeRaw: others) AND q.reported_on <= p.reported_on) AS earlier,
                   (SELECT COUNT(*) \(unsafeRaw: others)) AS others
            FROM problems p JOIN enterprises e ON e.id = p.enterprise_id
            WHERE p.reported_on >= \(bind: today.adding(-7).description) AND p.status NOT IN ('closed', 'merged') AND \(visible)
              AND EXISTS (SELECT 1 \(unsafeRaw: others))
            ORDER BY p.reported_on DESC, p.id LIMIT 500
            """).all(decoding: Report.self)
        var seen = Set<String>()
        var proposals: [MergeProposal] = []
        for r in recent where proposals.count < limit {
            // Close enough: the earlier report within the window (a later one is proposed from its own page).
            guard let day = r.reported_on.flatMap(Day.init), let earlier = r.earlier.flatMap(Day.init),
                  day.ordinal - earlier.ordinal <= windowDays, seen.insert(r.enterprise + r.category).inserted else { continue }
            proposals.append(MergeProposal(enterprise: r.enterprise, category: r.category, problems: r.others + 1, latest: r.id))
        }
        return proposals
    }
}
