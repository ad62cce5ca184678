import Fluent
import Foundation
import SanbaoDomain
import SQLKit
import Testing
import VaporTesting
@testable import SanbaoApp

/// The dashboard's figures come from tallies kept as visits come in; here they are recounted
/// from the visits themselves after every kind of change — a visit on a task, ad-hoc visits in
/// and outside the stage, the same enterprise visited twice, a visit returned (it stops
/// counting) and corrected with fewer workers — and a full rebuild gives the same rows.
@Suite struct ProgressTallyTests {
    /// The stage's figures for a subtree, counted from the rows.
    struct Recount: Equatable {
        var visited = 0, workers = 0, questionnaires = 0, problems = 0, assigned = 0
        var days: [String: Int] = [:]
    }

    static func recount(_ db: any Database, path: String, stage: Stage) async throws -> Recount {
        let sql = db.sql
        var r = Recount()
        let visits = SQLQueryString("""
            v.unit_id IN (SELECT o.id FROM org_units o WHERE o.path LIKE \(bind: path + "%")) AND v.status IN ('submitted', 'accepted')
            AND \(ProgressStore.inStage(stage))
            """)
        struct N: Decodable { var n: Int? }
        r.visited = try await sql.raw("SELECT COUNT(DISTINCT v.enterprise_id) AS n FROM visits v WHERE \(visits)").first(decoding: N.self)?.n ?? 0
        r.questionnaires = try await sql.raw("SELECT COUNT(*) AS n FROM responses r JOIN visits v ON v.id = r.visit_id WHERE \(visits)")
            .first(decoding: N.self)?.n ?? 0
        r.workers = try await sql.raw("""
            SELECT COUNT(*) AS n FROM responses r JOIN visits v ON v.id = r.visit_id WHERE r.questionnaire_key = 'worker' AND \(visits)
            """).first(decoding: N.self)?.n ?? 0
        r.problems = try await sql.raw("SELECT COUNT(*) AS n FROM problems p JOIN visits v ON v.id = p.visit_id WHERE \(visits)")
            .first(decoding: N.self)?.n ?? 0
        r.assigned = try await sql.raw("""
            SELECT COUNT(*) AS n FROM visit_tasks t WHERE t.stage_id = \(bind: stage.id) AND t.unit_id IN (SELECT o.id FROM org_units o WHERE o.path LIKE \(bind: path + "%"))
            """).first(decoding: N.self)?.n ?? 0
        struct F: Decodable { var finished_at: Date }
        for v in try await sql.raw("SELECT v.finished_at FROM visits v WHERE \(visits)").all(decoding: F.self) {
            r.days[VisitTally.day(v.finished_at), default: 0] += 1
        }
        return r
    }

    /// What the dashboard reads, after it brings the tallies up to date as its page does.
    static func kept(_ app: Application, code: String, stage: Stage) async throws -> Recount {
        try await Tallies.catchUp(app, app.db)
        let u = try #require(try await OrgUnit.query(on: app.db).filter(\.$code == code).first())
        let unit = ProgressStore.Unit(id: u.id!, code: u.code, name: u.name, path: u.path)
        let query = ProgressStore(app: app, db: app.db, principal: .system("t"))
        let f = try await query.figures(for: unit, stage: stage, rules: try await ProblemRules.current(app, app.db), today: ProblemRules.today())
        var r = Recount(visited: f.visited, workers: f.workers, questionnaires: f.questionnaires, problems: f.problemsFound, assigned: f.assigned)
        for d in try await query.visitsPerDay(for: unit, stage: stage) { r.days[d.day.description] = d.visits }
        return r
    }

    static func tallyRows(_ app: Application) async throws -> [String] {
        struct T: Decodable { var unit_id: UUID; var stage_key: String; var day: String; var visits: Int; var workers: Int; var questionnaires: Int; var problems: Int }
        struct C: Decodable { var stage_key: String; var enterprise_id: UUID; var unit_id: UUID }
        struct E: Decodable { var unit_id: UUID; var stage_key: String; var enterprises: Int }
        struct A: Decodable { var unit_id: UUID; var stage_key: String; var questionnaire_key: String; var question_key: String; var value: String; var section: String; var size_class: String; var n: Int }
        struct N: Decodable { var unit_id: UUID; var stage_key: String; var questionnaire_key: String; var question_key: String; var value: Double; var n: Int }
        struct P: Decodable {
            var unit_id: UUID; var stage_key: String; var questionnaire_key: String; var first_key: String; var first_value: String; var second_key: String
            var second_value: String; var n: Int
        }
        let sql = app.db.sql
        return try await sql.raw("SELECT * FROM visit_tallies").all(decoding: T.self)
            .filter { $0.visits != 0 || $0.workers != 0 || $0.questionnaires != 0 || $0.problems != 0 }
            .map { "\($0.unit_id) \($0.stage_key) \($0.day) \($0.visits) \($0.workers) \($0.questionnaires) \($0.problems)" }.sorted()
            + (try await sql.raw("SELECT * FROM visited_enterprises").all(decoding: C.self).map { "\($0.stage_key) \($0.enterprise_id) \($0.unit_id)" }.sorted())
            + (try await sql.raw("SELECT * FROM enterprise_tallies WHERE enterprises <> 0").all(decoding: E.self)
                .map { "\($0.unit_id) \($0.stage_key) \($0.enterprises)" }.sorted())
            + (try await sql.raw("SELECT * FROM answer_tallies WHERE n <> 0").all(decoding: A.self)
                .map { "\($0.unit_id) \($0.stage_key) \($0.questionnaire_key) \($0.question_key) \($0.value) \($0.section) \($0.size_class) \($0.n)" }.sorted())
            + (try await sql.raw("SELECT * FROM number_tallies WHERE n <> 0").all(decoding: N.self)
                .map { "\($0.unit_id) \($0.stage_key) \($0.questionnaire_key) \($0.question_key) \($0.value) \($0.n)" }.sorted())
            + (try await sql.raw("SELECT * FROM pair_tallies WHERE n <> 0").all(decoding: P.self)
                .map { "\($0.unit_id) \($0.stage_key) \($0.questionnaire_key) \($0.first_key) \($0.first_value) \($0.second_key) \($0.second_value) \($0.n)" }.sorted())
    }

