import Fluent
import Foundation
import SanbaoDomain
import SQLKit
import Testing
import VaporTesting
@testable import SanbaoApp

/// Periodic reports: the "done when" story (a district submits its weekly report, the city
/// returns it, the district corrects it, the city accepts it and it no longer changes), who may
/// do what, completeness and timeliness, reminders, and the printed and spreadsheet copies.
@Suite struct ReportTests {
    static func campaign(_ app: Application) async throws -> Campaign {
        let campaign = Campaign(name: "双走访", startsOn: "2026-11-02", endsOn: "2026-12-31")
        try await campaign.create(on: app.db)
        let stage = Stage(campaignID: campaign.id!, position: 1, name: "走访调研", startsOn: "2026-11-02", endsOn: "2026-12-31", goals: "")
        try await stage.create(on: app.db)
        for (code, n) in [("3401", 20), ("340104", 10), ("340102", 10)] {
            let unit = try await OrgUnit.query(on: app.db).filter(\.$code == code).first()!
            try await Quota(stageID: stage.id!, unitID: unit.id!, figures: .init(enterprises: n, workers: 5, questionnaires: 15, problems: 2)).create(on: app.db)
        }
        return campaign
    }

    static let narrative = ReportNarrative(workDone: "本周走访企业1家，回收问卷2份。", difficulties: "个别企业负责人不在。",
                                           nextSteps: "继续走访。", experience: "")

