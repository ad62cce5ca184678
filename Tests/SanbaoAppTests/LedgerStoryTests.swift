import Fluent
import Foundation
import SanbaoDomain
import SQLKit
import Testing
import VaporTesting
@testable import SanbaoApp

/// The ledger's "done when" story, on the dates it names, with the figures checked after each
/// step rather than only the states: a wage-arrears problem reported on the Friday before the
/// Spring Festival, returned, redispatched, overdue and escalated, supervised, resolved, called
/// back unsatisfied, reworked, resolved again and closed.
@Suite struct LedgerStoryTests {
    /// `hour` o'clock in the campaign's zone on `day` (steps on one day are an hour apart, so
    /// the timeline's order is theirs).
    static func at(_ day: String, _ hour: Int = 10) -> Date {
        var c = DateComponents()
        let d = Day(day)!.parts
        (c.year, c.month, c.day, c.hour) = (d.year, d.month, d.day, hour)
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = ShanghaiTime.zone
        return calendar.date(from: c)!
    }

    static func principal(_ app: Application, _ username: String) async throws -> Principal {
        try await CalendarTests.principal(app, username)
    }

    @Test(arguments: TestDatabase.all) func theWageArrearsStoryMovesEveryFigure(_ db: TestDatabase) async throws {
        try await withApp(db) { app in
            try await Fixture.load(app)
            _ = try await UserService(app: app, db: app.db, principal: .system("test")).create(
                UserInput(username: "jxadmin", displayName: "机械冶金工会管理员", unitCode: "IND-JX", roles: ["unit_admin"],
                          password: Fixture.password, phone: nil))
            func service(_ username: String) async throws -> ProblemService {
                ProblemService(app: app, db: app.db, principal: try await Self.principal(app, username))
            }
            let cadre = try await service("A001")
            let office = try await service("office")
            let district = try await service("adminA")
            let industry = try await service("jxadmin")
            let rules = try await ProblemRules.current(app, app.db)
            let root = try #require(try await OrgUnit.query(on: app.db).filter(\.$code == "3401").first()).path
            // Every figure read from the tallies is also counted again from the rows.
            func figures(on day: String) async throws -> ProblemFigures {
                let kept = try await office.figures(under: root, rules: rules, today: Day(day)!)
                #expect(kept == (try await office.recountedFigures(under: root, rules: rules, today: Day(day)!)), "tallies on \(day)")
                return kept
            }

            // Friday 13 February 2026: three working days count Saturday the 14th (a swapped
            // working day) and skip the Spring Festival holiday.
            let id = try await cadre.report(.init(enterpriseCode: Fixture.enterpriseA, category: "wage_arrears",
                                                  description: "拖欠30名职工两个月工资", severity: "high"), now: Self.at("2026-02-13"))
            var p = try await office.row(id)
            #expect(p.reported_on == "2026-02-13" && p.deadline == "2026-02-25")
            #expect(try await figures(on: "2026-02-13") == ProblemFigures(), "nobody is responsible yet")

            // The office hands it to the district, which returns it as not its own; the office
            // redispatches it to the machinery industry union, which accepts it.
            var r = try await office.step(.dispatch(unitCode: "340104"), on: id, revision: p.revision, now: Self.at("2026-02-13"))
            #expect(try await figures(on: "2026-02-13").received == 1)
            r = try await district.step(.giveBack(reason: "属机械行业，应由产业工会办理"), on: id, revision: r, now: Self.at("2026-02-14"))
            r = try await office.step(.dispatch(unitCode: "IND-JX"), on: id, revision: r, now: Self.at("2026-02-24"))
            r = try await industry.step(.accept, on: id, revision: r, now: Self.at("2026-02-24", 11))
            var f = try await figures(on: "2026-02-24")
            #expect(f.received == 1 && f.resolved == 0 && f.overdueNow == 0)

            // It goes overdue, and two working days late it escalates to the city federation.
            let scan = ProblemScan(app: app, db: app.db)
            #expect(try await scan.run(today: Day("2026-02-26")!, now: Self.at("2026-02-26")) == .init(overdue: 1))
            #expect(try await figures(on: "2026-02-26").overdueNow == 1)
            #expect(try await scan.run(today: Day("2026-02-27")!, now: Self.at("2026-02-27")) == .init(escalated: 1))
            p = try await office.row(id)
            #expect(p.escalation_level == 1)
            #expect(try await office.store.list(PageRequest(), status: nil, view: .escalated, today: Day("2026-02-27")!).total == 1)

            // The office puts it under supervision; the industry union resolves it and reports back.
            let orders = SupervisionService(app: app, db: app.db, principal: office.principal)
            let order = try await orders.issue(.init(kind: .problem, title: "督办：拖欠工资", instruction: "三个工作日内办结并报告",
                                                     deadline: Day("2026-03-04")!, problemIDs: [id]), now: Self.at("2026-02-27", 11))
            #expect(try await office.store.list(PageRequest(), status: nil, view: .supervised).total == 1)
            r = try await office.row(id).revision
            r = try await industry.step(.resolve(summary: "企业已补发两个月工资"), on: id, revision: r, now: Self.at("2026-03-02"))
            let answering = SupervisionService(app: app, db: app.db, principal: industry.principal)
            _ = try await answering.step(.report, on: order, revision: 1, note: "已督促企业补发工资", now: Self.at("2026-03-02", 11))
            _ = try await orders.step(.close, on: order, revision: 2, note: "", now: Self.at("2026-03-02", 12))
            #expect(try await orders.detail(order).order.status == "closed")
            f = try await figures(on: "2026-03-02")
            #expect(f.resolved == 1 && f.resolvedOnTime == 0 && f.onTimeRate == 0 && f.overdueNow == 0)
            #expect(f.workingDaysToResolve == rules.calendar.workingDays(from: Day("2026-02-13")!, to: Day("2026-03-02")!))
            #expect(f.callbacks == 0 && f.satisfactionRate == nil, "no callback yet: no satisfaction figure")

            // Called back unsatisfied: reopened as rework, first figures kept.
            r = try await office.step(.callback(.unsatisfied, note: "仍有两名职工未拿到"), on: id, revision: r, now: Self.at("2026-03-03"))
            p = try await office.row(id)
            #expect(p.status == "in_progress" && p.rework_count == 1 && p.first_resolved_on == "2026-03-02" && p.first_on_time == false)
            #expect(p.deadline == rules.calendar.adding(workingDays: 3, to: Day("2026-03-03")!).description)
            f = try await figures(on: "2026-03-03")
            #expect(f.resolved == 1 && f.reworked == 1 && f.reworkRate == 1 && f.callbacks == 1 && f.satisfactionRate == 0)

            // Resolved again and closed on a satisfied callback.
            r = try await industry.step(.resolve(summary: "剩余两名职工工资已补发"), on: id, revision: r, now: Self.at("2026-03-04"))
            r = try await office.step(.callback(.satisfied, note: ""), on: id, revision: r, now: Self.at("2026-03-05"))
            p = try await office.row(id)
            #expect(p.status == "closed")
            f = try await figures(on: "2026-03-05")
            #expect(f.received == 1 && f.resolved == 1 && f.resolvedOnTime == 0 && f.overdueNow == 0 && f.reworked == 1)
            #expect(f.callbacks == 2 && f.satisfiedCallbacks == 1 && f.satisfactionRate == 0.5)
            let timeline = try await office.detail(id).timeline.map(\.step)
            #expect(timeline == ["dispatch", "give_back", "dispatch", "accept", "escalate", "supervise", "resolve", "callback", "resolve", "callback"])
            // The industry union's own figures are the same problem; the district's hold nothing.
            let industryPath = try #require(try await OrgUnit.query(on: app.db).filter(\.$code == "IND-JX").first()).path
            #expect(try await office.figures(under: industryPath, rules: rules, today: Day("2026-03-05")!) == f)
        }
    }
}
