import Fluent
import Foundation
import SanbaoDomain
import SQLKit
import Testing
import VaporTesting
@testable import SanbaoApp

@Suite struct AssignmentTests {
    /// The fixture's two districts, a visiting stage, and quotas for the city and both districts.
    func campaign(_ app: Application, quotaShushan: Int = 10) async throws -> (Campaign, Stage) {
        let campaign = Campaign(name: "双走访", startsOn: "2026-12-01", endsOn: "2027-05-31")
        try await campaign.create(on: app.db)
        let stage = Stage(campaignID: campaign.id!, position: 1, name: "走访调研", startsOn: "2026-12-16", endsOn: "2027-02-28", goals: "")
        try await stage.create(on: app.db)
        for (code, n) in [("3401", 20), ("340104", quotaShushan), ("340102", 10)] {
            let unit = try await OrgUnit.query(on: app.db).filter(\.$code == code).first()!
            try await Quota(stageID: stage.id!, unitID: unit.id!, figures: .init(enterprises: n, workers: 0, questionnaires: 0, problems: 0)).create(on: app.db)
        }
        return (campaign, stage)
    }

    struct Draft: Decodable { var credit_code: String; var staff_no: String?; var reason: String? }

    func draft(_ app: Application) async throws -> [String: Draft] {
        let rows = try await app.db.sql.raw("""
            SELECT e.credit_code, c.staff_no, d.reason FROM assignment_drafts d JOIN enterprises e ON e.id = d.enterprise_id
            LEFT JOIN cadres c ON c.id = d.cadre_id
            """).all(decoding: Draft.self)
        return Dictionary(uniqueKeysWithValues: rows.map { ($0.credit_code, $0) })
    }

    @Test(arguments: TestDatabase.all) func eachEnterpriseGoesToOneCoveringCadreAndOverlapsAreReported(_ db: TestDatabase) async throws {
        try await withApp(db) { app in
            try await Fixture.load(app)
            let (campaign, stage) = try await campaign(app)
            let office = AssignmentService(app: app, db: app.db, principal: .system("t"))
            let summary = try await office.solve(stage: stage, campaign: campaign, dryRun: false)
            #expect(summary.placed == 2)
            #expect(summary.conflicts.coveredBySeveral == 1)   // A: 光明社区 (蜀山) and the machinery union
            #expect(summary.conflicts.overlaps.first?.units == ["340104001001 光明社区工会", "IND-JX 市机械冶金工会"])
            let rows = try await draft(app)
            #expect(rows[Fixture.enterpriseA]?.staff_no == "A001")
            #expect(rows[Fixture.enterpriseB]?.staff_no == "B001")

            let changes = try await office.publish(stage: stage)
            #expect(changes == .init(added: 2, moved: 0, removed: 0))
            let again = try await office.solve(stage: stage, campaign: campaign, dryRun: true)
            #expect(again.changes == .init(added: 0, moved: 0, removed: 0))
            let audit = try await AuditEvent.query(on: app.db).filter(\.$action == "assignment.publish").count()
            #expect(audit == 1)
        }
    }

    @Test(arguments: TestDatabase.all) func quotasExclusionsAndLocksAreKept(_ db: TestDatabase) async throws {
        try await withApp(db) { app in
            try await Fixture.load(app)
            // 蜀山区's quota is 0: its cadre may take nothing, and A has no other cadre.
            let (campaign, stage) = try await campaign(app, quotaShushan: 0)
            let office = AssignmentService(app: app, db: app.db, principal: .system("t"))
            var summary = try await office.solve(stage: stage, campaign: campaign, dryRun: false)
            #expect(summary.placed == 1 && summary.unplaced == ["all_full": 1])
            #expect(try await draft(app)[Fixture.enterpriseA]?.reason == "all_full")

            let quota = try await Quota.query(on: app.db).filter(\.$enterprises == 0).first()!
            quota.enterprises = 5
            try await quota.save(on: app.db)
            let b001 = try await Cadre.query(on: app.db).filter(\.$staffNo == "B001").first()!
            try await app.db.sql.raw("""
                INSERT INTO assignment_exclusions (id, stage_id, cadre_id, reason, created_by)
                VALUES (\(bind: UUID()), \(bind: stage.id!), \(bind: b001.id!), 'leave', 't')
                """).run()
            summary = try await office.solve(stage: stage, campaign: campaign, dryRun: false)
            #expect(summary.placed == 1 && summary.excludedCadres == 1)
            #expect(try await draft(app)[Fixture.enterpriseB]?.reason == "all_full")
        }
    }