    @Test(arguments: TestDatabase.all) func aWeeklyReportIsReturnedCorrectedAcceptedAndThenStaysAsItWas(_ db: TestDatabase) async throws {
        try await withApp(db) { app in
            try await Fixture.load(app)
            _ = try await UserService(app: app, db: app.db, principal: .system("test")).create(
                UserInput(username: "jxadmin", displayName: "机械冶金工会管理员", unitCode: "IND-JX", roles: ["unit_admin"],
                          password: Fixture.password, phone: nil))
            let campaign = try await Self.campaign(app)
            var cadre = TestClient(app, bearer: try await Fixture.token(app, "A001"))
            // Finished Friday 20 November 2026: week 47 (16–22 November).
            #expect(try await VisitTests.post(&cadre, key: "report-1", VisitTests.body()).status == .created)
            func service(_ username: String) async throws -> ReportService {
                ReportService(app: app, db: app.db, principal: try await CalendarTests.principal(app, username))
            }
            let district = try await service("adminA"), office = try await service("office")
            let s = try await district.subject(campaign: campaign, unitCode: "340104", periodKey: "2026-W47")
            #expect(s.period.start.description == "2026-11-16" && s.period.end.description == "2026-11-22")
            #expect(s.due.description == "2026-11-24", "two working days after Sunday the 22nd")
            var live = try await district.figures(s, nil)
            #expect(live.period.visits == 1 && live.period.enterprises == 1 && live.period.questionnaires == 2 && live.period.workers == 1)
            #expect(live.cumulative.visits == 1 && live.targets.enterprises == 10 && live.targets.questionnaires == 15)

            // A draft, then a submission without the work done (refused, naming the field), then one with it.
            var r = try await district.save(s, narrative: .init(workDone: "", difficulties: "草稿", nextSteps: "", experience: ""), revision: 0,
                                             submit: false, now: LedgerStoryTests.at("2026-11-23", 9))
            #expect(r.state == .draft && r.revision == 1)
            await #expect(throws: AppError.self) {
                _ = try await district.save(s, narrative: .init(workDone: " ", difficulties: "", nextSteps: "", experience: ""), revision: 1, submit: true)
            }
            r = try await district.save(s, narrative: Self.narrative, revision: 1, submit: true, now: LedgerStoryTests.at("2026-11-23", 10))
            #expect(r.state == .submitted && r.firstSubmittedOn == "2026-11-23" && r.revision == 2)

            // Only the unit above decides; a return needs a reason.
            await #expect(throws: AppError.self) { _ = try await district.decide(s, .accept, comment: "", revision: 2) }
            await #expect(throws: AppError.self) { _ = try await office.decide(s, .return, comment: " ", revision: 2) }
            r = try await office.decide(s, .return, comment: "请补充困难职工帮扶情况", revision: 2, now: LedgerStoryTests.at("2026-11-23", 11))
            #expect(r.state == .returned && r.comment == "请补充困难职工帮扶情况")
            // A stale page is told so.
            await #expect(throws: AppError.self) { _ = try await district.save(s, narrative: Self.narrative, revision: 2, submit: true) }
            var corrected = Self.narrative
            corrected.experience = "“一企一档”建立走访台账。"
            r = try await district.save(s, narrative: corrected, revision: 3, submit: true, now: LedgerStoryTests.at("2026-11-24", 9))
            #expect(r.state == .submitted && r.firstSubmittedOn == "2026-11-23", "timeliness stays with the first submission")
            r = try await office.decide(s, .accept, comment: "", revision: 4, now: LedgerStoryTests.at("2026-11-24", 10))
            #expect(r.state == .accepted)
            let accepted = try await office.figures(s, try await office.report(s))

            // More work in the same week: the live figures move, the accepted report does not, and
            // the district cannot change it.
            var more = TestClient(app, bearer: try await Fixture.token(app, "A001"))
            #expect(try await VisitTests.post(&more, key: "report-2", VisitTests.body(people: "车间主任")).status == .created)
            try await Tallies.catchUp(app, app.db)
            live = try await ReportStore(app: app, db: app.db, principal: .system("t"))
                .figures(unitID: s.unit.id!, path: s.unit.path, campaign: campaign, period: s.period)
            #expect(live.period.visits == 2)
            #expect(try await office.figures(s, try await office.report(s)) == accepted)
            #expect(accepted.period.visits == 1)
            await #expect(throws: AppError.self) { _ = try await district.save(s, narrative: Self.narrative, revision: 5, submit: true) }
            // A correction needs the city to reopen it; submitted again it carries the new figures.
            r = try await office.decide(s, .reopen, comment: "数据有更新，请更正", revision: 5, now: LedgerStoryTests.at("2026-11-25", 9))
            #expect(r.state == .returned)
            r = try await district.save(s, narrative: corrected, revision: 6, submit: true, now: LedgerStoryTests.at("2026-11-25", 10))
            #expect(try await district.figures(s, r).period.visits == 2)
            r = try await office.decide(s, .accept, comment: "", revision: 7, now: LedgerStoryTests.at("2026-11-25", 11))
            #expect(try await office.events(r).map(\.action) == ["submitted", "returned", "resubmitted", "accepted", "reopened", "resubmitted", "accepted"])

            // Others: the sibling district does not see it; a viewer of 蜀山 reads but cannot write;
            // the district cannot decide on its own report.
            let sibling = try await service("adminB")
            await #expect(throws: AppError.self) { _ = try await sibling.subject(campaign: campaign, unitCode: "340104", periodKey: "2026-W47") }
            let viewer = try await service("viewerA")
            let seen = try await viewer.subject(campaign: campaign, unitCode: "340104", periodKey: "2026-W47")
            #expect(!viewer.mayWrite(seen) && !viewer.mayDecide(seen) && !district.mayDecide(s) && office.mayDecide(s))
            // Not a reporting unit, not a period of the campaign.
            await #expect(throws: AppError.self) { _ = try await office.subject(campaign: campaign, unitCode: "340104001", periodKey: "2026-W47") }
            await #expect(throws: AppError.self) { _ = try await office.subject(campaign: campaign, unitCode: "340104", periodKey: "2026-11") }
            await #expect(throws: AppError.self) { _ = try await office.subject(campaign: campaign, unitCode: "340104", periodKey: "2027-W05") }

            // Completeness on Wednesday the 25th: 蜀山 on time, 瑶海 and the industry union missing.
            let w47 = s.period
            var grid = try await office.completeness(campaign, periods: [w47], today: Day("2026-11-25")!)
            #expect(grid.units.map(\.code).sorted() == ["340102", "340104", "IND-JX"])
            func timeliness(_ code: String) -> ReportTimeliness? { grid.units.first { $0.code == code }.flatMap { grid.cells[$0.id]?[w47.key]?.timeliness } }
            #expect(timeliness("340104") == .onTime && timeliness("340102") == .missing && timeliness("IND-JX") == .missing)
            #expect(try await office.remindLate(campaign, period: w47, now: LedgerStoryTests.at("2026-11-25", 12)) == 2)
            #expect(try await office.remindLate(campaign, period: w47, now: LedgerStoryTests.at("2026-11-25", 15)) == 0, "once a day")
            #expect(try await sibling.reminders(campaign, today: Day("2026-11-25")!).map(\.period_key) == ["2026-W47"])
            let industry = try await service("jxadmin")
            let late = try await industry.subject(campaign: campaign, unitCode: "IND-JX", periodKey: "2026-W47")
            _ = try await industry.save(late, narrative: Self.narrative, revision: 0, submit: true, now: LedgerStoryTests.at("2026-11-26", 9))
            grid = try await office.completeness(campaign, periods: [w47], today: Day("2026-11-26")!)
            #expect(timeliness("IND-JX") == .late && timeliness("340102") == .missing)
            // A district cannot remind its siblings: it sees none of them.
            #expect(try await district.remindLate(campaign, period: w47, now: LedgerStoryTests.at("2026-11-26", 10)) == 0)
            let awaitingDistrict = try await district.awaitingDecision(campaign), awaitingOffice = try await office.awaitingDecision(campaign)
            #expect(awaitingDistrict.isEmpty && awaitingOffice.count == 1)

            // The pages, the printed copy and the spreadsheet.
            var page = TestClient(app)
            try await page.signIn("office")
            let html = try await page.send(.GET, "/reports/340104/2026-W47").body.string
            #expect(html.contains("2026年第47周") && html.contains("已审核通过") && html.contains("“一企一档”建立走访台账。") && html.contains("本周走访企业1家") && html.contains("reopen-report"))
            let printed = try await page.send(.GET, "/reports/340104/2026-W47/print").body.string
            #expect(printed.contains("蜀山区总工会“双走访、促三保”工作周报") && printed.contains("<svg") == !accepted.categories.isEmpty)
            let xlsx = try await page.send(.GET, "/reports/340104/2026-W47/figures.xlsx")
            #expect(xlsx.headers.contentType?.subType == "vnd.openxmlformats-officedocument.spreadsheetml.sheet")
            let rows = try XLSX.records(Array(xlsx.body.readableBytesView), maxFieldLength: 1_000).map(\.fields)
            #expect(rows.contains { $0.first == "指标" && $0.contains("本期") && $0.contains("累计") })
            #expect(rows.contains { $0.first == "走访次数" && $0.count > 2 && $0[1] == "2" && $0[2] == "2" }, "\(rows)")
            let completeness = try await page.send(.GET, "/reports/completeness").body.string
            // The home page says what report work waits: the office has a district's report to decide,
            // a district reminded today sees the reminder.
            #expect(try await page.send(.GET, "/").body.string.contains("1 份下级报告待审核"))
            #expect(try await office.remindLate(campaign, period: w47, now: Date()) == 1)
            var reminded = TestClient(app)
            try await reminded.signIn("adminB")
            let home = try await reminded.send(.GET, "/").body.string
            #expect(home.contains("id=\"report-work\"") && home.contains("/reports/340102/2026-W47") && !home.contains("待审核"))
            #expect(completeness.contains("瑶海区总工会") && completeness.contains("报送率"))
            // The API, scoped like the pages.
            var api = TestClient(app, bearer: try await Fixture.token(app, "office"))
            let listed = try await api.send(.GET, "/api/v1/reports?period=2026-W47")
            #expect(listed.status == .ok && listed.body.string.contains("\"timeliness\":\"late\""))
            var other = TestClient(app, bearer: try await Fixture.token(app, "adminB"))
            #expect(try await other.send(.GET, "/api/v1/reports/340104/2026-W47").status == .notFound)
            let refused = try await other.send(.POST, "/api/v1/reports/340102/2026-W47", json: #"{"narrative": {"work_done": "", "difficulties": "", "next_steps": "", "experience": ""}, "revision": 0, "submit": true}"#)
            #expect(refused.status == .unprocessableEntity && refused.body.string.contains("work_done"))
        }
    }
}
