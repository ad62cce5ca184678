import Fluent
import Foundation
import Testing
import VaporTesting
@testable import SanbaoApp

@Suite struct PeopleTests {
    @Test func clearPhonesNeverReachTheDatabaseFile() async throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("sanbao-\(UUID())").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try await withApp(.sqlite, file: "\(dir)/db.sqlite") { app in
            try await Fixture.load(app)
            var page = TestClient(app)
            try await page.signIn("adminA")
            let list = try await page.send(.GET, "/people").body.string
            #expect(list.contains("139****5678") && !list.contains("13912345678"))
        }
        for file in try FileManager.default.contentsOfDirectory(atPath: dir) where file.hasPrefix("db.sqlite") && !file.hasSuffix(".key") {
            let bytes = try Data(contentsOf: URL(fileURLWithPath: "\(dir)/\(file)"))
            #expect(bytes.range(of: Data("13912345678".utf8)) == nil, "clear phone found in \(file)")
            #expect(bytes.range(of: Data("13955556666".utf8)) == nil, "clear enterprise contact found in \(file)")
            #expect(bytes.range(of: Data(Fixture.workerAID.utf8)) == nil, "clear ID number found in \(file)")
            #expect(bytes.range(of: Data("13811112222".utf8)) == nil, "clear worker phone found in \(file)")
            #expect(bytes.range(of: Data("月收入1800元".utf8)) == nil, "clear household situation found in \(file)")
        }
    }

    @Test(arguments: TestDatabase.all) func revealingAPhoneIsAllowedToAdminsAndAudited(_ db: TestDatabase) async throws {
        try await withApp(db) { app in
            try await Fixture.load(app)
            var viewer = TestClient(app)
            try await viewer.signIn("viewerA")
            try await viewer.open("/people/A001")
            #expect(try await viewer.send(.POST, "/people/A001/reveal-phone", form: [:]).status == .forbidden)
            var admin = TestClient(app)
            try await admin.signIn("adminA")
            try await admin.open("/people/A001")
            let shown = try await admin.send(.POST, "/people/A001/reveal-phone", form: [:])
            #expect(shown.body.string.contains("13912345678"))
            #expect(shown.headers.first(name: .cacheControl) == "no-store")
            let events = try await AuditEvent.query(on: app.db).filter(\.$action == "personal_data.reveal").all()
            #expect(events.count == 1 && events[0].actorName == "adminA" && events[0].subjectID == "A001")
            #expect(!events[0].summary.contains("13912345678"), "the audit log names the read, not the number")
        }
    }

    @Test(arguments: TestDatabase.all) func creatingUsersChecksEveryFieldAndKeepsTheForm(_ db: TestDatabase) async throws {
        try await withApp(db) { app in
            try await Fixture.load(app)
            var admin = TestClient(app)
            try await admin.signIn("adminA")
            try await admin.open("/people")
            let bad = try await admin.send(.POST, "/people", form: ["username": "adminB", "display_name": "<b>王</b>",
                                                                    "unit_code": "340104001", "roles[]": "office",
                                                                    "password": "short", "phone": "12"])
            #expect(bad.status == .unprocessableEntity)
            let html = bad.body.string
            #expect(html.contains("该账号名已被其他用户使用") && html.contains("您不能授予角色“office”") && html.contains("密码至少需要 8 位"))
            #expect(html.contains("电话号码无效") && html.contains("&lt;b&gt;王&lt;/b&gt;") && !html.contains("<b>王</b>"))
            let good = try await admin.send(.POST, "/people", form: ["username": "wang.fang", "display_name": "王芳",
                                                                     "unit_code": "340104001", "roles[]": "cadre",
                                                                     "password": "long-enough-1", "phone": "13700001111"])
            #expect(good.status == .seeOther)
            var fresh = TestClient(app)
            #expect(try await fresh.signIn("wang.fang", "long-enough-1").status == .seeOther)
        }
    }

    @Test(arguments: TestDatabase.all) func cadreImportUpsertsByStaffNumber(_ db: TestDatabase) async throws {
        try await withApp(db) { app in
            try await Fixture.load(app)
            let service = UserService(app: app, db: app.db, principal: .system("test"))
            let same = try await service.importCadres(Array(Fixture.cadresCSV.utf8), mode: .validRows)
            #expect(same.summary.unchanged == 2 && same.summary.updated == 0)
            let changed = try await service.importCadres(Array("""
                staff_no,name,unit_code,phone,lat,lon,capacity
                A001,张伟,340104001,13900000000,31.86,117.25,15
                C001,赵敏,340104001001,,,,8
                """.utf8), mode: .validRows)
            #expect(changed.summary.updated == 1 && changed.summary.created == 1)
            let cadre = try await Cadre.query(on: app.db).filter(\.$staffNo == "A001").with(\.$user).first()!
            #expect(cadre.capacity == 15 && cadre.user.phoneMasked == "139****0000")
            let update = try await AuditEvent.query(on: app.db).filter(\.$action == "cadre.import_update").first()!
            #expect(update.summary.contains("capacity") && !update.summary.contains("13900000000"))
        }
    }
}
