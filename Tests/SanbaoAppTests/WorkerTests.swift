import Fluent
import Foundation
import SanbaoDomain
import Testing
import VaporTesting
@testable import SanbaoApp

@Suite struct WorkerTests {
    @Test(arguments: TestDatabase.all) func onlyTheAssistanceCentreAndTheOfficeSeeClearValues(_ db: TestDatabase) async throws {
        try await withApp(db) { app in
            try await Fixture.load(app)
            let worker = try await Worker.query(on: app.db).filter(\.$name == "张工").first()!
            var admin = TestClient(app)
            try await admin.signIn("adminA")
            let list = try await admin.send(.GET, "/workers").body.string
            // Hardship is the assistance centre's and the office's to know, not the unit admin's.
            #expect(list.contains("3401**********") && !list.contains(Fixture.workerAID) && !list.contains("困难农民工"))
            try await admin.open("/workers/\(worker.id!)")
            #expect(try await admin.send(.POST, "/workers/\(worker.id!)/reveal", form: [:]).status == .forbidden)
            #expect(try await admin.send(.GET, "/export/workers.csv?clear=1").status == .forbidden)
            let masked = try await admin.send(.GET, "/export/workers.csv").body.string
            #expect(masked.contains("张工") && !masked.contains(Fixture.workerAID) && !masked.contains("月收入"))

            var helper = TestClient(app)
            try await helper.signIn("helper")
            try await helper.open("/workers/\(worker.id!)")
            let shown = try await helper.send(.POST, "/workers/\(worker.id!)/reveal", form: [:]).body.string
            #expect(shown.contains(Fixture.workerAID) && shown.contains("13811112222") && shown.contains("月收入1800元"))
            let clear = try await helper.send(.GET, "/export/workers.csv?clear=1").body.string
            #expect(clear.contains(Fixture.workerAID))
            let audited = try await AuditEvent.query(on: app.db).filter(\.$actorName == "helper").all().map(\.action)
            #expect(audited.contains("personal_data.reveal") && audited.contains("personal_data.export"))
            // A clear export reads back as "nothing changed".
            let again = try await WorkerService(app: app, db: app.db, principal: .system("t"))
                .importCSV(Array(clear.dropFirst().utf8), mode: .validRows)
            #expect(again.summary.unchanged == 2 && again.issues.isEmpty)
            // An exact ID number finds its worker through the digest.
            #expect(try await helper.send(.GET, "/workers?q=\(Fixture.workerAID)").body.string.contains("张工"))
        }
    }

    @Test(arguments: TestDatabase.all) func badWorkerRowsAreReportedWithoutEchoingIDNumbers(_ db: TestDatabase) async throws {
        try await withApp(db) { app in
            try await Fixture.load(app)
            let badCheck = String(Fixture.workerAID.dropLast()) + (Fixture.workerAID.hasSuffix("1") ? "2" : "1")
            let file = """
            姓名,身份证号,电话,企业信用代码,困难类别
            王五,\(badCheck),,\(Fixture.enterpriseA),
            赵六,\(ResidentID.withCheck("34010419900230123")),,\(Fixture.enterpriseA),
            钱七,\(ResidentID.withCheck("34010419900101123")),12345,\(Fixture.enterpriseA),很困难
            孙八,\(ResidentID.withCheck("34010419900101124")),,\(CreditCode.withCheck("91340104MA2N0YYY1")),
            """
            let outcome = try await WorkerService(app: app, db: app.db, principal: .system("t")).importCSV(Array(file.utf8), mode: .validRows)
            let byLine = Dictionary(grouping: outcome.issues, by: \.row).mapValues { Set($0.map(\.reason)) }
            #expect(byLine[2] == [.badIDNumber] && byLine[3] == [.badIDNumber])
            #expect(byLine[4] == [.badPhone, .badChoice] && byLine[5] == [.unknownEnterprise])
            #expect(outcome.issues.allSatisfy { $0.column != "id_number" || $0.value.isEmpty }, "ID numbers are not echoed")
            #expect(outcome.summary.rejected == 4 && outcome.summary.created == 0)
        }
    }
}
