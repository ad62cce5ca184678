import Fluent
import Foundation
import SanbaoDomain
import SQLKit
import Testing
import VaporTesting
@testable import SanbaoApp

@Suite struct CalendarTests {
    static func principal(_ app: Application, _ username: String) async throws -> Principal {
        let user = try #require(try await User.query(on: app.db).filter(\.$username == username).with(\.$unit).first())
        return AuthService.principal(user: user, unit: user.unit, ip: "test")
    }

    @Test(arguments: TestDatabase.all) func the2026CalendarShipsAndNextYearsIsImported(_ db: TestDatabase) async throws {
        try await withApp(db) { app in
            try await Fixture.load(app)
            let service = CalendarService(app: app, db: app.db, principal: try await Self.principal(app, "office"))
            // Loaded at start from Resources/Calendar: Friday 13 February + 3 working days.
            let calendar = try await service.calendar()
            #expect(calendar.years == [2026])
            #expect(calendar.adding(workingDays: 3, to: Day("2026-02-13")!).description == "2026-02-25")

            // Next year's file: one bad row refuses all of it, nothing changes.
            let bad = "date,kind,name\n2027-01-01,holiday,元旦\n2027-02-08,workday,调休\n"
            let refused = try await service.importCSV(Array(bad.utf8))
            #expect(refused.issues.map { "\($0.row) \($0.reason.rawValue)" } == ["3 not_a_weekend"])
            #expect(try await service.years().map(\.year) == [2026])

            let good = "date,kind,name\n2027-01-01,holiday,元旦\n2027-02-06,workday,春节调休上班\n"
            let done = try await service.importCSV(Array(good.utf8))
            #expect(done.issues.isEmpty && done.summary.created == 2)
            let next = try await service.calendar()
            #expect(next.years == [2026, 2027] && !next.isWorkingDay(Day("2027-01-01")!) && next.isWorkingDay(Day("2027-02-06")!))
            #expect(try await service.exportRows().count == 1 + 39 + 2)

            // Imported again, the same file changes nothing; the audit log has each import.
            #expect(try await service.importCSV(Array(good.utf8)).summary.unchanged == 2)
            struct A: Decodable { var subject_id: String }
            let audit = try await app.db.sql.raw("SELECT subject_id FROM audit_events WHERE action = 'calendar.import' ORDER BY at")
                .all(decoding: A.self).map(\.subject_id)
            #expect(audit == ["2026", "2027", "2027"])

            // Only the office imports it.
            let admin = try await Self.principal(app, "adminA")
            await #expect(throws: AppError.self) { try await CalendarService(app: app, db: app.db, principal: admin).importCSV(Array(good.utf8)) }
        }
    }
}