    @Test(arguments: TestDatabase.all) func onlyTheOfficeSolves(_ db: TestDatabase) async throws {
        try await withApp(db) { app in
            try await Fixture.load(app)
            let (campaign, stage) = try await campaign(app)
            let admin = try await AuthService(app: app, db: app.db).principal(bearer: try await Fixture.token(app, "adminA"), ip: "t")!
            await #expect(throws: AppError.self) {
                _ = try await AssignmentService(app: app, db: app.db, principal: admin).solve(stage: stage, campaign: campaign, dryRun: false)
            }
            #expect(try await draft(app).isEmpty)
        }
    }

    @Test(arguments: TestDatabase.all) func theOfficeReviewsLocksAndPublishesOnThePageAndTheCadreSeesTheTask(_ db: TestDatabase) async throws {
        try await withApp(db) { app in
            try await Fixture.load(app)
            _ = try await campaign(app)
            var office = TestClient(app)
            try await office.signIn("office")
            try await office.open("/assignment")
            var res = try await office.send(.POST, "/assignment/solve", form: ["stage": "1"])
            #expect(res.status == .seeOther)
            try await office.open("/assignment?stage=1")
            let review = try await office.send(.GET, "/assignment?stage=1").body.string
            #expect(review.contains("id=\"totals\"") && review.contains("<svg") && review.contains("市机械冶金工会") && review.contains("id=\"cadre-loads\""), "\(review.prefix(3000))")
            // The office locks A to its cadre and marks a cadre away without saying why (refused).
            res = try await office.send(.POST, "/assignment/locks", form: ["stage": "1", "credit_code": Fixture.enterpriseA, "staff_no": "A001"])
            #expect(res.status == .seeOther)
            res = try await office.send(.POST, "/assignment/exclusions", form: ["stage": "1", "staff_no": "B001", "reason": ""])
            #expect(res.status == .unprocessableEntity)
            res = try await office.send(.POST, "/assignment/fairness", form: ["stage": "1", "percent": "120", "penalty": "500"])
            #expect(res.status == .unprocessableEntity)
            res = try await office.send(.POST, "/assignment/fairness", form: ["stage": "1", "percent": "80", "penalty": "500"])
            #expect(res.status == .seeOther)
            #expect(try await Campaign.query(on: app.db).first()?.fairness == .init(share: 0.8, penalty: 500))
            res = try await office.send(.POST, "/assignment/publish", form: ["stage": "1"])
            #expect(res.status == .seeOther)
            let explain = try await office.send(.GET, "/assignment/explain?stage=1&code=\(Fixture.enterpriseA)").body.string
            #expect(explain.contains("A001"))

            var cadre = TestClient(app)
            try await cadre.signIn("A001")
            let home = try await cadre.send(.GET, "/").body.string
            #expect(home.contains("id=\"tasks\"") && home.contains("合肥华源机械有限公司") && !home.contains("合肥瑶海食品有限公司"))
            var viewer = TestClient(app)
            try await viewer.signIn("viewerA")
            #expect(try await viewer.send(.GET, "/assignment").status == .forbidden)
        }
    }

    @Test(arguments: TestDatabase.all) func theOfficeDoesTheSameWithAToken(_ db: TestDatabase) async throws {
        try await withApp(db) { app in
            try await Fixture.load(app)
            _ = try await campaign(app)
            var office = TestClient(app, bearer: try await Fixture.token(app, "office"))
            let dry = try (try await office.send(.POST, "/api/v1/assignment/solve", json: #"{"stage": "1", "dry_run": true}"#))
                .content.decode(AssignmentService.Summary.self)
            #expect(dry.placed > 0)
            #expect(try (try await office.send(.GET, "/api/v1/assignment?stage=1")).content.decode(AssignmentAPI.Draft.self).totals.placed == 0,
                    "a dry run keeps nothing")
            #expect(try await office.send(.POST, "/api/v1/assignment/solve", json: #"{"stage": "1"}"#).status == .ok)
            var draft = try (try await office.send(.POST, "/api/v1/assignment/locks",
                                                   json: #"{"stage": "1", "credit_code": "\#(Fixture.enterpriseA)", "staff_no": "A001"}"#))
                .content.decode(AssignmentAPI.Draft.self)
            #expect(draft.locks.map(\.staff_no) == ["A001"] && draft.totals.placed == dry.placed)
            let refused = try await office.send(.POST, "/api/v1/assignment/exclusions", json: #"{"stage": "1", "staff_no": "B001"}"#)
            #expect(refused.status == .unprocessableEntity && refused.body.string.contains("reason"))
            draft = try (try await office.send(.POST, "/api/v1/assignment/locks/delete", json: #"{"stage": "1", "credit_code": "\#(Fixture.enterpriseA)"}"#))
                .content.decode(AssignmentAPI.Draft.self)
            #expect(draft.locks.isEmpty)
            let changes = try (try await office.send(.POST, "/api/v1/assignment/publish", json: #"{"stage": "1"}"#)).content.decode(AssignmentService.Changes.self)
            #expect(changes.added == dry.placed)
            let why = try (try await office.send(.GET, "/api/v1/assignment/explain?stage=1&code=\(Fixture.enterpriseA)")).content.decode(AssignmentService.Explanation.self)
            #expect(why.cadre?.contains("A001") == true)
            var admin = TestClient(app, bearer: try await Fixture.token(app, "adminA"))
            // The campaign and its task table, as far as the district's part of the tree goes.
            let campaigns = try (try await admin.send(.GET, "/api/v1/campaigns")).content.decode([CampaignAPI.DTO].self)
            let first = try #require(campaigns.first)
            #expect(!first.stages.isEmpty)
            let table = try (try await admin.send(.GET, "/api/v1/campaigns/\(first.id)/quotas?stage=1")).content.decode([CampaignStore.QuotaTableRow].self)
            #expect(!table.isEmpty && table.allSatisfy { $0.code.hasPrefix("340104") }, "\(table.map(\.code))")
            #expect(try await admin.send(.GET, "/api/v1/assignment").status == .forbidden)
            #expect(try await admin.send(.POST, "/api/v1/assignment/publish", json: "{}").status == .forbidden)
        }
    }

    @Test(arguments: TestDatabase.all) func theTaskTableImportsWithRowErrorsExportsAndShowsGaps(_ db: TestDatabase) async throws {
        try await withApp(db) { app in
            try await Fixture.load(app)
            _ = try await campaign(app)
            let office = CampaignService(app: app, db: app.db, principal: .system("t"))
            let file = """
            单位编码,阶段,走访企业数,走访职工数,回收问卷数,解决问题数
            340104,走访调研,30,90,120,6
            340104001,1,40,0,0,0
            340102,9,5,,,
            NOPE,1,5,,,
            340102,1,-2,,,
            """
            let outcome = try await office.importQuotas(Array(file.utf8), mode: .validRows)
            #expect(outcome.summary.updated == 1 && outcome.summary.created == 1 && outcome.summary.rejected == 3)
            #expect(Set(outcome.issues.map(\.reason)) == [.badChoice, .unknownUnit, .outOfRange])
            let rows = try await office.exportQuotaRows()
            #expect(rows.first == ["unit_code", "stage", "enterprises", "workers", "questionnaires", "problems"])
            #expect(rows.contains(["340104", "1", "30", "90", "120", "6"]))
            let again = try await office.importQuotas(Array(CSVWriter.document(rows).utf8), mode: .allOrNothing)
            #expect(again.summary.unchanged == rows.count - 1 && again.summary.rejected == 0)

            // 三里庵街道 (40) exceeds 蜀山区 (30): the page marks the gap; a district admin sees only theirs.
            var admin = TestClient(app)
            try await admin.signIn("adminA")
            let page = try await admin.send(.GET, "/campaign").body.string
            #expect(page.contains("id=\"gaps\"") && page.contains("蜀山区总工会") && !page.contains("瑶海区总工会"))
            #expect(try await admin.send(.GET, "/import/quotas").status == .forbidden)

            // The office edits the grid: a bad cell is refused with its unit named, nothing saved; a good one saves.
            var officePage = TestClient(app)
            try await officePage.signIn("office")
            try await officePage.open("/campaign")
            var res = try await officePage.send(.POST, "/campaign/quotas", form: ["stage": "1", "q.340104.enterprises": "50", "q.340102.enterprises": "x"])
            #expect(res.status == .unprocessableEntity && res.body.string.contains("340102"))
            #expect(try await office.exportQuotaRows().contains(["340104", "1", "30", "90", "120", "6"]))
            try await officePage.open("/campaign")
            res = try await officePage.send(.POST, "/campaign/quotas", form: ["stage": "1", "q.340104.enterprises": "50", "q.340104.workers": "90",
                                                                               "q.340104.questionnaires": "120", "q.340104.problems": "6"])
            #expect(res.status == .seeOther)
            #expect(try await office.exportQuotaRows().contains(["340104", "1", "50", "90", "120", "6"]))
        }
    }

    @Test func demoQuotasAddUpAndCoverTheCity() {
        let city = DemoCity()
        let quotas = DemoCampaign().quotas(for: city)
        let parentOf = Dictionary(uniqueKeysWithValues: city.units.compactMap { u in u.parentCode.map { (u.code, $0) } })
        #expect(QuotaGap.find(parentOf: parentOf, quotas: quotas).isEmpty)
        #expect(quotas[city.units[0].code]!.enterprises >= DemoCity.enterpriseCount)
        var broken = quotas
        broken["340104"]!.enterprises = 1
        #expect(QuotaGap.find(parentOf: parentOf, quotas: broken).map(\.unit) == ["340104"])
    }
}
