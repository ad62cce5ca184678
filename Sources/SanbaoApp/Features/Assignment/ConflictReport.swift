import Foundation
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

    static func load(from store: AssignmentStore) async throws -> ConflictReport {
        let links = try await store.overlapLinks()
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
        let uncovered = try await store.uncovered()
        return ConflictReport(coveredBySeveral: order.count, coveredByNone: uncovered.first?.total ?? 0,
                              overlaps: groups.values.sorted { ($0.enterprises, $1.units.joined()) > ($1.enterprises, $0.units.joined()) },
                              uncovered: uncovered.map { "\($0.credit_code) \($0.name)" })
    }
}
