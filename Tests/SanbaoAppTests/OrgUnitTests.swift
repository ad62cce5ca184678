import Fluent
import Foundation
import NIOCore
import SQLKit
import Testing
import VaporTesting
@testable import SanbaoApp

@Suite struct OrgUnitTests {
    @Test(arguments: TestDatabase.all) func adminsCreateRenameMoveAndRetireBelowTheirUnit(_ db: TestDatabase) async throws {
        try await withApp(db) { app in
            try await Fixture.load(app)
            var page = TestClient(app)
            try await page.signIn("adminA")
            try await page.open("/units/340104")
            let created = try await page.send(.POST, "/units", form: ["parent_code": "340104", "code": "340104002",
                                                                       "name": "稻香村街道工会", "kind": "街道工会", "territory": "340104002"])
            #expect(created.status == .seeOther)
            try await page.open("/units/340104002")
            #expect(try await page.send(.POST, "/units/340104002/rename", form: ["name": "稻香村街道总工会"]).status == .seeOther)
            // Move the street with its community under the new street; paths of the whole subtree follow.
            #expect(try await page.send(.POST, "/units/340104001/move", form: ["parent_code": "340104002"]).status == .seeOther)
            let community = try await OrgUnit.query(on: app.db).filter(\.$code == "340104001001").first()!
            let newParent = try await OrgUnit.query(on: app.db).filter(\.$code == "340104002").first()!
            #expect(community.path.hasPrefix(newParent.path) && community.depth == 4)
            // A unit cannot go under its own descendant, and the page says why.
            let loop = try await page.send(.POST, "/units/340104002/move", form: ["parent_code": "340104001001"])
            #expect(loop.status == .unprocessableEntity && loop.body.string.contains("循环"))
            // Retiring needs an empty unit.
            let busy = try await page.send(.POST, "/units/340104001/retire", form: [:])
            #expect(busy.status == .conflict && busy.body.string.contains("请先撤销或移走"))
            #expect(try await page.send(.POST, "/units/340104001001/retire", form: [:]).status == .seeOther)
            #expect(try await page.send(.POST, "/units/340104/rename", form: ["name": "x"]).status == .forbidden, "not their own unit")
            let actions = try await AuditEvent.query(on: app.db).filter(\.$actorName == "adminA").all().map(\.action)
            #expect(Set(actions).isSuperset(of: ["org_unit.create", "org_unit.rename", "org_unit.move", "org_unit.retire"]))
            let rename = try await AuditEvent.query(on: app.db).filter(\.$action == "org_unit.rename").first()!
            #expect(rename.summary.contains("稻香村街道工会") && rename.summary.contains("稻香村街道总工会"))
        }
    }

    /// The counts on the home and unit pages, against a count of each subtree's rows (with a
    /// retired unit and a retired user, which do not count).
    @Test(arguments: TestDatabase.all) func subtreeCountsAreWhatTheRowsSay(_ db: TestDatabase) async throws {
        try await withApp(db) { app in
            try await Fixture.load(app)
            let sql = app.db.sql
            try await sql.raw("UPDATE org_units SET retired_at = \(bind: Date()) WHERE code = '340104001001'").run()
            try await sql.raw("UPDATE users SET retired_at = \(bind: Date()) WHERE username = 'A001'").run()
            let all = try await OrgUnit.query(on: app.db).all()
            let counts = try await OrgUnitService(app: app, db: app.db, principal: .system("t")).subtreeCounts(of: all)
            struct N: Decodable { var n: Int }
            for unit in all {
                let below = SQLQueryString("o.path LIKE \(bind: unit.path + "%")")
                let units = try await sql.raw("SELECT COUNT(*) AS n FROM org_units o WHERE \(below) AND o.retired_at IS NULL AND o.id <> \(bind: unit.id!)")
                    .first(decoding: N.self)!.n
                let people = try await sql.raw("SELECT COUNT(*) AS n FROM users u JOIN org_units o ON o.id = u.unit_id WHERE \(below) AND u.retired_at IS NULL")
                    .first(decoding: N.self)!.n
                let cadres = try await sql.raw("""
                    SELECT COUNT(*) AS n FROM cadres k JOIN users u ON u.id = k.user_id JOIN org_units o ON o.id = u.unit_id WHERE \(below) AND u.retired_at IS NULL
                    """).first(decoding: N.self)!.n
                let c = try #require(counts[unit.id!])
                #expect((c.units, c.people, c.cadres) == (units, people, cadres), "\(unit.code)")
            }
            #expect(counts.values.contains { $0.cadres > 0 } && counts.values.contains { $0.units > 0 })
        }
    }

