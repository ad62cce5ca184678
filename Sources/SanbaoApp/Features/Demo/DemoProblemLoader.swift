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
        let sql = app.db.sql
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
            let reported = ShanghaiTime.day(p.finished_at)
            try await sql.raw("""
                UPDATE problems SET reported_on = \(bind: reported.description),
                deadline = \(bind: rules.deadline(category, from: reported).description) WHERE id = \(bind: p.id)
                """).run()
            // The district or industry union: the second level of the reporting unit's path.
            let path = UnitPath(p.path)
            guard path.depth >= 1, let district = codeByPath[path.prefix(2).text] else { continue }
            let roll = rng.int(1...20)
            var steps: [(ProblemService.Action, Int)] = []
            if roll > 1 { steps.append((.dispatch(unitCode: district), 0)) }                 // one in twenty not handed out yet
            if roll > 3 { steps.append((.accept, rng.int(0...1))) }
            if roll > 3 && roll <= 7 && category.pausesOnReferral {                            // waiting on a department
                steps.append((.refer(department: rng.pick(["市地方金融监管局", "市人社局劳动保障监察支队", "市法律援助中心"]), replyBy: nil,
                                     note: "已移交协调"), 1))
            }
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
                            guard ShanghaiTime.day(at) <= today else { break }
                            clock = at
                            revision = try await service.step(request, on: p.id, revision: revision, now: at)
                        }
                    }
                }
                try await group.waitForAll()
            }
        }
        try await supervise(app, rules: rules, today: today)
    }

    /// The office supervises the three problems longest overdue (one has reported back), and
    /// opens a special inspection on this week's top hotspot.
    private static func supervise(_ app: Application, rules: ProblemRules, today: Day) async throws {
        let office = SupervisionService(app: app, db: app.db, principal: .system("demo"))
        struct Late: Decodable { var id: UUID; var category: String; var name: String }
        let late = try await app.db.sql.raw("""
            SELECT p.id, p.category, e.name FROM problems p JOIN enterprises e ON e.id = p.enterprise_id
            WHERE \(unsafeRaw: ProblemStore.open) AND p.responsible_unit_id IS NOT NULL AND p.paused_since IS NULL
              AND p.deadline < \(bind: today.description)
            ORDER BY p.deadline, p.id LIMIT 3
            """).all(decoding: Late.self)
        let deadline = rules.calendar.adding(workingDays: 3, to: today)
        for (n, p) in late.enumerated() {
            let title = "督办：\(ProblemCategory(rawValue: p.category)?.chineseName ?? p.category) · \(p.name)"
            let order = try await office.issue(.init(kind: .problem, title: title, instruction: "请于督办时限前办结并书面报告办理情况",
                                                     deadline: deadline, problemIDs: [p.id]))
            if n == 0 { _ = try await office.step(.report, on: order, revision: 1, note: "已约谈企业负责人，制定了整改计划") }
        }
        let problems = ProblemService(app: app, db: app.db, principal: .system("demo"))
        if let top = try await problems.store.hotspots(by: .district, week: Hotspots.weekStart(of: today)).first, let area = top.unitCode,
           let category = ProblemCategory(rawValue: top.category) {
            _ = try await office.issue(.init(kind: .special, title: "\(top.place)\(category.chineseName)专项督查",
                                             instruction: "对本区域该类问题逐件核查，限期办结", deadline: rules.calendar.adding(workingDays: 10, to: today),
                                             category: category, areaUnitCode: area))
        }
    }
}
