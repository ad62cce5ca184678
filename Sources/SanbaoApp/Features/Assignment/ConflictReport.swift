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

    var coveredBySeveral: Int
    var coveredByNone: Int
    var overlaps: [Overlap]
    var uncovered: [String]

    init(instance: AssignmentInstance) {
        var groups: [[UUID]: (count: Int, examples: [String])] = [:]
        var uncovered: [String] = []
        var none = 0
        var several = 0
        for (e, enterprise) in instance.enterprises.enumerated() {
            let links = instance.links[e]
            if links.isEmpty {
                none += 1
                if uncovered.count < 20 { uncovered.append("\(enterprise.credit_code) \(enterprise.name)") }
            } else if links.count > 1 {
                several += 1
                let key = links.sorted { $0.uuidString < $1.uuidString }
                var entry = groups[key] ?? (0, [])
                entry.count += 1
                if entry.examples.count < 3 { entry.examples.append(enterprise.name) }
                groups[key] = entry
            }
        }
        coveredBySeveral = several
        coveredByNone = none
        self.uncovered = uncovered
        overlaps = groups.map { key, value in
            Overlap(units: key.map { instance.units[$0].map { "\($0.code) \($0.name)" } ?? $0.uuidString }.sorted(),
                    enterprises: value.count, examples: value.examples)
        }.sorted { ($0.enterprises, $1.units.joined()) > ($1.enterprises, $0.units.joined()) }
    }
}
