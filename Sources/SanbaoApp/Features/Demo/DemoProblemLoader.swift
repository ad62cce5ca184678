import Fluent
import Foundation
import SanbaoDomain
import SQLKit
import Vapor

/// The demo's problems as a ledger a few weeks in: each dated from its visit, most handed to the
/// district or industry union above the unit that reported it, many solved (some late, some
/// reworked after an unsatisfied callback), others still open — a share of them past their
/// deadline. Every step goes through the ledger's own service, dated when it would have happened.
enum DemoProblemLoader {
    static func load(_ app: Application, seed: UInt64) async throws {
        let sql = app.db as! any SQLDatabase
        let rules = try await ProblemRules.current(app, app.db)
        struct Found: Decodable { var id: UUID; var category: String; var finished_at: Date; var path: String }
        let found = try await sql.raw("""
            SELECT p.id, p.category, v.finished_at, o.path FROM problems p JOIN visits v ON v.id = p.visit_id
            JOIN org_units o ON o.id = p.unit_id ORDER BY p.id
            """).all(decoding: Found.self)
        struct Unit: Decodable { var code: String; var path: String }
        let codeByPath = Dictionary(try await sql.raw("SELECT code, path FROM org_units").all(decoding: Unit.self).map { ($0.path, $0.code) },
                                    uniquingKeysWith: { a, _ in a })
        let service = ProblemService(app: app, db: app.db, principal: .system("demo"))
        let today = ProblemRules.today()
        var rng = SeededRandom(seed: seed &+ 11)
        // Drawn in order first, so the demo is the same every time however the walks interleave.
        var plans: [(Found, String, [(ProblemService.Action, Int)])] = []
        for p in found {
            let category = ProblemCategory(rawValue: p.category) ?? .other
            let reported = Day(p.finished_at, in: ProblemRules.zone)
            try await sql.raw("""
                UPDATE problems SET reported_on = \(bind: reported.description),
                deadline = \(bind: rules.deadline(category, from: reported).description) WHERE id = \(bind: p.id)
                """).run()
            // The district or industry union: the second level of the reporting unit's path.
            let parts = p.path.split(separator: "/")
            guard parts.count >= 2, let district = codeByPath["/" + parts.prefix(2).joined(separator: "/") + "/"] else { continue }
            let roll = rng.int(1...20)
            var steps: [(ProblemService.Action, Int)] = []
            if roll > 1 { steps.append((.dispatch(unitCode: district), 0)) }                 // one in twenty not handed out yet
            if roll > 3 { steps.append((.accept, rng.int(0...1))) }
            if roll > 7 {                                                                      // the rest open, some overdue
                steps.append((.note(rng.pick(["已约谈企业负责人", "已上门了解情况", "已与人社部门沟通"])), 1))
                steps.append((.resolve(summary: rng.pick(["企业已整改", "已协调解决", "已落实帮扶措施"])),
                              rng.int(1...(rules.workingDays[category] ?? 5) + 4)))
            }
            if roll > 9 && roll <= 11 {
                steps.append((.callback(.unsatisfied, note: "职工反映仍未完全解决"), 1))
                steps.append((.resolve(summary: "再次协调后已解决"), rng.int(1...4)))
            }
            if roll > 9 { steps.append((.callback(rng.int(1...4) == 1 ? .basicallySatisfied : .satisfied, note: ""), 1)) }
            plans.append((p, district, steps))
        }
        // Each problem's steps in order, dated as they would have happened; several problems at once.
        for slice in stride(from: 0, to: plans.count, by: 8) {
            try await withThrowingTaskGroup(of: Void.self) { group in
                for (p, _, steps) in plans[slice..<min(slice + 8, plans.count)] {
                    group.addTask {
                        var clock = p.finished_at.addingTimeInterval(3_600)
                        var revision = 1
                        for (request, days) in steps {
                            let at = clock.addingTimeInterval(Double(days) * 86_400)
                            guard Day(at, in: ProblemRules.zone) <= today else { break }
                            clock = at
                            revision = try await service.step(request, on: p.id, revision: revision, now: at)
                        }
                    }
                }
                try await group.waitForAll()
            }
        }
    }
}
