import Fluent
import Foundation
import SanbaoDomain
import SQLKit
import Testing
import VaporTesting
@testable import SanbaoApp

@Suite struct DashboardTests {
    @Test(arguments: TestDatabase.all) func progressRollsUpTheTreeAgainstTheTaskTable(_ db: TestDatabase) async throws {
        try await withApp(db) { app in
            try await Fixture.load(app)
            let (campaign, stage) = try await AssignmentTests().campaign(app)
            let assignment = AssignmentService(app: app, db: app.db, principal: .system("t"))
            _ = try await assignment.solve(stage: stage, campaign: campaign, dryRun: false)
            _ = try await assignment.publish(stage: stage)
            struct Task: Decodable { var id: UUID }
            let task = try #require(try await app.db.sql.raw("""
                SELECT t.id FROM visit_tasks t JOIN cadres c ON c.id = t.cadre_id WHERE c.staff_no = 'A001'
                """).first(decoding: Task.self)).id
            var cadre = TestClient(app, bearer: try await Fixture.token(app, "A001"))
            #expect(try await VisitTests.post(&cadre, key: "dash-task", VisitTests.body(task: task)).status == .created)
            // An ad-hoc visit before the stage began does not count in it.
            #expect(try await VisitTests.post(&cadre, key: "dash-early", VisitTests.body()).status == .created)

            let office = try await CalendarTests.principal(app, "office")
            try await Tallies.catchUp(app, app.db)
            let query = ProgressStore(app: app, db: app.db, principal: office)
            let rules = try await ProblemRules.current(app, app.db)
            func unit(_ code: String) async throws -> ProgressStore.Unit {
                let u = try #require(try await OrgUnit.query(on: app.db).filter(\.$code == code).first())
                return .init(id: u.id!, code: u.code, name: u.name, path: u.path)
            }
            let city = try await query.figures(for: try await unit("3401"), stage: stage, rules: rules, today: ProblemRules.today())
            #expect(city.enterprisesQuota == 20 && city.assigned == 2 && city.visited == 1)
            #expect(city.questionnaires == 2 && city.workers == 1 && city.problemsFound == 1 && city.problemsResolved == 0)
            let shushan = try await query.figures(for: try await unit("340104"), stage: stage, rules: rules, today: ProblemRules.today())
            #expect(shushan.enterprisesQuota == 10 && shushan.assigned == 1 && shushan.visited == 1 && shushan.completion == 0.1)
            let yaohai = try await query.figures(for: try await unit("340102"), stage: stage, rules: rules, today: ProblemRules.today())
            #expect(yaohai.visited == 0 && yaohai.completion == 0)
            #expect(try await query.visitsPerDay(for: try await unit("3401"), stage: stage).map(\.visits) == [1])

            // The page: who is behind first, charts with their tables, figures linking to their lists.
            var page = TestClient(app)
            try await page.signIn("office")
            let html = try await page.send(.GET, "/dashboard").body.string
            #expect(html.contains("<svg") && html.contains("role=\"img\""))
            // The districts on the map, each a link to its own dashboard; the industry union is not an area.
            #expect(html.contains("id=\"visited-map\"") && html.contains("/dashboard?unit=340104&amp;stage=1\"><g>"))
            let behind = try #require(html.range(of: "瑶海区总工会")), ahead = try #require(html.range(of: "蜀山区总工会</a>"))
            #expect(behind.lowerBound < ahead.lowerBound, "瑶海 (0%) ranks before 蜀山 (10%)")
            #expect(html.contains("/problems?view=overdue&amp;unit=340104") || html.contains("/problems?view=overdue&unit=340104"))
            let drilled = try await page.send(.GET, "/problems?view=all&unit=340104").body.string
            #expect(drilled.contains("拖欠30名职工两个月工资"))
            #expect(!(try await page.send(.GET, "/problems?view=all&unit=340102").body.string.contains("拖欠30名职工两个月工资")))
            // The same figures through the API, for a token.
            var api = TestClient(app, bearer: try await Fixture.token(app, "office"))
            let progress = try (try await api.send(.GET, "/api/v1/progress?unit=3401")).content.decode(ProgressAPI.DTO.self)
            #expect(progress.unit.figures == city && progress.stage == stage.name)
            #expect(progress.children.first { $0.code == "340104" }?.figures == shushan)
            // Another district sees neither 蜀山's dashboard nor its problems.
            var sibling = TestClient(app)
            try await sibling.signIn("adminB")
            #expect(try await sibling.send(.GET, "/dashboard?unit=340104").status == .notFound)
            #expect(try await sibling.send(.GET, "/problems?view=all&unit=340104").status == .notFound)
            #expect(try await sibling.send(.GET, "/dashboard").status == .ok)
        }
    }
}
