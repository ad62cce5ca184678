import Foundation
import SQLKit
import Vapor

/// The overlaps the "不交叉、不重复、不重叠" principle is about, listed before solving:
/// enterprises that several units cover (a territorial and a sectoral union, say) and those
/// that no unit covers. Overlaps are grouped by the set of units, largest first.
struct ConflictReport: Content {
    struct Overlap: Content {
        var units: [String]
        var enterprises: Int
        var examples: [String]
    }

    var coveredBySeveral, coveredByNone: Int
    var overlaps: [Overlap]
    var uncovered: [String]

    static func load(on sql: any SQLDatabase) async throws -> ConflictReport {
        struct Link: Decodable { var enterprise_id: UUID; var name: String; var unit: String }
        let links = try await sql.raw("""
            SELECT eu.enterprise_id, e.name, o.code || ' ' || o.name AS unit
            FROM enterprise_units eu JOIN enterprises e ON e.id = eu.enterprise_id JOIN org_units o ON o.id = eu.unit_id
            WHERE e.merged_into_id IS NULL AND eu.enterprise_id IN
                  (SELECT enterprise_id FROM enterprise_units GROUP BY enterprise_id HAVING COUNT(*) > 1)
            ORDER BY e.credit_code, unit
            """).all(decoding: Link.self)
        var unitsOf: [UUID: (name: String, units: [String])] = [:]
        var order: [UUID] = []
        for link in links {
            if unitsOf[link.enterprise_id] == nil { order.append(link.enterprise_id) }
            unitsOf[link.enterprise_id, default: (link.name, [])].units.append(link.unit)
        }
        var groups: [[String]: Overlap] = [:]
        for id in order {
            let (name, units) = unitsOf[id]!
            var overlap = groups[units] ?? Overlap(units: units, enterprises: 0, examples: [])
            overlap.enterprises += 1
            if overlap.examples.count < 3 { overlap.examples.append(name) }
            groups[units] = overlap
        }
        struct Uncovered: Decodable { var credit_code: String; var name: String; var total: Int }
        let uncovered = try await sql.raw("""
            SELECT e.credit_code, e.name, COUNT(*) OVER () AS total FROM enterprises e
            WHERE e.merged_into_id IS NULL AND NOT EXISTS (SELECT 1 FROM enterprise_units eu WHERE eu.enterprise_id = e.id)
            ORDER BY e.credit_code LIMIT 20
            """).all(decoding: Uncovered.self)
        return ConflictReport(coveredBySeveral: order.count, coveredByNone: uncovered.first?.total ?? 0,
                              overlaps: groups.values.sorted { ($0.enterprises, $1.units.joined()) > ($1.enterprises, $0.units.joined()) },
                              uncovered: uncovered.map { "\($0.credit_code) \($0.name)" })
    }
}