    @Test(arguments: TestDatabase.all) func viewersAndCadresOnlyRead(_ db: TestDatabase) async throws {
        try await withApp(db) { app in
            try await Fixture.load(app)
            var page = TestClient(app)
            try await page.signIn("viewerA")
            try await page.open("/units/340104001")
            #expect(try await page.send(.POST, "/units/340104001/rename", form: ["name": "x"]).status == .forbidden)
            var api = TestClient(app, bearer: try await Fixture.token(app, "A001"))
            #expect(try await api.send(.POST, "/api/v1/org-units", json: #"{"code":"Z","name":"z","kind":"street","parent_code":"340104001"}"#).status == .forbidden)
        }
    }

    @Test(arguments: TestDatabase.all) func exportReimportsUnchangedAndBadFilesAreReportedRowByRow(_ db: TestDatabase) async throws {
        try await withApp(db) { app in
            try await Fixture.load(app)
            let office = OrgUnitService(app: app, db: app.db, principal: .system("test"))
            let export = try await office.exportCSV()
            let again = try await office.importCSV(Array(export.utf8), mode: .validRows)
            #expect(again.summary.unchanged == 8 && again.summary.created == 0 && again.issues.isEmpty)

            let messy = """
            编码,名称,类型,上级编码,辖区代码,行业,纬度,经度
            340104003,"琥珀街道工会",street,340104,340104003,,,
            340104003,重复,street,340104,,,,
            BAD KIND,坏,planet,340104,,,,
            ORPHAN,孤儿,street,NOWHERE,,,,
            <script>x</script>,注入,street,340104,,,,
            340104004,"'; DROP TABLE org_units; --",street,340104,,,,
            """
            let counted = try await OrgUnit.query(on: app.db).count()
            let strict = try await office.importCSV(Array(messy.utf8), mode: .allOrNothing)
            #expect(strict.summary.rolledBack && strict.summary.created == 0)
            #expect(try await OrgUnit.query(on: app.db).count() == counted, "all-or-nothing wrote nothing")
            let lenient = try await office.importCSV(Array(messy.utf8), mode: .validRows)
            #expect(lenient.summary.created == 2 && lenient.summary.rejected == 4)
            #expect(Set(lenient.issues.map(\.row)) == [3, 4, 5, 6])
            let stored = try await OrgUnit.query(on: app.db).filter(\.$code == "340104004").first()
            #expect(stored?.name == "'; DROP TABLE org_units; --", "stored as text, not run")
        }
    }