    @Test(arguments: TestDatabase.all) func talliesAgreeWithTheRowsAfterEveryChange(_ db: TestDatabase) async throws {
        try await withApp(db) { app in
            try await Fixture.load(app)
            // A stage around today: visits are never dated in the future.
            let today = ProblemRules.today()
            let campaign = Campaign(name: "双走访", startsOn: today.adding(-120).description, endsOn: today.adding(120).description)
            try await campaign.create(on: app.db)
            let stage = Stage(campaignID: campaign.id!, position: 1, name: "走访调研", startsOn: today.adding(-60).description,
                              endsOn: today.adding(60).description, goals: "")
            try await stage.create(on: app.db)
            for (code, n) in [("3401", 20), ("340104", 10), ("340102", 10)] {
                let unit = try await OrgUnit.query(on: app.db).filter(\.$code == code).first()!
                try await Quota(stageID: stage.id!, unitID: unit.id!, figures: .init(enterprises: n, workers: 0, questionnaires: 0, problems: 0)).create(on: app.db)
            }
            func dated(_ body: String, _ day: Day) -> String { body.replacingOccurrences(of: "2026-11-20T", with: day.description + "T") }
            let assignment = AssignmentService(app: app, db: app.db, principal: .system("t"))
            _ = try await assignment.solve(stage: stage, campaign: campaign, dryRun: false)
            _ = try await assignment.publish(stage: stage)
            func check(_ step: String) async throws {
                for code in ["3401", "340104", "340104001", "340102", "IND-JX"] {
                    let kept = try await Self.kept(app, code: code, stage: stage)
                    #expect(kept == (try await Self.recount(app.db, path: try #require(try await OrgUnit.query(on: app.db).filter(\.$code == code).first()).path,
                                                             stage: stage)), "\(step): \(code)")
                }
            }
            struct Task: Decodable { var id: UUID; var staff_no: String }
            let tasks = try await app.db.sql.raw("""
                SELECT t.id, c.staff_no FROM visit_tasks t JOIN cadres c ON c.id = t.cadre_id ORDER BY c.staff_no
                """).all(decoding: Task.self)
            let taskA = try #require(tasks.first { $0.staff_no == "A001" }).id, taskB = try #require(tasks.first { $0.staff_no == "B001" }).id
            var a = TestClient(app, bearer: try await Fixture.token(app, "A001"))
            var b = TestClient(app, bearer: try await Fixture.token(app, "B001"))
            try await check("published")

            let onTask = try (try await VisitTests.post(&a, key: "tally-task-a", dated(VisitTests.body(task: taskA), today.adding(-20)))).content.decode(VisitReceipt.self)
            try await check("a visit on a task")
            // The same enterprise again, ad hoc, a month later within the stage; and once before the stage began.
            #expect(try await VisitTests.post(&a, key: "tally-adhoc-a", dated(VisitTests.body(), today.adding(-3))).status == .created)
            #expect(try await VisitTests.post(&a, key: "tally-early-a", dated(VisitTests.body(), today.adding(-90))).status == .created)
            #expect(try await VisitTests.post(&b, key: "tally-task-b", VisitTests.body(task: taskB)
                .replacingOccurrences(of: Fixture.enterpriseA, with: Fixture.enterpriseB)).status == .created)
            try await check("ad hoc and the other district")
            #expect(try await Self.kept(app, code: "3401", stage: stage).visited == 2, "enterprise A counts once")

            // Returned, the task visit stops counting; corrected without its worker, it counts again.
            var admin = TestClient(app, bearer: try await Fixture.token(app, "adminA"))
            let path = "/api/v1/visits/\(onTask.id)"
            #expect(try await admin.send(.POST, path + "/return", json: #"{"revision": 1, "comment": "请核实"}"#).status == .ok)
            try await check("returned")
            let fixed = dated(VisitTests.body(task: taskA), today.adding(-19)).replacingOccurrences(of: #""worker_responses": [{"questionnaire": "worker", "version": 1, "answers": \#(VisitTests.workerAnswers)}]"#,
                                                                         with: #""worker_responses": []"#)
            #expect(fixed.contains(#""worker_responses": []"#))
            let put = try await a.send(.PUT, path, json: fixed, headers: ["If-Match": "2"])
            #expect(put.status == .ok, "\(put.body.string)")
            try await check("corrected")
            #expect(try await admin.send(.POST, path + "/accept", json: #"{"revision": 3}"#).status == .ok)
            try await check("accepted")

            // Rebuilt from the rows, the tallies are what the changes left.
            try await Tallies.catchUp(app, app.db)
            let incremental = try await Self.tallyRows(app)
            try await VisitTally.rebuildAll(on: app.db)
            let rebuilt = try await Self.tallyRows(app)
            #expect(rebuilt == incremental, "only rebuilt: \(Set(rebuilt).subtracting(incremental)); only kept: \(Set(incremental).subtracting(rebuilt))")
        }
    }

    /// New visits reach the tallies from memory (as the writer handed them over) or, when memory
    /// lost them (a restart), from their rows; a visit is counted by whoever takes its
    /// `tally_pending` row and by no one else — a batch worked out before another took some of
    /// its visits counts only those still waiting.
    @Test(arguments: TestDatabase.all) func newVisitsAreCountedOnceWhicheverWayTheyComeIn(_ db: TestDatabase) async throws {
        try await withApp(db) { app in try await Self.countedOnce(app) }
    }

    /// On an SQLite file the visit writer's own connection writes the batches.
    @Test func newVisitsAreCountedOnceOnAnSQLiteFile() async throws {
        let dir = NSTemporaryDirectory() + "sanbao-tally-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try await withApp(.sqlite, file: "\(dir)/db.sqlite") { app in try await Self.countedOnce(app) }
    }

    static func countedOnce(_ app: Application) async throws {
        do {
            try await Fixture.load(app)
            var a = TestClient(app, bearer: try await Fixture.token(app, "A001"))
            var b = TestClient(app, bearer: try await Fixture.token(app, "B001"))
            #expect(try await VisitTests.post(&a, key: "once-1-visit", VisitTests.body()).status == .created)
            #expect(try await VisitTests.post(&b, key: "once-2-visit", VisitTests.body().replacingOccurrences(of: Fixture.enterpriseA, with: Fixture.enterpriseB))
                .status == .created)
            #expect(try await VisitTests.post(&a, key: "once-3-visit", VisitTests.body()).status == .created)
            // A catch-up took the three and has not written them yet.
            let held = app.newVisitTallies.take(.max)
            #expect(held.count == 3)
            let batch = try await VisitTally.Batch(held, in: app, on: app.db)
            // Meanwhile one of them is counted from its rows (a review's catch-up, another server).
            let first = held[0].visit
            try await app.serializedTransaction(on: app.db) { db in
                try await db.sql.raw("DELETE FROM tally_pending WHERE visit_id = \(bind: first)").run()
                try await VisitTally.add(try await VisitTally.stored([first], on: db), on: db)
            }
            // Written late, as the catch-up writes it.
            func writeLate() async throws {
                if case .sqliteFile(let path) = app.config.database {
                    #expect(try await app.visitWriter.writeTallies(batch, path: path, in: app) == false, "not all its visits wait")
                }
                try await app.serializedTransaction(on: app.db) { db in try await batch.write(on: db) }
            }
            try await writeLate()
            #expect(try await VisitTests.count(app, "tally_pending") == 0)
            // Written again (it must not be), the batch finds nothing waiting and adds nothing.
            try await writeLate()

            // One more, lost from memory as in a restart: read back from its rows.
            #expect(try await VisitTests.post(&a, key: "once-4-visit", VisitTests.body()).status == .created)
            #expect(app.newVisitTallies.take(.max).count == 1)
            #expect(try await VisitTests.count(app, "tally_pending") == 1)
            try await Tallies.catchUp(app, app.db)
            #expect(try await VisitTests.count(app, "tally_pending") == 0)
            // And two more as they usually come: from memory, a whole batch.
            #expect(try await VisitTests.post(&a, key: "once-5-visit", VisitTests.body()).status == .created)
            #expect(try await VisitTests.post(&b, key: "once-6-visit", VisitTests.body().replacingOccurrences(of: Fixture.enterpriseA, with: Fixture.enterpriseB))
                .status == .created)
            #expect(app.newVisitTallies.count == 2)
            try await Tallies.catchUp(app, app.db)
            #expect(try await VisitTests.count(app, "tally_pending") == 0)

            let incremental = try await Self.tallyRows(app)
            #expect(incremental.contains { $0.hasSuffix(" 6 6 12 6") }, "six visits with a worker and a problem each, at the root: \(incremental.prefix(3))")
            try await VisitTally.rebuildAll(on: app.db)
            let rebuilt = try await Self.tallyRows(app)
            #expect(rebuilt == incremental, "only rebuilt: \(Set(rebuilt).subtracting(incremental)); only kept: \(Set(incremental).subtracting(rebuilt))")
        }
    }
}
