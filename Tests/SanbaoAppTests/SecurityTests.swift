import Fluent
import Foundation
import SanbaoDomain
import SQLKit
import Testing
import VaporTesting
import ZIPFoundation
@testable import SanbaoApp

/// The eighteen defects an attack on the demo city found (issue "Security and robustness
/// defects"), one test each, numbered as the issue numbers them. Each failed on the code before
/// the fix.
@Suite struct SecurityTests {
    static func count(_ app: Application, _ sql: String) async throws -> Int {
        struct N: Decodable { var n: Int }
        return try await app.db.sql.raw(SQLQueryString(stringLiteral: sql)).first(decoding: N.self)?.n ?? -1
    }

    // 1. One request from any signed-in user crashed the server.
    @Test(arguments: TestDatabase.all) func aPageNumberPastAnyListIsRefusedNotACrash(_ db: TestDatabase) async throws {
        try await withApp(db) { app in
            try await Fixture.load(app)
            var api = TestClient(app, bearer: try await Fixture.token(app, "viewerA"))
            let huge = "9223372036854775807"
            for list in ["org-units", "users", "enterprises", "workers", "visits", "problems", "supervision", "audit-events"] {
                let res = try await api.send(.GET, "/api/v1/\(list)?page=\(huge)")
                #expect(res.status == .unprocessableEntity || res.status == .forbidden, "\(list): \(res.status)")
                if res.status == .unprocessableEntity { #expect(res.body.string.contains(#""field":"page""#), "\(list)") }
            }
            #expect(try await api.send(.GET, "/api/v1/org-units?page=\(PageRequest.maxPage)&per=200").status == .ok,
                    "the largest page number still multiplies safely")
            var page = TestClient(app)
            try await page.signIn("viewerA")
            for path in ["/enterprises", "/workers", "/people", "/visits", "/problems", "/audit"] {
                let res = try await page.send(.GET, "\(path)?page=\(huge)")
                #expect(res.status == .unprocessableEntity || res.status == .forbidden, "\(path): \(res.status)")
            }
            #expect(try await api.send(.GET, "/api/v1/org-units").status == .ok, "still serving")
            // A phone's accuracy of 1e300 metres was stored, and the visit's page then trapped
            // turning it into an Int.
            var cadre = TestClient(app, bearer: try await Fixture.token(app, "A001"))
            let far = try await VisitTests.post(&cadre, key: "phone-a001-accuracy", VisitTests.body().replacingOccurrences(of: #""accuracy_m": 12"#, with: #""accuracy_m": 1e300"#))
            #expect(far.status == .unprocessableEntity && far.body.string.contains(#""field":"location""#), "\(far.body.string)")
        }
    }

    // 2. Control characters in `next` reached the Location header.
    @Test(arguments: TestDatabase.all) func signInSendsOnlyToAPathOnThisSite(_ db: TestDatabase) async throws {
        try await withApp(db) { app in
            try await Fixture.load(app)
            for (next, expected) in [("/units", "/units"), ("/\r\nSet-Cookie: planted=1", "/"), ("/\t/evil.example/", "/"),
                                     ("//evil.example", "/"), ("/\\evil.example", "/"), ("https://evil.example/", "/"), ("/a b", "/")] {
                var client = TestClient(app)
                try await client.send(.GET, "/sign-in")
                let res = try await client.send(.POST, "/sign-in", form: ["username": "adminA", "password": Fixture.password, "next": next])
                #expect(res.status == .seeOther)
                #expect(res.headers.first(name: .location) == expected, "\(next.debugDescription)")
                #expect(!res.headers[.setCookie].contains { $0.contains("planted") })
            }
            #expect(SignInPages.safeNext("/problems?view=mine&page=2") == "/problems?view=mine&page=2")
        }
    }

    // 3. A unit admin could create users with roles above their own; inspectors below the root
    //    read the whole city's assignment.
    @Test(arguments: TestDatabase.all) func adminsGrantOnlyPowersTheyHold(_ db: TestDatabase) async throws {
        try await withApp(db) { app in
            try await Fixture.load(app)
            _ = try await ReportTests.campaign(app)
            var admin = TestClient(app, bearer: try await Fixture.token(app, "adminA"))
            func create(_ username: String, _ roles: String, unit: String = "340104") async throws -> TestingHTTPResponse {
                try await admin.send(.POST, "/api/v1/users", json: """
                    {"username": "\(username)", "display_name": "\(username)", "unit_code": "\(unit)", "roles": [\(roles)], "password": "\(Fixture.password)"}
                    """)
            }
            let assistance = try await create("help2", #""assistance""#)
            #expect(assistance.status == .unprocessableEntity && assistance.body.string.contains(#""field":"roles""#))
            #expect(try await create("boss2", #""office""#).status == .unprocessableEntity)
            #expect(try await create("insp2", #""inspector""#).status == .created)
            #expect(try await create("cadre9", #""cadre""#).status == .created)
            #expect(try await User.query(on: app.db).filter(\.$username ~~ ["help2", "boss2"]).count() == 0)

            // The district's inspector reads the district, not the city's assignment; the root's does.
            var district = TestClient(app)
            try await district.signIn("insp2")
            #expect(try await district.send(.GET, "/assignment").status == .forbidden)
            #expect(!(try await district.send(.GET, "/").body.string.contains("href=\"/assignment\"")))
            var office = TestClient(app, bearer: try await Fixture.token(app, "office"))
            #expect(try await office.send(.POST, "/api/v1/users", json: """
                {"username": "insp1", "display_name": "督查", "unit_code": "3401", "roles": ["inspector"], "password": "\(Fixture.password)"}
                """).status == .created)
            var root = TestClient(app)
            try await root.signIn("insp1")
            #expect(try await root.send(.GET, "/assignment").status != .forbidden)

            // A peer admin of the same unit is the unit above's to manage.
            #expect(try await office.send(.POST, "/api/v1/users", json: """
                {"username": "adminA2", "display_name": "二号管理员", "unit_code": "340104", "roles": ["unit_admin"], "password": "\(Fixture.password)"}
                """).status == .created)
            var adminPage = TestClient(app)
            try await adminPage.signIn("adminA")
            try await adminPage.open("/people/adminA2")
            let peer = try await adminPage.send(.POST, "/people/adminA2/reset-password", form: ["password": "taken-over-1"])
            #expect(peer.status == .forbidden)
            var signIn = TestClient(app)
            #expect(try await signIn.signIn("adminA2", "taken-over-1").status == .unauthorized)
            try await adminPage.open("/people/A001")
            #expect(try await adminPage.send(.POST, "/people/A001/reset-password", form: ["password": "new-password-1"]).status == .seeOther)
        }
    }

    // 4. The XLSX guard trusted the size the archive declared (a zip bomb killed the server).
    static func workbook(sheetBytes: Int, declare: UInt32? = nil) throws -> [UInt8] {
        let archive = try Archive(data: Data(), accessMode: .create)
        let workbook = Data(#"<?xml version="1.0"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheets/></workbook>"#.utf8)
        try archive.addEntry(with: "xl/workbook.xml", type: .file, uncompressedSize: Int64(workbook.count), compressionMethod: .deflate) { p, n in
            workbook.subdata(in: Int(p)..<Int(p) + n)
        }
        let head = Data(#"<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>"#.utf8)
        let row = Data(#"<row><c t="inlineStr"><is><t>x</t></is></c></row>"#.utf8)
        let tail = Data("</sheetData></worksheet>".utf8)
        let rows = (sheetBytes - head.count - tail.count) / row.count
        let total = head.count + rows * row.count + tail.count
        try archive.addEntry(with: "xl/worksheets/sheet1.xml", type: .file, uncompressedSize: Int64(total), compressionMethod: .deflate,
                             bufferSize: 64 * 1024) { position, size in
            var out = Data(capacity: size)
            var at = Int(position)
            while out.count < size {
                if at < head.count { out.append(head[at]) }
                else if at >= head.count + rows * row.count { out.append(tail[at - head.count - rows * row.count]) }
                else { out.append(row[(at - head.count) % row.count]) }
                at += 1
            }
            return out
        }
        var bytes = [UInt8](archive.data!)
        if let declare {
            // Lie about the sheet's size in its local and central headers, as a zip bomb does.
            let name = Array("xl/worksheets/sheet1.xml".utf8)
            for (signature, sizeAt, nameAt) in [([UInt8]([0x50, 0x4B, 0x03, 0x04]), 22, 30), ([0x50, 0x4B, 0x01, 0x02], 24, 46)] {
                var i = 0
                while i + nameAt + name.count <= bytes.count {
                    if Array(bytes[i..<i + 4]) == signature, Array(bytes[(i + nameAt)..<(i + nameAt + name.count)]) == name {
                        for k in 0..<4 { bytes[i + sizeAt + k] = UInt8(truncatingIfNeeded: declare >> (8 * k)) }
                    }
                    i += 1
                }
            }
        }
        return bytes
    }

    @Test func aWorkbookThatInflatesFarPastItsSizeIsRefusedAsItInflates() throws {
        let honest = try Self.workbook(sheetBytes: 20_000)
        #expect(try XLSX.records(honest, maxFieldLength: 100).count > 300)
        let bomb = try Self.workbook(sheetBytes: 40_000_000)
        #expect(bomb.count < 400_000, "40 MB of XML packs small")
        #expect(throws: XLSX.Problem.self) { try XLSX.records(bomb, maxFieldLength: 100) }
        let lying = try Self.workbook(sheetBytes: 40_000_000, declare: 1_000)
        #expect(throws: (any Error).self) { try XLSX.records(lying, maxFieldLength: 100) }
    }

    @Test(arguments: TestDatabase.all) func aWorkbookBombUploadedIsABadFileNotADeadServer(_ db: TestDatabase) async throws {
        try await withApp(db) { app in
            try await Fixture.load(app)
            let outcome = try await EnterpriseService(app: app, db: app.db, principal: .system("test"))
                .importFile(.bytes(try Self.workbook(sheetBytes: 40_000_000, declare: 1_000)), mode: .allOrNothing)
            #expect(outcome.issues.first?.reason == .badSpreadsheet)
            #expect(try await Enterprise.query(on: app.db).count() == 2)
        }
    }

    // 5. Accept and return sent at once both answered 200 and the tallies drifted.
    @Test(arguments: TestDatabase.all) func reviewsSentAtOnceChangeAVisitOnce(_ db: TestDatabase) async throws {
        try await withApp(db) { app in
            try await Fixture.load(app)
            _ = try await ReportTests.campaign(app)
            var cadre = TestClient(app, bearer: try await Fixture.token(app, "A001"))
            let admin = try await CalendarTests.principal(app, "adminA")
            for round in 0..<4 {
                let receipt = try (try await VisitTests.post(&cadre, key: "phone-a001-race-\(round)", VisitTests.body())).content.decode(VisitReceipt.self)
                let id = receipt.id
                let outcomes = await withTaskGroup(of: String.self) { group in
                    for accept in [true, false, true, false] {
                        group.addTask {
                            do {
                                _ = try await VisitService(app: app, db: app.db, principal: admin)
                                    .review(id, accept: accept, comment: accept ? "" : "人数不符", revision: 1)
                                return "ok"
                            } catch let e as AppError { return "\(e.status.code)" } catch { return "\(error)" }
                        }
                    }
                    return await group.reduce(into: [String]()) { $0.append($1) }
                }
                #expect(outcomes.filter { $0 == "ok" }.count == 1, "\(outcomes)")
                #expect(outcomes.filter { $0 == "409" }.count == 3, "\(outcomes)")
                #expect(try await VisitEvent.query(on: app.db).filter(\.$visit.$id == id).count() == 2, "submitted, then one review")
                #expect(try await Visit.find(id, on: app.db)?.revision == 2)
            }
            // Two corrections with the same If-Match: one is applied.
            let returned = try (try await VisitTests.post(&cadre, key: "phone-a001-race-fix", VisitTests.body())).content.decode(VisitReceipt.self)
            _ = try await VisitService(app: app, db: app.db, principal: admin).review(returned.id, accept: false, comment: "请更正", revision: 1)
            let a001 = try await CalendarTests.principal(app, "A001")
            let fixes = await withTaskGroup(of: String.self) { group in
                for people in ["王经理、三名职工", "王经理、四名职工", "王经理、五名职工"] {
                    group.addTask {
                        do {
                            _ = try await VisitService(app: app, db: app.db, principal: a001)
                                .resubmit(returned.id, body: Array(VisitTests.body(people: people).utf8), revision: 2)
                            return "ok"
                        } catch let e as AppError { return "\(e.status.code)" } catch { return "\(error)" }
                    }
                }
                return await group.reduce(into: [String]()) { $0.append($1) }
            }
            #expect(fixes.filter { $0 == "ok" }.count == 1 && fixes.filter { $0 == "409" }.count == 2, "\(fixes)")
            // The tallies say what the rows say.
            try await Tallies.catchUp(app, app.db)
            let kept = try await ProgressTallyTests.tallyRows(app)
            try await VisitTally.rebuildAll(on: app.db)
            #expect(try await ProgressTallyTests.tallyRows(app) == kept)
        }
    }

    // 6. Forty wrong passwords at once: 27 checked, never locked; the flood starved the pool.
    @Test(arguments: TestDatabase.all) func guessesSentAtOnceStillLockTheAccount(_ db: TestDatabase) async throws {
        try await withApp(db) { app in
            try await Fixture.load(app)
            let outcomes = await withTaskGroup(of: String.self) { group in
                for i in 0..<40 {
                    group.addTask {
                        let result = try? await AuthService(app: app, db: app.db).signIn(username: "adminA", password: "guess-\(i)", ip: "10.9.0.\(i)")
                        return switch result {
                        case .signedIn: "in"
                        case .wrongCredentials: "wrong"
                        case .locked: "locked"
                        case .throttled: "throttled"
                        case nil: "error"
                        }
                    }
                }
                return await group.reduce(into: [String]()) { $0.append($1) }
            }
            #expect(!outcomes.contains("error") && !outcomes.contains("in"))
            let checked = try await AuditEvent.query(on: app.db).filter(\.$action ~~ ["auth.sign_in_failed", "auth.locked"])
                .filter(\.$subjectID == "adminA").count()
            #expect(checked <= app.config.lockoutThreshold, "only the first \(app.config.lockoutThreshold) guesses are checked, not \(checked)")
            let user = try #require(try await User.query(on: app.db).filter(\.$username == "adminA").first())
            #expect((user.lockedUntil ?? .distantPast) > Date())
            var client = TestClient(app)
            #expect(try await client.signIn("adminA").status == .tooManyRequests, "locked, even with the right password")
        }
    }

    @Test(arguments: TestDatabase.all) func oneAddressGetsAFewAttemptsAMinute(_ db: TestDatabase) async throws {
        try await withApp(db, tune: { $0.signInBurst = 5; $0.signInPerMinute = 1 }) { app in
            try await Fixture.load(app)
            var client = TestClient(app)
            for i in 0..<5 { #expect(try await client.signIn("nobody\(i)", "whatever-1").status == .unauthorized) }
            let audited = try await AuditEvent.query(on: app.db).count()
            let sixth = try await client.signIn("adminA")
            #expect(sixth.status == .tooManyRequests && sixth.body.string.contains("登录尝试过多"))
            #expect(try await AuditEvent.query(on: app.db).count() == audited, "nothing was checked")
            let other = try await AuthService(app: app, db: app.db).signIn(username: "adminA", password: Fixture.password, ip: "10.1.1.1")
            guard case .signedIn = other else { Issue.record("another address signs in: \(other)"); return }
        }
    }

    // 7. API tokens survived a password reset.
    @Test(arguments: TestDatabase.all) func aNewPasswordEndsTheTokens(_ db: TestDatabase) async throws {
        try await withApp(db) { app in
            try await Fixture.load(app)
            var script = TestClient(app, bearer: try await Fixture.token(app, "A001"))
            #expect(try await script.send(.GET, "/api/v1/me").status == .ok)
            var admin = TestClient(app)
            try await admin.signIn("adminA")
            try await admin.open("/people/A001")
            #expect(try await admin.send(.POST, "/people/A001/reset-password", form: ["password": "a-new-password"]).status == .seeOther)
            app.readCaches.invalidateAll()
            #expect(try await script.send(.GET, "/api/v1/me").status == .unauthorized)
            // The command line goes through the same service.
            var again = TestClient(app, bearer: try await Fixture.token(app, "A001"))
            try await UserService(app: app, db: app.db, principal: .system("cli")).resetPassword(username: "A001", to: "another-password")
            app.readCaches.invalidateAll()
            #expect(try await again.send(.GET, "/api/v1/me").status == .unauthorized)
        }
    }

    // 8. Anonymous posts made the server hold 25 MB bodies.
    @Test(arguments: TestDatabase.all) func anonymousPostsAreRefusedBeforeTheirBodyIsRead(_ db: TestDatabase) async throws {
        try await withApp(db) { app in
            try await Fixture.load(app)
            let big = [UInt8](repeating: 0x41, count: 3 * 1024 * 1024)
            var anonymous = TestClient(app)
            let upload = try await anonymous.send(.POST, "/import/enterprises", bytes: big, headers: ["Content-Type": "text/csv"])
            #expect(upload.status == .unauthorized)
            #expect(try await anonymous.send(.POST, "/units", bytes: big, headers: ["Content-Type": "application/x-www-form-urlencoded"]).status == .unauthorized)
            let signIn = try await anonymous.send(.POST, "/sign-in", bytes: big, headers: ["Content-Type": "application/x-www-form-urlencoded"])
            #expect(signIn.status == .payloadTooLarge)
            // Signed in, a page takes what its route takes: 1 MB for a form, more only where files go.
            var admin = TestClient(app)
            try await admin.signIn("adminA")
            let form = try await admin.send(.POST, "/units", bytes: big, headers: ["Content-Type": "application/x-www-form-urlencoded"])
            #expect(form.status == .payloadTooLarge)
            let file = try await admin.send(.POST, "/import/enterprises", bytes: big, headers: ["Content-Type": "text/csv"])
            #expect(file.status != .payloadTooLarge)
        }
    }

    // 9. A leading "-" (and TAB, CR) reached the office's CSV exports as a formula.
    @Test(arguments: TestDatabase.all) func exportedCellsNeverRunAsFormulas(_ db: TestDatabase) async throws {
        try await withApp(db) { app in
            try await Fixture.load(app)
            let code = CreditCode.withCheck("91340104MA2N0CCC1")
            let csv = "credit_code,name,division_code,industry_code,size_class,above_scale,employees,contact\n"
                + "\(code),-2+3+cmd|' /C calc'!A0,340104001,3411,small,no,10,\n"
            let imported = try await EnterpriseService(app: app, db: app.db, principal: .system("test")).importCSV(Array(csv.utf8), mode: .allOrNothing)
            #expect(imported.issues.isEmpty, "\(imported.issues)")
            var office = TestClient(app)
            try await office.signIn("office")
            let export = try await office.send(.GET, "/export/enterprises.csv").body.string
            #expect(export.contains("'-2+3+cmd"))
            #expect(!export.split(separator: "\n").contains { $0.split(separator: ",").contains { $0.hasPrefix("-2+3") } })
        }
    }

    // 10. The same username or unit code created twice at once answered 500.
    @Test(arguments: TestDatabase.all) func theSameNameCreatedAtOnceIsTakenNotAnError(_ db: TestDatabase) async throws {
        try await withApp(db) { app in
            try await Fixture.load(app)
            let token = try await Fixture.token(app, "adminA")
            let statuses = await withTaskGroup(of: UInt.self) { group in
                for i in 0..<12 {
                    group.addTask {
                        var client = TestClient(app, bearer: token)
                        let body = i % 2 == 0
                            ? #"{"username": "twin", "display_name": "双胞胎", "unit_code": "340104", "roles": ["viewer"]}"#
                            : #"{"code": "340104009", "name": "新街道工会", "kind": "street", "parent_code": "340104"}"#
                        return (try? await client.send(.POST, i % 2 == 0 ? "/api/v1/users" : "/api/v1/org-units", json: body).status.code) ?? 0
                    }
                }
                return await group.reduce(into: [UInt]()) { $0.append($1) }
            }
            #expect(statuses.filter { $0 == 201 }.count == 2, "\(statuses)")
            #expect(statuses.allSatisfy { $0 == 201 || $0 == 422 }, "\(statuses)")
            // What the race meets, shown directly: a unique index's refusal is the field's "taken".
            let twin = try #require(try await User.query(on: app.db).filter(\.$username == "twin").first())
            await #expect(throws: AppError.self) {
                try await UniqueViolation.named("username", "import.reason.username_taken", ["twin", ""]) {
                    try await User(username: "twin", displayName: "又一个", unitID: twin.$unit.id, roles: [.viewer]).create(on: app.db)
                }
            }
        }
    }

    // 11. A double-submitted problem or supervision form filed two records.
    @Test(arguments: TestDatabase.all) func aFormSentTwiceFilesOneRecord(_ db: TestDatabase) async throws {
        try await withApp(db) { app in
            try await Fixture.load(app)
            var office = TestClient(app)
            try await office.signIn("office")
            let page = try await office.open("/problems/new").body.string
            let once = try #require(Self.hidden("_once", in: page))
            let form = ["_once": once, "enterprise": Fixture.enterpriseA, "category": "wage_arrears", "severity": "high", "description": "拖欠工资两个月"]
            let first = try await office.send(.POST, "/problems", form: form)
            let second = try await office.send(.POST, "/problems", form: form)
            #expect(first.status == .seeOther && second.status == .seeOther)
            #expect(first.headers.first(name: .location) == second.headers.first(name: .location))
            #expect(try await Self.count(app, "SELECT COUNT(*) AS n FROM problems") == 1)
            // A fresh page gives a fresh key: a second problem is a second record.
            let again = try #require(Self.hidden("_once", in: try await office.open("/problems/new").body.string))
            var next = form
            next["_once"] = again
            #expect(try await office.send(.POST, "/problems", form: next).status == .seeOther)
            #expect(try await Self.count(app, "SELECT COUNT(*) AS n FROM problems") == 2)

            let location = try #require(first.headers.first(name: .location))
            let problemID = String(location.dropFirst("/problems/".count).prefix(36))
            let orderPage = try await office.open("/supervision/new?problem=\(problemID)").body.string
            let orderOnce = try #require(Self.hidden("_once", in: orderPage))
            let order = ["_once": orderOnce, "kind": "problem", "title": "督办欠薪", "instruction": "五日内报告",
                         "deadline": ProblemRules.today().adding(7).description, "problem": problemID, "target": "340104"]
            let o1 = try await office.send(.POST, "/supervision", form: order)
            let o2 = try await office.send(.POST, "/supervision", form: order)
            #expect(o1.status == .seeOther && o1.headers.first(name: .location) == o2.headers.first(name: .location), "\(o1.status) \(o1.body.string.suffix(1500))")
            #expect(try await Self.count(app, "SELECT COUNT(*) AS n FROM supervision_orders") == 1)
        }
    }

    static func hidden(_ name: String, in html: String) -> String? {
        guard let range = html.range(of: "name=\"\(name)\" value=\"") else { return nil }
        return String(html[range.upperBound...].prefix { $0 != "\"" })
    }

    // 12. A cadre learned whether an ID number was registered anywhere in the city.
    @Test(arguments: TestDatabase.all) func aCadreLearnsNothingOfWorkersOutsideTheirPart(_ db: TestDatabase) async throws {
        try await withApp(db) { app in
            try await Fixture.load(app)
            var cadre = TestClient(app, bearer: try await Fixture.token(app, "A001"))
            func body(_ idNumber: String) -> String {
                VisitTests.body().replacingOccurrences(of: #"{"questionnaire": "worker", "version": 1,"#, with: """
                    {"questionnaire": "worker", "version": 1, "new_worker": {"name": "李工", "id_number": "\(idNumber)"},
                    """)
            }
            let workersBefore = try await VisitTests.count(app, "workers")
            // 李工 works at an enterprise of 瑶海区, outside the cadre's 蜀山区.
            let outside = try await VisitTests.post(&cadre, key: "phone-a001-oracle-1", body(ResidentID.withCheck("34010219900101002")))
            #expect(outside.status == .created, "\(outside.body.string)")
            #expect(!outside.body.string.contains("id_number"))
            #expect(try await VisitTests.count(app, "workers") == workersBefore, "no second registry row")
            #expect(try await AuditEvent.query(on: app.db).filter(\.$action == "worker.met_elsewhere").count() == 1)
            // Inside the cadre's part of the tree, at another enterprise, it may be said.
            let inside = CreditCode.withCheck("91340104MA2N0DDD1")
            _ = try await EnterpriseService(app: app, db: app.db, principal: .system("test")).importCSV(Array("""
                credit_code,name,division_code,industry_code,size_class,above_scale,employees,contact
                \(inside),合肥蜀山电子有限公司,340104001,3971,small,no,30,

                """.utf8), mode: .allOrNothing)
            let nearby = ResidentID.withCheck("34010419870203004")
            _ = try await WorkerService(app: app, db: app.db, principal: .system("test")).importCSV(Array("""
                name,id_number,phone,enterprise_code,job,migrant,household,hardship
                钱工,\(nearby),,\(inside),电工,no,,

                """.utf8), mode: .allOrNothing)
            let said = try await VisitTests.post(&cadre, key: "phone-a001-oracle-2", body(nearby))
            #expect(said.status == .unprocessableEntity && said.body.string.contains("new_worker.id_number"))
        }
    }

    // 13. Viewers and cadres saw hardship categories and cadres' homes to six decimals.
    @Test(arguments: TestDatabase.all) func hardshipAndHomesShowOnlyToThoseWhoMaySeeThem(_ db: TestDatabase) async throws {
        try await withApp(db) { app in
            try await Fixture.load(app)
            try await Cadre.query(on: app.db).filter(\.$staffNo == "A001").set(\.$lat, to: 31.861234).set(\.$lon, to: 117.251234).update()
            app.readCaches.invalidateAll()
            var viewer = TestClient(app, bearer: try await Fixture.token(app, "viewerA"))
            var helper = TestClient(app, bearer: try await Fixture.token(app, "helper"))
            var admin = TestClient(app, bearer: try await Fixture.token(app, "adminA"))
            #expect(!(try await viewer.send(.GET, "/api/v1/workers").body.string.contains(#""hardship":""#)))
            // Filtering by it would tell as much: the filter is not applied for them.
            #expect(try await viewer.send(.GET, "/api/v1/workers?hardship=none").body.string.contains("张工"))
            let seen = try await helper.send(.GET, "/api/v1/workers").body.string
            #expect(seen.contains(#""hardship":"migrant""#), "\(seen.prefix(300))")
            var pages = TestClient(app)
            try await pages.signIn("viewerA")
            let list = try await pages.send(.GET, "/workers").body.string
            #expect(!list.contains("困难农民工") && !list.contains("id=\"hardship\""))
            let viewed = try await viewer.send(.GET, "/api/v1/users/A001").body.string
            #expect(viewed.contains("31.86") && !viewed.contains("31.861234") && !viewed.contains("117.251234"))
            #expect(try await admin.send(.GET, "/api/v1/users/A001").body.string.contains("31.861234"))
        }
    }

    // 14. Bytes after a JPEG's image data were served (GPS EXIF in a trailer).
    @Test(arguments: TestDatabase.all) func aPhotosTrailerIsNotKept(_ db: TestDatabase) async throws {
        try await withApp(db) { app in
            try await Fixture.load(app)
            var cadre = TestClient(app, bearer: try await Fixture.token(app, "A001"))
            let visit = try (try await VisitTests.post(&cadre, key: "phone-a001-photo-trailer", VisitTests.body())).content.decode(VisitReceipt.self)
            let jpeg: [UInt8] = [0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x10] + Array("JFIF\0".utf8) + [1, 1, 0, 0, 1, 0, 1, 0, 0]
                + [0xFF, 0xDB, 0x00, 0x43, 0x00] + Array(repeating: 1, count: 64)
                + [0xFF, 0xDA, 0x00, 0x08, 1, 1, 0, 0, 63, 0, 0x12, 0x34, 0xFF, 0xD9]
            let trailer = Array("Exif\0\0MM GPS 31.8612 117.2512 trailer".utf8)
            let sent = try await cadre.send(.POST, "/api/v1/visits/\(visit.id)/photos", bytes: jpeg + trailer, headers: ["Content-Type": "image/jpeg"])
            #expect(sent.status == .created, "\(sent.body.string)")
            let sha = try sent.content.decode(VisitService.PhotoDTO.self).sha256
            #expect(try await VisitTests.count(app, "photo_files") == 1)
            let bytes = try #require(try await PhotoStore.data(sha, on: app.db))
            #expect([UInt8](bytes) == jpeg)
        }
    }

    // 15. No anti-framing or other security headers.
    @Test(arguments: TestDatabase.all) func everyResponseRefusesFramingAndSniffing(_ db: TestDatabase) async throws {
        try await withApp(db) { app in
            try await Fixture.load(app)
            var client = TestClient(app)
            for path in ["/sign-in", "/no-such-page", "/api/v1/me", "/healthz"] {
                let res = try await client.send(.GET, path)
                #expect(res.headers.first(name: "X-Frame-Options") == "DENY", "\(path)")
                #expect(res.headers.first(name: "Content-Security-Policy")?.contains("frame-ancestors 'none'") == true, "\(path)")
                #expect(res.headers.first(name: "X-Content-Type-Options") == "nosniff", "\(path)")
                #expect(res.headers.first(name: "Referrer-Policy") == "same-origin", "\(path)")
            }
        }
    }

    // 16. A locked account answered at once, an unknown one after a bcrypt check.
    @Test(arguments: TestDatabase.all) func aLockedAccountAnswersLikeAnUnknownOne(_ db: TestDatabase) async throws {
        try await withApp(db, tune: { $0.bcryptCost = 9 }) { app in
            try await Fixture.load(app)
            var client = TestClient(app)
            for name in ["adminA", "ghost"] {
                for _ in 0..<(app.config.lockoutThreshold - 1) { #expect(try await client.signIn(name, "wrong-guess").status == .unauthorized) }
                #expect(try await client.signIn(name, "wrong-guess").status == .tooManyRequests, "\(name) locks alike")
            }
            func answer(_ name: String) async throws -> (UInt, String, Double) {
                var c = TestClient(app)
                try await c.send(.GET, "/sign-in")
                let start = DispatchTime.now().uptimeNanoseconds
                let res = try await c.send(.POST, "/sign-in", form: ["username": name, "password": "wrong-guess"])
                let ms = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6
                let message = res.body.string.range(of: "id=\"sign-in-message\">").map { String(res.body.string[$0.upperBound...].prefix(80)) } ?? ""
                return (res.status.code, message, ms)
            }
            var locked: [Double] = [], unknown: [Double] = []
            for _ in 0..<5 {
                let a = try await answer("adminA"), g = try await answer("ghost")
                #expect(a.0 == g.0 && a.1 == g.1, "the same words: \(a.1) / \(g.1)")
                locked.append(a.2)
                unknown.append(g.2)
            }
            let (l, u) = (locked.sorted()[2], unknown.sorted()[2])
            #expect(l > u * 0.5, "a locked account takes as long as an unknown one: \(l) ms vs \(u) ms")
        }
    }

    // 17. Names took bidi overrides and invisible characters; usernames differing in case.
    @Test(arguments: TestDatabase.all) func namesShowWhatTheySayAndUsernamesDifferByMoreThanCase(_ db: TestDatabase) async throws {
        try await withApp(db) { app in
            try await Fixture.load(app)
            var office = TestClient(app, bearer: try await Fixture.token(app, "office"))
            for (i, name) in ["\u{FEFF}", "工会\u{202E}会工", "\u{200B}", "甲\u{2066}乙"].enumerated() {
                let res = try await office.send(.POST, "/api/v1/org-units", json: #"{"code": "34010400\#(i)", "name": "\#(name)", "kind": "street", "parent_code": "340104"}"#)
                #expect(res.status == .unprocessableEntity && res.body.string.contains(#""field":"name""#), "\(name.unicodeScalars.map(\.value))")
            }
            let upper = try await office.send(.POST, "/api/v1/users", json: #"{"username": "OFFICE", "display_name": "假办公室", "unit_code": "3401", "roles": ["viewer"]}"#)
            #expect(upper.status == .unprocessableEntity && upper.body.string.contains(#""field":"username""#))
            let cadres = try await UserService(app: app, db: app.db, principal: .system("test"))
                .importCadres(Array("staff_no,name,unit_code,phone,lat,lon,capacity\na001,张伟二,340104001,,,,5\n".utf8), mode: .allOrNothing)
            #expect(cadres.issues.contains { $0.column == "staff_no" && $0.reason == .usernameTaken })
        }
    }

    // 18. Validation gaps and 4xx answers that named no field.
    @Test(arguments: TestDatabase.all) func datesOutOfRangeAndUnreadableBodiesNameTheirField(_ db: TestDatabase) async throws {
        try await withApp(db) { app in
            try await Fixture.load(app)
            _ = try await ReportTests.campaign(app)
            var cadre = TestClient(app, bearer: try await Fixture.token(app, "A001"))
            let old = VisitTests.body().replacingOccurrences(of: "2026-11-20T", with: "1900-11-20T")
            let visit = try await VisitTests.post(&cadre, key: "phone-a001-1900", old)
            #expect(visit.status == .unprocessableEntity && visit.body.string.contains(#""field":"started_at""#), "\(visit.body.string)")

            var office = TestClient(app, bearer: try await Fixture.token(app, "office"))
            let created = try await office.send(.POST, "/api/v1/problems",
                                                json: #"{"enterprise": "\#(Fixture.enterpriseA)", "category": "financing", "severity": "high", "description": "贷款难"}"#)
            let id = try created.content.decode(ProblemService.DTO.self).problem.id
            #expect(try await ProblemTests.step(&office, id, "dispatch", #"{"revision": 1, "unit": "340104"}"#).status == .ok)
            #expect(try await ProblemTests.step(&office, id, "accept", #"{"revision": 2}"#).status == .ok)
            let year0 = try await ProblemTests.step(&office, id, "refer", #"{"revision": 3, "department": "金融局", "reply_by": "0000-01-01"}"#)
            #expect(year0.status == .unprocessableEntity && year0.body.string.contains(#""field":"reply_by""#))

            let numbers = try await office.send(.POST, "/api/v1/org-units",
                                                json: #"{"code": "340104002", "name": "新街道工会", "kind": "street", "parent_code": "340104", "lat": 31.87, "lon": 117.24}"#)
            #expect(numbers.status == .created, "\(numbers.body.string)")
            #expect(try await OrgUnit.query(on: app.db).filter(\.$code == "340104002").first()?.lat == 31.87)
            let wrongType = try await office.send(.POST, "/api/v1/org-units", json: #"{"code": 340104003, "name": "x", "kind": "street"}"#)
            #expect(wrongType.status == .badRequest && wrongType.body.string.contains(#""field":"code""#), "\(wrongType.body.string)")

            var admin = TestClient(app, bearer: try await Fixture.token(app, "adminA"))
            let missing = try await admin.send(.POST, "/api/v1/reports/340104/2026-W47",
                                               json: #"{"revision": 0, "narrative": {"work_done": "走访1家", "difficulties": "", "experience": ""}}"#)
            #expect(missing.status == .badRequest && missing.body.string.contains(#""field":"narrative.next_steps""#), "\(missing.body.string)")
            // In the caller's language.
            let english = try await admin.send(.POST, "/api/v1/reports/340104/2026-W47", json: #"{"revision": 0}"#,
                                               headers: ["Accept-Language": "en-US,en;q=0.9"])
            #expect(english.body.string.contains("is missing"), "\(english.body.string)")
        }
    }

    // Decided with the eighteen: two office users editing the settings or the task table at once.
    @Test(arguments: TestDatabase.all) func theSecondOfTwoEditsAtOnceHearsOfTheFirst(_ db: TestDatabase) async throws {
        try await withApp(db) { app in
            try await Fixture.load(app)
            _ = try await ReportTests.campaign(app)
            var first = TestClient(app), second = TestClient(app)
            try await first.signIn("office")
            try await second.signIn("office")
            var form = Dictionary(uniqueKeysWithValues: ProblemCategory.allCases.map { ("days.\($0.rawValue)", "\($0.defaultWorkingDays)") })
            for category in ProblemCategory.allCases where category.pausesOnReferral { form["pause.\(category.rawValue)"] = "1" }
            for (key, _) in LedgerThresholds.keys { form["threshold.\(key)"] = "\(LedgerThresholds.standard[key]!)" }
            let basis1 = try #require(Self.hidden("basis", in: try await first.open("/problem-settings").body.string))
            let basis2 = try #require(Self.hidden("basis", in: try await second.open("/problem-settings").body.string))
            form["basis"] = basis1
            form["days.wage_arrears"] = "5"
            #expect(try await first.send(.POST, "/problem-settings", form: form).status == .seeOther)
            form["basis"] = basis2
            form["days.wage_arrears"] = "10"
            form["days.safety"] = "2"
            #expect(try await second.send(.POST, "/problem-settings", form: form).status == .conflict)
            let rules = try await ProblemRules.current(app, app.db)
            #expect(rules.workingDays[.wageArrears] == 5 && rules.workingDays[.safety] == 3)

            let grid1 = try await first.open("/campaign").body.string, grid2 = try await second.open("/campaign").body.string
            func cells(_ n: Int, basis: String) -> [String: String] {
                ["stage": "1", "basis": basis, "q.3401.enterprises": "\(n)", "q.3401.workers": "5", "q.3401.questionnaires": "15", "q.3401.problems": "2"]
            }
            #expect(try await first.send(.POST, "/campaign/quotas", form: cells(30, basis: try #require(Self.hidden("basis", in: grid1)))).status == .seeOther)
            #expect(try await second.send(.POST, "/campaign/quotas", form: cells(40, basis: try #require(Self.hidden("basis", in: grid2)))).status == .conflict)
            let root = try #require(try await OrgUnit.query(on: app.db).filter(\.$code == "3401").first())
            #expect(try await Quota.query(on: app.db).filter(\.$unit.$id == root.id!).first()?.figures.enterprises == 30)
        }
    }
}
