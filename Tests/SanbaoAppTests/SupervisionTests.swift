import Fluent
import Foundation
import SanbaoDomain
import SQLKit
import Testing
import VaporTesting
@testable import SanbaoApp

/// Supervision orders, merging, the referral pause, the office's thresholds and hotspots.
@Suite struct SupervisionTests {
    static func report(_ app: Application, _ username: String, category: String = "wage_arrears", enterprise: String = Fixture.enterpriseA,
                       on day: String) async throws -> UUID {
        let s = ProblemService(app: app, db: app.db, principal: try await CalendarTests.principal(app, username))
        return try await s.report(.init(enterpriseCode: enterprise, category: category, description: "职工反映：\(category)", severity: "high"),
                                  now: LedgerStoryTests.at(day))
    }

    @Test(arguments: TestDatabase.all) func ordersGoDownTheTreeAndComeBackWithAReport(_ db: TestDatabase) async throws {
        try await withApp(db) { app in
            try await Fixture.load(app)
            var office = TestClient(app, bearer: try await Fixture.token(app, "office"))
            var district = TestClient(app, bearer: try await Fixture.token(app, "adminA"))
            var sibling = TestClient(app, bearer: try await Fixture.token(app, "adminB"))
            let created = try await office.send(.POST, "/api/v1/problems",
                                                json: #"{"enterprise": "\#(Fixture.enterpriseA)", "category": "wage_arrears", "severity": "high", "description": "拖欠工资"}"#)
            #expect(created.status == .created)
            let id = try created.content.decode(ProblemService.DTO.self).problem.id
            let bad = try await office.send(.POST, "/api/v1/problems", json: #"{"enterprise": "nope", "category": "weather", "description": ""}"#)
            #expect(bad.status == .unprocessableEntity && bad.body.string.contains("enterprise") && bad.body.string.contains("category"))
            #expect(try await ProblemTests.step(&office, id, "dispatch", #"{"revision": 1, "unit": "340104"}"#).status == .ok)

            // The district cannot supervise itself; a sibling cannot see the problem; the office can.
            let deadline = ProblemRules.today().adding(7).description
            let body = #"{"kind": "problem", "title": "督办欠薪", "instruction": "五日内报告", "deadline": "\#(deadline)", "problem_ids": ["\#(id.uuidString)"]}"#
            #expect(try await district.send(.POST, "/api/v1/supervision", json: body).status == .forbidden)
            #expect(try await sibling.send(.POST, "/api/v1/supervision", json: body).status == .notFound)
            let past = try await office.send(.POST, "/api/v1/supervision", json: body.replacingOccurrences(of: deadline, with: "2020-01-01"))
            #expect(past.status == .unprocessableEntity && past.body.string.contains("deadline"))
            let issued = try await office.send(.POST, "/api/v1/supervision", json: body)
            #expect(issued.status == .created, "\(issued.body.string)")
            let order = try issued.content.decode(SupervisionService.DTO.self)
            #expect(order.order.target_unit_code == "340104" && order.order.status == "open" && order.problems.map(\.id) == [id])

            // The district sees it to report on; the sibling does not see it at all.
            #expect(try await district.send(.GET, "/api/v1/supervision?view=to_report").body.string.contains(order.order.id.uuidString))
            #expect(try await sibling.send(.GET, "/api/v1/supervision/\(order.order.id.uuidString)").status == .notFound)
            let oid = order.order.id.uuidString
            #expect(try await office.send(.POST, "/api/v1/supervision/\(oid)/report", json: #"{"revision": 1, "note": "x"}"#).status == .ok,
                    "the office is above everyone, so it may report for the target")
            #expect(try await office.send(.POST, "/api/v1/supervision/\(oid)/send-back", json: #"{"revision": 2}"#).status == .unprocessableEntity)
            #expect(try await office.send(.POST, "/api/v1/supervision/\(oid)/send-back", json: #"{"revision": 2, "note": "报告太简略"}"#).status == .ok)
            #expect(try await district.send(.POST, "/api/v1/supervision/\(oid)/close", json: #"{"revision": 3}"#).status == .forbidden)
            #expect(try await district.send(.POST, "/api/v1/supervision/\(oid)/report", json: #"{"revision": 3, "note": "已约谈企业负责人，工资已发放"}"#).status == .ok)
            let closed = try (try await office.send(.POST, "/api/v1/supervision/\(oid)/close", json: #"{"revision": 4}"#)).content
                .decode(SupervisionService.DTO.self)
            #expect(closed.order.status == "closed" && closed.timeline.map(\.step) == ["issue", "report", "send-back", "report", "close"])
            #expect(try await district.send(.POST, "/api/v1/supervision/\(oid)/report", json: #"{"revision": 5, "note": "再报"}"#).status == .conflict)
            struct N: Decodable { var n: Int }
            #expect(try await app.db.sql.raw("SELECT COUNT(*) AS n FROM audit_events WHERE action LIKE 'supervision.%'")
                .first(decoding: N.self)?.n == 5)
            // The problem's page names the order.
            var officePages = TestClient(app)
            try await officePages.signIn("office")
            #expect(try await officePages.send(.GET, "/problems/\(id.uuidString)").body.string.contains("督办欠薪"))
        }
    }

    @Test(arguments: TestDatabase.all) func eitherSideAddsEvidenceThatOnlyItsSidesSee(_ db: TestDatabase) async throws {
        try await withApp(db) { app in
            try await Fixture.load(app)
            let id = try await Self.report(app, "A001", on: ProblemRules.today().description)
            var office = TestClient(app, bearer: try await Fixture.token(app, "office"))
            #expect(try await ProblemTests.step(&office, id, "dispatch", #"{"revision": 1, "unit": "340104"}"#).status == .ok)
            var district = TestClient(app, bearer: try await Fixture.token(app, "adminA"))
            var sibling = TestClient(app, bearer: try await Fixture.token(app, "adminB"))
            let added = try await district.send(.POST, "/api/v1/problems/\(id.uuidString)/evidence", bytes: VisitTests.photo,
                                                headers: ["Content-Type": "image/jpeg"])
            #expect(added.status == .created, "\(added.body.string)")
            let sha = try added.content.decode(ProblemService.EvidenceDTO.self).sha256
            #expect(try await district.send(.POST, "/api/v1/problems/\(id.uuidString)/evidence", bytes: VisitTests.photo,
                                            headers: ["Content-Type": "image/jpeg"]).status == .created, "the same photo again: kept once")
            let bad = try await district.send(.POST, "/api/v1/problems/\(id.uuidString)/evidence", bytes: Array("not a photo".utf8),
                                              headers: ["Content-Type": "image/jpeg"])
            #expect(bad.status == .unprocessableEntity && bad.body.string.contains("photo"))
            #expect(try await sibling.send(.POST, "/api/v1/problems/\(id.uuidString)/evidence", bytes: VisitTests.photo,
                                           headers: ["Content-Type": "image/jpeg"]).status == .notFound)
            let detail = try (try await office.send(.GET, "/api/v1/problems/\(id.uuidString)")).content.decode(ProblemService.DTO.self)
            #expect(detail.evidence.map(\.sha256) == [sha] && detail.evidence[0].status == "dispatched")
            #expect(detail.timeline.map(\.step) == ["dispatch", "evidence"])
            var pageA = TestClient(app)
            try await pageA.signIn("adminA")
            #expect(try await pageA.send(.GET, "/photos/\(sha)").status == .ok)
            var pageB = TestClient(app)
            try await pageB.signIn("adminB")
            #expect(try await pageB.send(.GET, "/photos/\(sha)").status == .notFound)
        }
    }

    @Test(arguments: TestDatabase.all) func aProblemEnteredDirectlyNamesItsWorkerByIDNumber(_ db: TestDatabase) async throws {
        try await withApp(db) { app in
            try await Fixture.load(app)
            var district = TestClient(app, bearer: try await Fixture.token(app, "adminA"))
            func report(_ number: String) async throws -> TestingHTTPResponse {
                try await district.send(.POST, "/api/v1/problems", json: """
                    {"enterprise": "\(Fixture.enterpriseA)", "category": "hardship", "severity": "high",
                     "description": "家属重病，生活困难", "worker_id_number": "\(number)"}
                    """)
            }
            let created = try await report(Fixture.workerAID)
            #expect(created.status == .created, "\(created.body.string)")
            let id = try created.content.decode(ProblemService.DTO.self).problem.id
            struct W: Decodable { var worker_id: UUID? }
            #expect(try await app.db.sql.raw("SELECT worker_id FROM problems WHERE id = \(bind: id)")
                .first(decoding: W.self)?.worker_id != nil)
            let elsewhere = try await report(ResidentID.withCheck("34010219900101002"))   // 李工 works at enterprise B
            #expect(elsewhere.status == .unprocessableEntity && elsewhere.body.string.contains("worker_id_number"))
            let bad = try await report("340104198506123010")
            #expect(bad.status == .unprocessableEntity && bad.body.string.contains("worker_id_number"))
        }
    }

    @Test(arguments: TestDatabase.all) func aProblemNobodyTookYetRemindsItsReportingUnit(_ db: TestDatabase) async throws {
        try await withApp(db) { app in
            try await Fixture.load(app)
            let id = try await Self.report(app, "A001", on: "2026-03-02")
            let office = ProblemService(app: app, db: app.db, principal: try await CalendarTests.principal(app, "office"))
            let deadline = try #require(Day(try await office.row(id).deadline ?? ""))
            #expect(try await ProblemScan(app: app, db: app.db).run(today: deadline) == .init(dueToday: 1))
            struct N: Decodable { var code: String }
            #expect(try await app.db.sql.raw("SELECT o.code FROM notifications n JOIN org_units o ON o.id = n.unit_id")
                .all(decoding: N.self).map(\.code) == ["340104001"])
        }
    }

    @Test(arguments: TestDatabase.all) func stepsAtOnceOnOneUnitsProblemsKeepItsFiguresTrue(_ db: TestDatabase) async throws {
        try await withApp(db) { app in
            try await Fixture.load(app)
            var ids: [UUID] = []
            for _ in 0..<8 { ids.append(try await Self.report(app, "A001", on: ProblemRules.today().description)) }
            let office = ProblemService(app: app, db: app.db, principal: try await CalendarTests.principal(app, "office"))
            let problems = ids
            try await withThrowingTaskGroup(of: Void.self) { group in
                for id in problems {
                    group.addTask {
                        let r = try await office.step(.dispatch(unitCode: "340104"), on: id, revision: 1)
                        _ = try await office.step(.accept, on: id, revision: r)
                    }
                }
                try await group.waitForAll()
            }
            let rules = try await ProblemRules.current(app, app.db)
            let root = try #require(try await OrgUnit.query(on: app.db).filter(\.$code == "3401").first()).path
            let kept = try await office.figures(under: root, rules: rules, today: ProblemRules.today())
            #expect(kept.received == 8)
            #expect(kept == (try await office.recountedFigures(under: root, rules: rules, today: ProblemRules.today())))
            // The API writes the counts and their rates, in the API's snake case.
            var api = TestClient(app, bearer: try await Fixture.token(app, "office"))
            let json = try await api.send(.GET, "/api/v1/problems/figures").body.string
            #expect(json.contains("\"received\":8") && json.contains("\"overdue_now\":0") && json.contains("\"satisfaction_rate\":null"), "\(json)")
            let decoded = try JSONDecoder().decode([ProblemService.UnitFigures].self, from: Data(json.utf8))
            #expect(decoded.first?.figures == kept)
        }
    }

    @Test(arguments: TestDatabase.all) func aSpecialInspectionTakesInProblemsReportedWhileOpen(_ db: TestDatabase) async throws {
        try await withApp(db) { app in
            try await Fixture.load(app)
            let today = ProblemRules.today()
            let first = try await Self.report(app, "A001", on: today.description)
            _ = try await Self.report(app, "A001", category: "safety", on: today.description)
            _ = try await Self.report(app, "B001", enterprise: Fixture.enterpriseB, on: today.description)
            let office = SupervisionService(app: app, db: app.db, principal: try await CalendarTests.principal(app, "office"))
            let order = try await office.issue(.init(kind: .special, title: "蜀山区欠薪专项督查", instruction: "", deadline: today.adding(10),
                                                     category: .wageArrears, areaUnitCode: "340104"))
            #expect(try await office.detail(order).problems.map(\.id) == [first], "only wage arrears in 蜀山区")
            let later = try await Self.report(app, "A001", on: today.description)
            _ = try await ProblemScan(app: app, db: app.db).run()
            #expect(Set(try await office.detail(order).problems.map(\.id)) == [first, later])
            #expect(try await office.detail(order).order.target_unit_code == "340104")
        }
    }

    @Test(arguments: TestDatabase.all) func aRepeatReportIsProposedAndMergedKeepingItsReporter(_ db: TestDatabase) async throws {
        try await withApp(db) { app in
            try await Fixture.load(app)
            let first = try await Self.report(app, "A001", on: "2026-03-02")
            let second = try await Self.report(app, "adminA", on: "2026-03-10")
            let other = try await Self.report(app, "A001", category: "safety", on: "2026-03-10")
            let office = ProblemService(app: app, db: app.db, principal: try await CalendarTests.principal(app, "office"))
            let rules = try await ProblemRules.current(app, app.db)
            let row = try await office.row(second)
            #expect(try await office.store.mergeCandidates(for: row, windowDays: 30).map(\.id) == [first])
            #expect(try await office.store.mergeCandidates(for: row, windowDays: 5).isEmpty, "eight days apart: outside a 5-day window")
            #expect(try await office.store.mergeProposals(windowDays: 30, today: Day("2026-03-12")!).map(\.latest) == [second])
            await #expect(throws: AppError.self) { _ = try await office.step(.merge(into: other), on: second, revision: 1) }
            await #expect(throws: AppError.self) { _ = try await office.step(.merge(into: second), on: second, revision: 1) }
            _ = try await office.step(.merge(into: first), on: second, revision: 1)
            let merged = try await office.row(second)
            #expect(merged.status == "merged" && merged.merged_into_id == first)
            #expect(try await office.store.mergedIn(first).map(\.reporter_unit_code) == ["340104"])
            #expect(try await office.detail(first).timeline.map(\.step) == ["merged_in"])
            #expect(try await office.store.mergeProposals(windowDays: 30, today: Day("2026-03-12")!).isEmpty)
            // Merged, it no longer counts on its own.
            _ = try await office.step(.dispatch(unitCode: "340104"), on: first, revision: 2)
            let root = try #require(try await OrgUnit.query(on: app.db).filter(\.$code == "3401").first()).path
            #expect(try await office.figures(under: root, rules: rules, today: Day("2026-03-10")!).received == 1)
            await #expect(throws: AppError.self) { _ = try await office.step(.dispatch(unitCode: "340104"), on: second, revision: 2) }
        }
    }

    @Test(arguments: TestDatabase.all) func aReferralStopsTheClockWhereTheCategoryAllows(_ db: TestDatabase) async throws {
        try await withApp(db) { app in
            try await Fixture.load(app)
            let office = ProblemService(app: app, db: app.db, principal: try await CalendarTests.principal(app, "office"))
            let rules = try await ProblemRules.current(app, app.db)
            #expect(rules.pausesOnReferral[.financing] == true && rules.pausesOnReferral[.wageArrears] == false)
            let at = { LedgerStoryTests.at($0) }
            let financing = try await Self.report(app, "A001", category: "financing", on: "2026-03-02")
            let wages = try await Self.report(app, "A001", on: "2026-03-02")
            var f = 1, w = 1
            for (id, rev) in [(financing, f), (wages, w)] {
                var r = try await office.step(.dispatch(unitCode: "340104"), on: id, revision: rev, now: at("2026-03-02"))
                r = try await office.step(.accept, on: id, revision: r, now: at("2026-03-02"))
                r = try await office.step(.refer(department: "市地方金融监管局", replyBy: Day("2026-03-20"), note: ""), on: id, revision: r,
                                          now: at("2026-03-04"))
                if id == financing { f = r } else { w = r }
            }
            let deadline = try #require(Day(try await office.row(financing).deadline ?? ""))
            let (paused, running) = (try await office.row(financing), try await office.row(wages))
            #expect(paused.paused_since == "2026-03-04" && running.paused_since == nil)
            // Long past its deadline, a stopped clock is not overdue and does not escalate.
            let late = rules.calendar.adding(workingDays: 5, to: deadline)
            #expect(try await ProblemScan(app: app, db: app.db).run(today: late).escalated == 1, "only the wage arrears")
            #expect(ProblemService.overdueDays(try await office.row(financing), rules: rules, today: late) == 0)
            // The department answers on Monday the 9th: three working days stood still (4th–6th… counted to the 9th).
            f = try await office.step(.referralAnswered(note: "已同意贴息贷款"), on: financing, revision: f, now: at("2026-03-09"))
            let row = try await office.row(financing)
            #expect(row.paused_since == nil && row.paused_days == 3)
            #expect(row.deadline == rules.calendar.adding(workingDays: 3, to: deadline).description)
            await #expect(throws: AppError.self) { _ = try await office.step(.referralAnswered(note: ""), on: wages, revision: w) }
            // On the day the department promised its answer, the unit still waiting is reminded (once).
            let scan = ProblemScan(app: app, db: app.db)
            #expect(try await scan.run(today: Day("2026-03-20")!).referralsDue == 1, "financing was answered; wage arrears still waits")
            #expect(try await scan.run(today: Day("2026-03-20")!).referralsDue == 0)
        }
    }

    @Test(arguments: TestDatabase.all) func theOfficeSetsHowFastProblemsGoUp(_ db: TestDatabase) async throws {
        try await withApp(db) { app in
            try await Fixture.load(app)
            var office = TestClient(app)
            try await office.signIn("office")
            try await office.open("/problem-settings")
            var form = Dictionary(uniqueKeysWithValues: ProblemCategory.allCases.map { ("days.\($0.rawValue)", "\($0.defaultWorkingDays)") })
            for (key, _) in LedgerThresholds.keys { form["threshold.\(key)"] = "\(LedgerThresholds.standard[key]!)" }
            form["threshold.overdue_days_per_level"] = "0"
            let refused = try await office.send(.POST, "/problem-settings", form: form)
            #expect(refused.status == .unprocessableEntity && refused.body.string.contains("threshold.overdue_days_per_level"))
            form["threshold.overdue_days_per_level"] = "1"
            #expect(try await office.send(.POST, "/problem-settings", form: form).status == .seeOther)
            let rules = try await ProblemRules.current(app, app.db)
            #expect(rules.thresholds.overdueDaysPerLevel == 1 && rules.pausesOnReferral[.financing] == false)

            let s = ProblemService(app: app, db: app.db, principal: try await CalendarTests.principal(app, "office"))
            let id = try await Self.report(app, "A001", on: "2026-03-02")
            var r = try await s.step(.dispatch(unitCode: "340104001"), on: id, revision: 1)
            r = try await s.step(.accept, on: id, revision: r)
            let deadline = try #require(Day(try await s.row(id).deadline ?? ""))
            // One working day late is already one level up, two is two.
            let scan = ProblemScan(app: app, db: app.db)
            #expect(try await scan.run(today: rules.calendar.adding(workingDays: 1, to: deadline)).escalated == 1)
            #expect(try await s.row(id).escalation_level == 1)
            #expect(try await scan.run(today: rules.calendar.adding(workingDays: 2, to: deadline)).escalated == 1)
            #expect(try await s.row(id).escalation_level == 2)
        }
    }

    @Test(arguments: TestDatabase.all) func hotspotsAreTheCellsThatRoseThisWeek(_ db: TestDatabase) async throws {
        try await withApp(db) { app in
            try await Fixture.load(app)
            let week = Hotspots.weekStart(of: Day("2026-03-11")!)
            #expect(week == Day("2026-03-09"))
            for day in ["2026-03-09", "2026-03-10", "2026-03-11"] { _ = try await Self.report(app, "A001", on: day) }
            _ = try await Self.report(app, "A001", on: "2026-03-03")
            _ = try await Self.report(app, "B001", enterprise: Fixture.enterpriseB, on: "2026-03-03")
            _ = try await Self.report(app, "B001", category: "safety", enterprise: Fixture.enterpriseB, on: "2026-03-12")
            let office = ProblemService(app: app, db: app.db, principal: try await CalendarTests.principal(app, "office"))
            let byArea = try await office.store.hotspots(by: .district, week: week)
            #expect(byArea.map { "\($0.category) \($0.place) \($0.current)-\($0.previous)" }
                    == ["wage_arrears 蜀山区总工会 3-1", "safety 瑶海区总工会 1-0"], "瑶海's wage arrears fell: not a hotspot")
            #expect(byArea.first?.unitCode == "340104")
            let byIndustry = try await office.store.hotspots(by: .industry, week: week)
            #expect(byIndustry.first?.place.contains("市机械冶金工会") == true)
            // A district sees only its own.
            let district = ProblemService(app: app, db: app.db, principal: try await CalendarTests.principal(app, "adminA"))
            #expect(try await district.store.hotspots(by: .district, week: week).count == 1)
            var pages = TestClient(app)
            try await pages.signIn("office")
            let page = try await pages.send(.GET, "/problems/overview?week=2026-03-09")
            #expect(page.status == .ok && page.body.string.contains("蜀山区总工会") && page.body.string.contains("category=wage_arrears&amp;area=340104"))
        }
    }

    @Test func risingCellsAreRankedByTheirRise() {
        let a = HotspotCell(category: "wage_arrears", place: "340104"), b = HotspotCell(category: "safety", place: "340102")
        let c = HotspotCell(category: "layoffs", place: "340104")
        let ranked = Hotspots.rising(current: [a: 5, b: 3, c: 1], previous: [a: 4, b: 0, c: 2], top: 10)
        #expect(ranked.map(\.cell) == [b, a] && ranked.map(\.change) == [3, 1])
        #expect(Hotspots.weekStart(of: Day("2026-03-15")!) == Day("2026-03-09"), "Sunday belongs to the week that began on Monday")
    }
}
