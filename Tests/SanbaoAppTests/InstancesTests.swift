import Fluent
import Foundation
import SanbaoDomain
import SQLKit
import Testing
import Vapor
@testable import SanbaoApp

/// What several instances on one database rely on (issue 25): the tallies count each visit once
/// whoever takes it in and whatever runs at the same time, a setting changed elsewhere is in force
/// within its staleness, and two scans at once escalate each problem once. The two-instance run
/// itself is `Benchmarks/two_instances.py`, a stage of `.ci/run`.
@Suite struct InstancesTests {
    static func countedAtTheTop(_ app: Application) async throws -> (rows: Int, tallied: Int) {
        struct N: Decodable { var n: Int? }
        let rows = try await app.db.sql.raw("SELECT COUNT(*) AS n FROM visits WHERE status IN ('submitted', 'accepted')")
            .first(decoding: N.self)?.n ?? 0
        let tallied = try await app.db.sql.raw("""
            SELECT CAST(SUM(visits) AS BIGINT) AS n FROM visit_tallies WHERE unit_id IN (SELECT id FROM org_units WHERE parent_id IS NULL)
            """).first(decoding: N.self)?.n ?? 0
        return (rows, tallied)
    }

    @Test(arguments: TestDatabase.all) func aRebuildWhileVisitsWaitCountsEachOnce(_ db: TestDatabase) async throws {
        try await withApp(db) { app in
            try await Fixture.load(app)
            var cadre = TestClient(app, bearer: try await Fixture.token(app, "A001"))
            for n in 0..<3 { #expect(try await VisitTests.post(&cadre, key: "phone-a001-rebuild-\(n)", VisitTests.body()).status == .created) }
            // The three wait in memory and in tally_pending; the rebuild takes them over.
            #expect(try await Tallies.waiting(on: app.db) == 3)
            try await app.serializedTransaction(on: app.db) { db in try await Tallies.rebuild(.visits, on: db) }
            #expect(try await Tallies.waiting(on: app.db) == 0)
            try await Tallies.catchUp(app, app.db)
            let counted = try await Self.countedAtTheTop(app)
            #expect(counted.rows == 3 && counted.tallied == 3, "\(counted)")
        }
    }

    @Test(arguments: TestDatabase.all) func aVisitReturnedBeforeItWasCountedIsNeverCounted(_ db: TestDatabase) async throws {
        try await withApp(db) { app in
            try await Fixture.load(app)
            var cadre = TestClient(app, bearer: try await Fixture.token(app, "A001"))
            let kept = try (try await VisitTests.post(&cadre, key: "phone-a001-kept", VisitTests.body())).content.decode(VisitReceipt.self)
            let back = try (try await VisitTests.post(&cadre, key: "phone-a001-back", VisitTests.body())).content.decode(VisitReceipt.self)
            var admin = TestClient(app, bearer: try await Fixture.token(app, "adminA"))
            // Reviewed while both still wait to be counted: the review takes only its own visit out.
            #expect(try await admin.send(.POST, "/api/v1/visits/\(back.id)/return", json: #"{"revision": 1, "comment": "补充职工问卷"}"#).status == .ok)
            #expect(try await admin.send(.POST, "/api/v1/visits/\(kept.id)/accept", json: #"{"revision": 1}"#).status == .ok)
            #expect(try await Tallies.waiting(on: app.db) == 1, "the accepted one still waits; the returned one no longer")
            try await Tallies.catchUp(app, app.db)
            var counted = try await Self.countedAtTheTop(app)
            #expect(counted.rows == 1 && counted.tallied == 1, "\(counted)")
            // Counted, then returned: it comes off again.
            let later = try (try await VisitTests.post(&cadre, key: "phone-a001-later", VisitTests.body())).content.decode(VisitReceipt.self)
            try await Tallies.catchUp(app, app.db)
            #expect(try await admin.send(.POST, "/api/v1/visits/\(later.id)/return", json: #"{"revision": 1, "comment": "补充照片"}"#).status == .ok)
            counted = try await Self.countedAtTheTop(app)
            #expect(counted.rows == 1 && counted.tallied == 1, "\(counted)")
        }
    }

    @Test(arguments: TestDatabase.all) func aReaderDoesNotWaitForAnotherWritersTurn(_ db: TestDatabase) async throws {
        guard case .postgres = db else { return }   // one process on SQLite: no other writer to wait for
        try await withApp(db) { app in
            try await Fixture.load(app)
            var cadre = TestClient(app, bearer: try await Fixture.token(app, "A001"))
            #expect(try await VisitTests.post(&cadre, key: "phone-a001-reader", VisitTests.body()).status == .created)
            // Another instance holds the visits' turn (a long rebuild, say).
            try await app.db.transaction { tx in
                try await Tallies.takeTurn(.visits, on: tx)
                // Were it to wait for the turn, it would wait for this transaction, which waits for it.
                try await Tallies.fresh(app, app.db)
                #expect(try await Tallies.waiting(on: app.db) == 1, "the reader read what was counted and went on")
            }
            try await Tallies.fresh(app, app.db)
            #expect(try await Tallies.waiting(on: app.db) == 0, "with the turn free it takes the visit in")
        }
    }

    /// (That this process keeps its copy meanwhile is not asserted: on a busy machine two seconds
    /// may pass between any two lines.)
    @Test(arguments: TestDatabase.all) func aSettingChangedElsewhereIsInForceWithinTwoSeconds(_ db: TestDatabase) async throws {
        try await withApp(db) { app in
            try await Fixture.load(app)
            let before = try await ProblemRules.current(app, app.db).workingDays[.wageArrears] ?? ProblemCategory.wageArrears.defaultWorkingDays
            // As another instance (or the command line) would: straight into the database.
            try await app.db.sql.raw("UPDATE problem_settings SET working_days = \(bind: before + 4) WHERE category = 'wage_arrears'").run()
            try await Task.sleep(for: .milliseconds(2_100))
            #expect(try await ProblemRules.current(app, app.db).workingDays[.wageArrears] == before + 4)
        }
    }

    @Test(arguments: TestDatabase.all) func twoScansAtOnceEscalateEachProblemOnce(_ db: TestDatabase) async throws {
        try await withApp(db) { app in
            try await Fixture.load(app)
            var cadre = TestClient(app, bearer: try await Fixture.token(app, "A001"))
            let receipt = try (try await VisitTests.post(&cadre, key: "phone-a001-two-scans", VisitTests.body())).content.decode(VisitReceipt.self)
            let id = try #require(receipt.problem_ids.first)
            var district = TestClient(app, bearer: try await Fixture.token(app, "adminA"))
            #expect(try await ProblemTests.step(&district, id, "dispatch", #"{"revision": 1, "unit": "340104001"}"#).status == .ok)
            let problem = try (try await district.send(.GET, "/api/v1/problems/\(id.uuidString)")).content.decode(ProblemService.DTO.self).problem
            let deadline = try #require(problem.deadline.flatMap(Day.init))
            let calendar = try await ProblemRules.current(app, app.db).calendar
            var late = deadline
            for _ in 0..<2 { repeat { late = late.adding(1) } while !calendar.isWorkingDay(late) }
            // Two instances' scheduled scans (or a server and the command line) at the same moment.
            async let first = ProblemScan(app: app, db: app.db).run(today: late)
            async let second = ProblemScan(app: app, db: app.db).run(today: late)
            let (a, b) = try await (first, second)
            #expect(a.escalated + b.escalated == 1, "\(a) \(b)")
            let after = try (try await district.send(.GET, "/api/v1/problems/\(id.uuidString)")).content.decode(ProblemService.DTO.self)
            #expect(after.problem.escalation_level == 1)
            #expect(after.timeline.filter { $0.step == "escalate" }.count == 1)
        }
    }
}