    @Test(arguments: TestDatabase.all) func uploadPageReadsGB18030AndOffersTheReport(_ db: TestDatabase) async throws {
        try await withApp(db) { app in
            try await Fixture.load(app)
            var page = TestClient(app)
            try await page.signIn("adminA")
            try await page.open("/import/org-units")
            // "code,name,kind,parent_code\n340104005,琥珀,street,340104\n" saved by an old Excel as GB18030.
            var csv: [UInt8] = Array("code,name,kind,parent_code\n340104005,".utf8) + [0xE7, 0xFA, 0xE7, 0xEA]
            csv += Array(",street,340104\nX,,street,340104\n".utf8)
            let boundary = "sanbao-test-boundary"
            var body = ByteBuffer()
            body.writeString("--\(boundary)\r\nContent-Disposition: form-data; name=\"_csrf\"\r\n\r\n\(page.csrf)\r\n")
            body.writeString("--\(boundary)\r\nContent-Disposition: form-data; name=\"mode\"\r\n\r\nvalid_rows\r\n")
            body.writeString("--\(boundary)\r\nContent-Disposition: form-data; name=\"file\"; filename=\"units.csv\"\r\nContent-Type: text/csv\r\n\r\n")
            body.writeBytes(csv)
            body.writeString("\r\n--\(boundary)--\r\n")
            var headers = HTTPHeaders()
            headers.replaceOrAdd(name: .contentType, value: "multipart/form-data; boundary=\(boundary)")
            headers.replaceOrAdd(name: .cookie, value: page.cookies.map { "\($0.key)=\($0.value)" }.joined(separator: "; "))
            let res = try await app.testing().performTest(request: TestingHTTPRequest(method: .POST, url: URI(path: "/import/org-units"),
                                                                                      headers: headers, body: body))
            #expect(res.status == .unprocessableEntity)
            #expect(res.body.string.contains("GB18030") && res.body.string.contains("新增 1") && res.body.string.contains("拒绝 1"))
            #expect(res.body.string.contains("data:text/csv"))
            #expect(try await OrgUnit.query(on: app.db).filter(\.$code == "340104005").first()?.name == "琥珀")
        }
    }

    @Test(arguments: TestDatabase.all) func apiPagesAndExplainsBadInputField_by_field(_ db: TestDatabase) async throws {
        try await withApp(db) { app in
            try await Fixture.load(app)
            var api = TestClient(app, bearer: try await Fixture.token(app, "office"))
            let page = try await api.send(.GET, "/api/v1/org-units?page=2&per=3")
            struct P: Decodable { var items: [OrgUnitDTO]; var page: Int; var per: Int; var total: Int }
            let decoded = try JSONDecoder().decode(P.self, from: Data(page.body.string.utf8))
            #expect(decoded.page == 2 && decoded.per == 3 && decoded.total == 8 && decoded.items.count == 3)
            let bad = try await api.send(.POST, "/api/v1/org-units?lang=en",
                                         json: #"{"code":"has space","name":"","kind":"planet","parent_code":"3401","lat":"100"}"#)
            #expect(bad.status == .unprocessableEntity)
            #expect(bad.headers.contentType?.description.hasPrefix("application/problem+json") == true)
            struct Problem: Decodable { var status: Int; var title: String; var errors: [E]; struct E: Decodable { var field: String; var reason: String } }
            let problem = try JSONDecoder().decode(Problem.self, from: Data(bad.body.string.utf8))
            #expect(Set(problem.errors.map(\.field)) == ["code", "name", "kind", "lat"])
            #expect(problem.title == "Some fields need correcting.")
            let created = try await api.send(.POST, "/api/v1/org-units",
                                             json: #"{"code":"IND-DZ","name":"市电子信息工会","kind":"industry_union","parent_code":"3401","sectors":"C39;I"}"#)
            #expect(created.status == .created && created.body.string.contains(#""sectors":["C39","I"]"#))
            let patched = try await api.send(.PATCH, "/api/v1/org-units/IND-DZ", json: #"{"name":"市电子信息产业工会"}"#)
            #expect(patched.body.string.contains("市电子信息产业工会"))
            let search = try await api.send(.GET, "/api/v1/org-units?q=%E4%B8%89%E9%87%8C").body.string   // q=三里
            #expect(search.contains("340104001") && search.contains(#""total":1"#))
            let wildcard = try await api.send(.GET, "/api/v1/org-units?q=%25").body.string                   // q=%
            #expect(wildcard.contains(#""total":0"#), "LIKE wildcards in a search are literal")
            let noToken = try await TestClient(app).sendCopy(.GET, "/api/v1/org-units")
            #expect(noToken.status == .unauthorized && noToken.body.string.contains("Bearer"))
        }
    }
}
