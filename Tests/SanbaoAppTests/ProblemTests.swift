import Fluent
import Foundation
import SanbaoDomain
import SQLKit
import Testing
import VaporTesting
@testable import SanbaoApp

@Suite struct ProblemTests {
    static func step(_ client: inout TestClient, _ id: UUID, _ step: String, _ json: String) async throws -> TestingHTTPResponse {
        try await client.send(.POST, "/api/v1/problems/\(id.uuidString)/\(step)", json: json)
    }

    @Test(arguments: TestDatabase.all) func aWageArrearsProblemGoesRoundTheLedger(_ db: TestDatabase) async throws {
        try await withApp(db) { app in
            try await Fixture.load(app)
            _ = try await UserService(app: app, db: app.db, principal: .system("test")).create(
                UserInput(username: "jxadmin", displayName: "机械冶金工会管理员", unitCode: "IND-JX", roles: ["unit_admin"],
                          password: Fixture.password, phone: nil))
            var cadre = TestClient(app, bearer: try await Fixture.token(app, "A001"))
            let receipt = try (try await VisitTests.post(&cadre, key: "phone-a001-ledger", VisitTests.body())).content.decode(VisitReceipt.self)
            let id = try #require(receipt.problem_ids.first)

            // Reported with its deadline: three working days on the official calendar.
            var district = TestClient(app, bearer: try await Fixture.token(app, "adminA"))
            var office = TestClient(app, bearer: try await Fixture.token(app, "office"))
            var industry = TestClient(app, bearer: try await Fixture.token(app, "jxadmin"))
            var sibling = TestClient(app, bearer: try await Fixture.token(app, "adminB"))
            let rules = try await ProblemRules.current(app, app.db)
            let reported = try (try await district.send(.GET, "/api/v1/problems/\(id.uuidString)")).content.decode(ProblemService.DTO.self)
            let today = ProblemRules.today()
            #expect(reported.problem.status == "reported" && reported.problem.reported_on == today.description)
            #expect(reported.problem.deadline == rules.calendar.adding(workingDays: 3, to: today).description)
            #expect(try await sibling.send(.GET, "/api/v1/problems/\(id.uuidString)").status == .notFound)

            // The district takes it, then gives it back as not its own; the office sends it to the industry union.
            #expect(try await Self.step(&district, id, "dispatch", #"{"revision": 1, "unit": "340104"}"#).status == .ok)
            #expect(try await Self.step(&industry, id, "accept", #"{"revision": 2}"#).status == .notFound, "not theirs yet: not even visible")
            let noReason = try await Self.step(&district, id, "give-back", #"{"revision": 2, "reason": " "}"#)
            #expect(noReason.status == .conflict && noReason.body.string.contains("退回须说明理由"), "\(noReason.body.string)")
            #expect(try await Self.step(&district, id, "give-back", #"{"revision": 2, "reason": "属机械行业，应由产业工会办理"}"#).status == .ok)
            #expect(try await Self.step(&office, id, "dispatch", #"{"revision": 3, "unit": "IND-JX"}"#).status == .ok)
            // Stale revision, and a step that makes no sense now, are refused with reasons.
            #expect(try await Self.step(&industry, id, "accept", #"{"revision": 3}"#).status == .conflict)
            #expect(try await Self.step(&industry, id, "resolve", #"{"revision": 4, "summary": "已解决"}"#).status == .conflict)
            #expect(try await Self.step(&industry, id, "accept", #"{"revision": 4}"#).status == .ok)
            // One extension, asked by the industry union, decided above it.
            #expect(try await Self.step(&industry, id, "request-extension", #"{"revision": 5, "days": 2, "reason": "需人社部门立案调查"}"#).status == .ok)
            #expect(try await Self.step(&industry, id, "approve-extension", #"{"revision": 6}"#).status == .forbidden)
            let extended = try (try await Self.step(&office, id, "approve-extension", #"{"revision": 6, "note": "同意"}"#)).content.decode(ProblemService.DTO.self)
            #expect(extended.problem.original_deadline == reported.problem.deadline && extended.problem.extension_state == "approved")
            #expect(extended.problem.deadline == rules.calendar.adding(workingDays: 5, to: today).description)
            #expect(try await Self.step(&industry, id, "request-extension", #"{"revision": 7, "days": 2, "reason": "再延"}"#).status == .conflict)
            #expect(try await Self.step(&industry, id, "refer", #"{"revision": 7, "department": "市人社局劳动保障监察支队", "reply_by": "2026-12-31", "note": "已移送立案"}"#).status == .ok)
            let first = try (try await Self.step(&industry, id, "resolve", #"{"revision": 8, "summary": "企业已补发两个月工资"}"#)).content.decode(ProblemService.DTO.self)
            #expect(first.problem.status == "resolved" && first.problem.first_resolved_on == today.description && first.problem.first_on_time == true)

            // The callback: unsatisfied reopens it as rework; resolved again and called back satisfied, it closes.
            #expect(try await Self.step(&industry, id, "callback", #"{"revision": 9, "satisfaction": "satisfied"}"#).status == .forbidden)
            let reopened = try (try await Self.step(&office, id, "callback", #"{"revision": 9, "satisfaction": "unsatisfied", "note": "仍有一名职工未拿到"}"#))
                .content.decode(ProblemService.DTO.self)
            #expect(reopened.problem.status == "in_progress" && reopened.problem.rework_count == 1 && reopened.problem.first_on_time == true)
            #expect(try await Self.step(&industry, id, "resolve", #"{"revision": 10, "summary": "剩余一名职工工资已补发"}"#).status == .ok)
            let closed = try (try await Self.step(&office, id, "callback", #"{"revision": 11, "satisfaction": "basically_satisfied"}"#))
                .content.decode(ProblemService.DTO.self)
            #expect(closed.problem.status == "closed" && closed.problem.satisfaction == "basically_satisfied" && closed.problem.rework_count == 1)
            #expect(closed.timeline.map(\.step) == ["dispatch", "give_back", "dispatch", "accept", "request_extension", "approve_extension",
                                                     "refer", "resolve", "callback", "resolve", "callback"])
            #expect(closed.timeline[2].unit_code == "IND-JX" && closed.timeline[6].department == "市人社局劳动保障监察支队")
            #expect(closed.timeline.compactMap(\.satisfaction) == ["unsatisfied", "basically_satisfied"])
            struct N: Decodable { var n: Int }
            #expect(try await app.db.sql.raw("SELECT COUNT(*) AS n FROM audit_events WHERE action LIKE 'problem.%'")
                .first(decoding: N.self)?.n == 11)
            // The figures move with it: received once, resolved on time the first time, reworked once, one of two callbacks satisfied.
            let root = try #require(try await OrgUnit.query(on: app.db).filter(\.$code == "3401").first())
            let system = ProblemService(app: app, db: app.db, principal: .system("test"))
            let figures = try await system.figures(under: root.path, rules: rules, today: ProblemRules.today())
            #expect(figures.received == 1 && figures.resolved == 1 && figures.resolvedOnTime == 1 && figures.overdueNow == 0)
            #expect(figures.reworked == 1 && figures.callbacks == 2 && figures.satisfiedCallbacks == 1 && figures.satisfactionRate == 0.5)
            let industryUnit = try #require(try await OrgUnit.query(on: app.db).filter(\.$code == "IND-JX").first())
            #expect(try await system.figures(under: industryUnit.path, rules: rules, today: ProblemRules.today()).received == 1)
            let districtUnit = try #require(try await OrgUnit.query(on: app.db).filter(\.$code == "340104").first())
            #expect(try await system.figures(under: districtUnit.path, rules: rules, today: ProblemRules.today()).received == 0,
                    "given back: the district is not responsible")
            // Each side's list holds it; the sibling district's does not.
            #expect(try await industry.send(.GET, "/api/v1/problems").body.string.contains(id.uuidString))
            #expect(!(try await sibling.send(.GET, "/api/v1/problems").body.string.contains(id.uuidString)))
        }
    }

    @Test(arguments: TestDatabase.all) func theScanRemindsThenEscalatesUpTheTreeOnce(_ db: TestDatabase) async throws {
        try await withApp(db) { app in
            try await Fixture.load(app)
            var cadre = TestClient(app, bearer: try await Fixture.token(app, "A001"))
            let receipt = try (try await VisitTests.post(&cadre, key: "phone-a001-scan", VisitTests.body())).content.decode(VisitReceipt.self)
            let id = try #require(receipt.problem_ids.first)
            var district = TestClient(app, bearer: try await Fixture.token(app, "adminA"))
            #expect(try await Self.step(&district, id, "dispatch", #"{"revision": 1, "unit": "340104001"}"#).status == .ok)
            #expect(try await Self.step(&district, id, "accept", #"{"revision": 2}"#).status == .ok)
            let problem = try (try await district.send(.GET, "/api/v1/problems/\(id.uuidString)")).content.decode(ProblemService.DTO.self).problem
            let deadline = try #require(problem.deadline.flatMap(Day.init))
            let calendar = try await ProblemRules.current(app, app.db).calendar
            let scan = ProblemScan(app: app, db: app.db)
            func day(_ n: Int) -> Day {   // n working days after the deadline (n < 0: before it)
                var d = deadline
                var left = abs(n)
                while left > 0 { d = d.adding(n < 0 ? -1 : 1); if calendar.isWorkingDay(d) { left -= 1 } }
                return d
            }
            #expect(try await scan.run(today: day(-1)) == .init(dueTomorrow: 1))
            #expect(try await scan.run(today: day(0)) == .init(dueToday: 1))
            #expect(try await scan.run(today: day(1)) == .init(overdue: 1))
            #expect(try await scan.run(today: day(2)) == .init(escalated: 1))
            #expect(try await scan.run(today: day(2)) == .init(), "twice in a day changes nothing")
            #expect(try await scan.run(today: day(4)) == .init(escalated: 1))
            #expect(try await scan.run(today: day(8)) == .init(), "the office is as high as it goes")

            struct Notice: Decodable { var code: String; var kind: String }
            let notices = try await app.db.sql.raw("""
                SELECT o.code, n.kind FROM notifications n JOIN org_units o ON o.id = n.unit_id ORDER BY n.day, n.id
                """).all(decoding: Notice.self).map { "\($0.code) \($0.kind)" }
            #expect(notices == ["340104001 due_tomorrow", "340104001 due_today", "340104001 overdue", "340104 escalated", "3401 escalated"])
            let after = try (try await district.send(.GET, "/api/v1/problems/\(id.uuidString)")).content.decode(ProblemService.DTO.self)
            #expect(after.problem.escalation_level == 2)
            #expect(after.timeline.filter { $0.step == "escalate" }.map { $0.unit_code ?? "" } == ["340104", "3401"])
            // The district sees it among what came up to it.
            var page = TestClient(app)
            try await page.signIn("adminA")
            let escalated = try await page.send(.GET, "/problems?view=escalated")
            #expect(escalated.status == .ok && escalated.body.string.contains("合肥华源机械有限公司"))
            // Each level sees what came up to it: at level 1 the district did, the city not yet.
            try await app.db.sql.raw("UPDATE problems SET escalation_level = 1 WHERE id = \(bind: id)").run()
            let office = ProblemService(app: app, db: app.db, principal: try await CalendarTests.principal(app, "office"))
            let admin = ProblemService(app: app, db: app.db, principal: try await CalendarTests.principal(app, "adminA"))
            #expect(try await admin.store.list(PageRequest(), status: nil, view: .escalated).total == 1)
            #expect(try await office.store.list(PageRequest(), status: nil, view: .escalated).total == 0)
            // The cadre's own list is what they reported.
            let reporter = ProblemService(app: app, db: app.db, principal: try await CalendarTests.principal(app, "A001"))
            #expect(try await reporter.store.list(PageRequest(), status: nil, view: .mine).items.map(\.id) == [id])
            #expect(try await admin.store.list(PageRequest(), status: nil, view: .mine).total == 0)
        }
    }

    @Test(arguments: TestDatabase.all) func theOfficeSetsTheWorkingDaysForProblemsToCome(_ db: TestDatabase) async throws {
        try await withApp(db) { app in
            try await Fixture.load(app)
            var office = TestClient(app)
            try await office.signIn("office")
            try await office.open("/problem-settings")
            var form = Dictionary(uniqueKeysWithValues: ProblemCategory.allCases.map { ("days.\($0.rawValue)", "\($0.defaultWorkingDays)") })
            for category in ProblemCategory.allCases where category.pausesOnReferral { form["pause.\(category.rawValue)"] = "1" }
            for (key, _) in LedgerThresholds.keys { form["threshold.\(key)"] = "\(LedgerThresholds.standard[key]!)" }
            form["days.wage_arrears"] = "5"
            #expect(try await office.send(.POST, "/problem-settings", form: form).status == .seeOther)
            form["days.safety"] = "0"
            #expect(try await office.send(.POST, "/problem-settings", form: form).status == .unprocessableEntity)
            var admin = TestClient(app)
            try await admin.signIn("adminA")
            try await admin.open("/problem-settings")
            #expect(try await admin.send(.POST, "/problem-settings", form: ["days.wage_arrears": "1"]).status == .forbidden)

            var cadre = TestClient(app, bearer: try await Fixture.token(app, "A001"))
            let receipt = try (try await VisitTests.post(&cadre, key: "phone-a001-settings", VisitTests.body())).content.decode(VisitReceipt.self)
            var api = TestClient(app, bearer: try await Fixture.token(app, "adminA"))
            let problem = try (try await api.send(.GET, "/api/v1/problems/\(receipt.problem_ids[0].uuidString)")).content.decode(ProblemService.DTO.self)
            let rules = try await ProblemRules.current(app, app.db)
            #expect(rules.workingDays[.wageArrears] == 5 && rules.workingDays[.safety] == 3)
            #expect(problem.problem.deadline == rules.calendar.adding(workingDays: 5, to: ProblemRules.today()).description)
            struct N: Decodable { var n: Int }
            #expect(try await app.db.sql.raw("SELECT COUNT(*) AS n FROM audit_events WHERE action = 'problem.settings'")
                .first(decoding: N.self)?.n == 1, "only wage arrears changed")
        }
    }

    @Test func overdueCountsWorkingDaysPastTheDeadlineWhileOpen() throws {
        let rules = ProblemRules(calendar: WorkingCalendar([.init(day: Day("2026-10-01")!, kind: .holiday, name: "国庆节")]),
                                 workingDays: [:], pausesOnReferral: [:])
        var row = ProblemService.Row(id: UUID(), category: "wage_arrears", description: "", severity: "high", status: "accepted",
                                     enterprise_code: "", enterprise_name: "", reporter_unit_code: "", reporter_unit_name: "", reporter_unit_id: UUID(),
                                     reporter_unit_path: "/", responsible_unit_code: nil, responsible_unit_name: nil, responsible_unit_id: nil,
                                     responsible_unit_path: nil,
                                     reported_on: "2026-09-25", deadline: "2026-09-30", rework_count: 0, first_resolved_on: nil,
                                     first_on_time: nil, resolved_on: nil, satisfaction: nil, revision: 1, visit_id: nil,
                                     escalation_level: 0)
        #expect(ProblemService.overdueDays(row, rules: rules, today: Day("2026-10-02")!) == 1)   // 1 Oct a holiday
        #expect(ProblemService.overdueDays(row, rules: rules, today: Day("2026-09-30")!) == 0)
        row.status = "resolved"
        #expect(ProblemService.overdueDays(row, rules: rules, today: Day("2026-10-09")!) == 0)
    }
}
