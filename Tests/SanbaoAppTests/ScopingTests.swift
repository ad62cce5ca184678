import Fluent
import Foundation
import Testing
import VaporTesting
@testable import SanbaoApp

/// For every route the app has: a unit admin of 蜀山区 aims it at 瑶海区's records and is
/// refused (403/404), and nothing in the database changes. A route added without a case
/// here fails `everyRouteHasACase`.
@Suite struct ScopingTests {
    enum Via { case page, api, none }

    struct Case {
        var route: String          // "METHOD path/:param", as the router lists it
        var via: Via
        var path: String
        var form: [String: String]? = nil
        var json: String? = nil
        /// Routes that act only on the caller's own things explain here why no sibling can be named.
        var ownOnly: String? = nil
        var expected: Set<UInt> = [403, 404]
    }

    static let cases: [Case] = [
        Case(route: "GET healthz", via: .none, path: "/healthz", ownOnly: "public liveness probe"),
        Case(route: "GET api/v1/openapi.json", via: .none, path: "/api/v1/openapi.json", ownOnly: "the public description of the API, the same for everyone"),
        Case(route: "GET sign-in", via: .none, path: "/sign-in", ownOnly: "the form itself"),
        Case(route: "POST sign-in", via: .none, path: "/sign-in", ownOnly: "signs in as oneself; see AuthTests"),
        Case(route: "POST sign-out", via: .none, path: "/sign-out", ownOnly: "ends the caller's own session"),
        Case(route: "GET ", via: .page, path: "/", ownOnly: "shows the caller's own unit"),
        Case(route: "GET units", via: .page, path: "/units", ownOnly: "redirects to the caller's own unit"),
        Case(route: "POST units", via: .page, path: "/units",
             form: ["parent_code": "340102", "code": "X1", "name": "越权", "kind": "street"]),
        Case(route: "GET units/:code", via: .page, path: "/units/340102"),
        Case(route: "POST units/:code/rename", via: .page, path: "/units/340102001/rename", form: ["name": "越权"]),
        Case(route: "POST units/:code/move", via: .page, path: "/units/340104001/move", form: ["parent_code": "340102"]),
        Case(route: "POST units/:code/retire", via: .page, path: "/units/340102001001/retire", form: [:]),
        Case(route: "GET people", via: .page, path: "/people?unit=340102"),
        Case(route: "POST people", via: .page, path: "/people",
             form: ["username": "x9", "display_name": "越权", "unit_code": "340102", "roles[]": "cadre"]),
        Case(route: "GET people/:username", via: .page, path: "/people/B001"),
        Case(route: "POST people/:username/reveal-phone", via: .page, path: "/people/B001/reveal-phone", form: [:]),
        Case(route: "POST people/:username/reset-password", via: .page, path: "/people/adminB/reset-password",
             form: ["password": "taken-over-1"]),
        Case(route: "POST people/:username/retire", via: .page, path: "/people/B001/retire", form: [:]),
        Case(route: "GET import/:kind", via: .page, path: "/import/org-units", ownOnly: "an empty upload form"),
        Case(route: "POST import/:kind", via: .page, path: "/import/cadres", ownOnly: "checked in uploadsOutsideTheSubtreeAreRejected"),
        Case(route: "GET export/:file", via: .page, path: "/export/workers.xlsx?clear=1"),
        Case(route: "GET tokens", via: .page, path: "/tokens", ownOnly: "lists the caller's own tokens"),
        Case(route: "POST tokens", via: .page, path: "/tokens", ownOnly: "creates a token for the caller"),
        Case(route: "POST tokens/:id/revoke", via: .page, path: "/tokens/{tokenB}/revoke", form: [:]),
        Case(route: "GET audit", via: .page, path: "/audit"),
        Case(route: "GET enterprises", via: .page, path: "/enterprises?unit=340102"),
        Case(route: "GET enterprises/:code", via: .page, path: "/enterprises/{enterpriseB}"),
        Case(route: "POST enterprises/:code/reveal-contact", via: .page, path: "/enterprises/{enterpriseB}/reveal-contact", form: [:]),
        Case(route: "GET api/v1/enterprises", via: .api, path: "/api/v1/enterprises?unit=340102"),
        Case(route: "GET api/v1/enterprises/:code", via: .api, path: "/api/v1/enterprises/{enterpriseB}"),
        Case(route: "GET enterprises/duplicates", via: .page, path: "/enterprises/duplicates", ownOnly: "lists only pairs the caller sees; see EnterpriseTests"),
        Case(route: "POST enterprises/duplicates", via: .page, path: "/enterprises/duplicates",
             form: ["keep": "{enterpriseB}", "other": "{enterpriseB}", "decision": "merged"]),
        Case(route: "GET workers", via: .page, path: "/workers?enterprise={enterpriseB}"),
        Case(route: "GET workers/:id", via: .page, path: "/workers/{workerB}"),
        Case(route: "POST workers/:id/reveal", via: .page, path: "/workers/{workerB}/reveal", form: [:]),
        Case(route: "GET api/v1/workers", via: .api, path: "/api/v1/workers?enterprise={enterpriseB}"),
        Case(route: "GET api/v1/workers/:id", via: .api, path: "/api/v1/workers/{workerB}"),
        Case(route: "GET api/v1/me", via: .api, path: "/api/v1/me", ownOnly: "the caller"),
        Case(route: "GET api/v1/org-units", via: .api, path: "/api/v1/org-units?parent=340102"),
        Case(route: "POST api/v1/org-units", via: .api, path: "/api/v1/org-units",
             json: #"{"code":"X2","name":"越权","kind":"street","parent_code":"340102"}"#),
        Case(route: "GET api/v1/org-units/:code", via: .api, path: "/api/v1/org-units/340102001"),
        Case(route: "PATCH api/v1/org-units/:code", via: .api, path: "/api/v1/org-units/340102001", json: #"{"name":"越权"}"#),
        Case(route: "POST api/v1/org-units/:code/retire", via: .api, path: "/api/v1/org-units/340102001001/retire", json: "{}"),
        Case(route: "GET api/v1/users", via: .api, path: "/api/v1/users?unit=340102001"),
        Case(route: "POST api/v1/users", via: .api, path: "/api/v1/users",
             json: #"{"username":"x3","display_name":"越权","unit_code":"340102","roles":["cadre"]}"#),
        Case(route: "GET api/v1/users/:username", via: .api, path: "/api/v1/users/B001"),
        Case(route: "POST api/v1/users/:username/retire", via: .api, path: "/api/v1/users/B001/retire", json: "{}"),
        Case(route: "GET api/v1/audit-events", via: .api, path: "/api/v1/audit-events"),
        Case(route: "GET questionnaires", via: .page, path: "/questionnaires", ownOnly: "shared by every unit; read by all"),
        Case(route: "GET questionnaires/:key", via: .page, path: "/questionnaires/worker", ownOnly: "shared by every unit; read by all"),
        Case(route: "GET questionnaires/:key/export", via: .page, path: "/questionnaires/worker/export", ownOnly: "shared by every unit; read by all"),
        Case(route: "POST questionnaires/:key", via: .page, path: "/questionnaires/worker", form: ["definition": "{}"]),
        Case(route: "POST questionnaires/:key/preview", via: .page, path: "/questionnaires/worker/preview", form: ["definition": "{}"]),
        Case(route: "GET visits", via: .page, path: "/visits", ownOnly: "the caller's own and subtree's visits; see VisitTests"),
        Case(route: "GET visits/new", via: .page, path: "/visits/new?enterprise={enterpriseB}"),
        Case(route: "POST visits", via: .page, path: "/visits", form: [:]),
        Case(route: "GET visits/:id", via: .page, path: "/visits/{visitB}"),
        Case(route: "GET visits/:id/edit", via: .page, path: "/visits/{visitB}/edit"),
        Case(route: "PUT visits/:id", via: .page, path: "/visits/{visitB}", form: [:]),
        Case(route: "POST visits/:id/accept", via: .page, path: "/visits/{visitB}/accept", form: ["revision": "1"]),
        Case(route: "POST visits/:id/return", via: .page, path: "/visits/{visitB}/return", form: ["revision": "1", "comment": "越权"]),
        Case(route: "POST api/v1/visits/:id/photos", via: .api, path: "/api/v1/visits/{visitB}/photos", json: "{}"),
        Case(route: "POST visits/:id/photos", via: .page, path: "/visits/{visitB}/photos", form: [:]),
        Case(route: "GET photos/:sha", via: .page, path: "/photos/{photoB}"),
        Case(route: "GET api/v1/visits", via: .api, path: "/api/v1/visits", ownOnly: "the caller's own and subtree's visits; see VisitTests"),
        Case(route: "POST api/v1/visits", via: .api, path: "/api/v1/visits", json: "{}"),
        Case(route: "GET api/v1/visits/:id", via: .api, path: "/api/v1/visits/{visitB}"),
        Case(route: "GET problems", via: .page, path: "/problems?view=all", ownOnly: "the caller's subtree's problems; see ProblemTests"),
        Case(route: "GET problems/:id", via: .page, path: "/problems/{problemB}"),
        Case(route: "POST problems/:id/:step", via: .page, path: "/problems/{problemB}/dispatch", form: ["revision": "1", "unit": "340104"]),
        Case(route: "GET problem-settings", via: .page, path: "/problem-settings", ownOnly: "the city's settings; read by all"),
        Case(route: "POST problem-settings", via: .page, path: "/problem-settings", form: ["days.wage_arrears": "1"]),
        Case(route: "GET dashboard", via: .page, path: "/dashboard?unit=340102"),
        Case(route: "GET api/v1/progress", via: .api, path: "/api/v1/progress?unit=340102"),
        Case(route: "GET problems/overview", via: .page, path: "/problems/overview", ownOnly: "the caller's subtree's hotspots; see SupervisionTests"),
        Case(route: "GET problems/new", via: .page, path: "/problems/new", ownOnly: "the empty form"),
        Case(route: "POST problems", via: .page, path: "/problems",
             form: ["enterprise": "{enterpriseB}", "category": "wage_arrears", "severity": "high", "description": "越权"], expected: [422]),
        Case(route: "POST api/v1/problems", via: .api, path: "/api/v1/problems",
             json: #"{"enterprise": "{enterpriseB}", "category": "wage_arrears", "severity": "high", "description": "越权"}"#, expected: [422]),
        Case(route: "GET supervision", via: .page, path: "/supervision", ownOnly: "the caller's subtree's orders; see SupervisionTests"),
        Case(route: "GET supervision/new", via: .page, path: "/supervision/new?problem={problemB}"),
        Case(route: "POST supervision", via: .page, path: "/supervision",
             form: ["kind": "problem", "title": "越权", "deadline": "{soon}", "problem": "{problemB}"]),
        Case(route: "GET supervision/:id", via: .page, path: "/supervision/{orderB}"),
        Case(route: "POST supervision/:id/:step", via: .page, path: "/supervision/{orderB}/report", form: ["revision": "1", "note": "越权"]),
        Case(route: "GET api/v1/supervision", via: .api, path: "/api/v1/supervision", ownOnly: "the caller's subtree's orders; see SupervisionTests"),
        Case(route: "POST api/v1/supervision", via: .api, path: "/api/v1/supervision",
             json: #"{"kind": "special", "title": "越权", "deadline": "{soon}", "category": "wage_arrears", "area": "340102"}"#),
        Case(route: "GET api/v1/supervision/:id", via: .api, path: "/api/v1/supervision/{orderB}"),
        Case(route: "POST api/v1/supervision/:id/:step", via: .api, path: "/api/v1/supervision/{orderB}/report", json: #"{"revision": 1, "note": "越权"}"#),
        Case(route: "POST problems/:id/evidence", via: .page, path: "/problems/{problemB}/evidence", form: ["photo": ""]),
        Case(route: "POST api/v1/problems/:id/evidence", via: .api, path: "/api/v1/problems/{problemB}/evidence", json: "{}"),
        Case(route: "GET api/v1/problems/figures", via: .api, path: "/api/v1/problems/figures?unit=340102"),
        Case(route: "GET api/v1/problems", via: .api, path: "/api/v1/problems", ownOnly: "the caller's subtree's problems; see ProblemTests"),
        Case(route: "GET api/v1/problems/:id", via: .api, path: "/api/v1/problems/{problemB}"),
        Case(route: "POST api/v1/problems/:id/:step", via: .api, path: "/api/v1/problems/{problemB}/dispatch", json: #"{"revision": 1, "unit": "340104"}"#),
        Case(route: "PUT api/v1/visits/:id", via: .api, path: "/api/v1/visits/{visitB}", json: "{}"),
        Case(route: "POST api/v1/visits/:id/accept", via: .api, path: "/api/v1/visits/{visitB}/accept", json: #"{"revision": 1}"#),
        Case(route: "POST api/v1/visits/:id/return", via: .api, path: "/api/v1/visits/{visitB}/return",
             json: #"{"revision": 1, "comment": "越权"}"#),
        Case(route: "GET reports", via: .page, path: "/reports", ownOnly: "the caller's own unit's reports and those awaiting its decision"),
        Case(route: "GET reports/completeness", via: .page, path: "/reports/completeness", ownOnly: "the caller's subtree's reporting units; see ReportTests"),
        Case(route: "POST reports/completeness/remind", via: .page, path: "/reports/completeness/remind", ownOnly: "reminds only units in the caller's subtree; see ReportTests"),
        Case(route: "POST reports/settings", via: .page, path: "/reports/settings", form: ["cadence": "monthly", "due_days": "1", "depth": "2"]),
        Case(route: "GET reports/:unit/:period", via: .page, path: "/reports/340102/2026-W47"),
        Case(route: "POST reports/:unit/:period", via: .page, path: "/reports/340102/2026-W47", form: ["work_done": "越权", "revision": "0", "action": "submit"]),
        Case(route: "POST reports/:unit/:period/decide", via: .page, path: "/reports/340102/2026-W47/decide", form: ["action": "accept", "revision": "1"]),
        Case(route: "GET reports/:unit/:period/print", via: .page, path: "/reports/340102/2026-W47/print"),
        Case(route: "GET reports/:unit/:period/figures.xlsx", via: .page, path: "/reports/340102/2026-W47/figures.xlsx"),
        Case(route: "GET api/v1/reports", via: .api, path: "/api/v1/reports?period=2026-W47", ownOnly: "the caller's subtree's reporting units; see ReportTests"),
        Case(route: "GET api/v1/reports/:unit/:period", via: .api, path: "/api/v1/reports/340102/2026-W47"),
        Case(route: "POST api/v1/reports/:unit/:period", via: .api, path: "/api/v1/reports/340102/2026-W47",
             json: #"{"narrative": {"work_done": "越权", "difficulties": "", "next_steps": "", "experience": ""}, "revision": 0, "submit": true}"#),
        Case(route: "POST api/v1/reports/:unit/:period/decide", via: .api, path: "/api/v1/reports/340102/2026-W47/decide", json: #"{"action": "accept", "revision": 1}"#),
        Case(route: "GET statistics", via: .page, path: "/statistics?unit=340102"),
        Case(route: "GET statistics/texts", via: .page, path: "/statistics/texts?unit=340102&question=suggestions"),
        Case(route: "GET statistics/export/:file", via: .page, path: "/statistics/export/responses.csv?unit=340102"),
        Case(route: "POST campaign/quotas", via: .page, path: "/campaign/quotas", form: ["stage": "1", "q.340102.enterprises": "999"]),
        Case(route: "GET campaign", via: .page, path: "/campaign", ownOnly: "lists only the caller's subtree; see AssignmentTests"),
        // The assignment decides between units: the campaign office's alone.
        Case(route: "GET assignment", via: .page, path: "/assignment"),
        Case(route: "GET assignment/explain", via: .page, path: "/assignment/explain?code={enterpriseB}"),
        Case(route: "POST assignment/solve", via: .page, path: "/assignment/solve", form: [:]),
        Case(route: "POST assignment/publish", via: .page, path: "/assignment/publish", form: [:]),
        Case(route: "POST assignment/locks", via: .page, path: "/assignment/locks", form: ["credit_code": "{enterpriseB}", "staff_no": "A001"]),
        Case(route: "POST assignment/locks/delete", via: .page, path: "/assignment/locks/delete", form: ["credit_code": "{enterpriseB}"]),
        Case(route: "POST assignment/exclusions", via: .page, path: "/assignment/exclusions", form: ["staff_no": "B001", "reason": "越权"]),
        Case(route: "POST assignment/fairness", via: .page, path: "/assignment/fairness", form: ["percent": "50", "penalty": "100"]),
        Case(route: "POST assignment/exclusions/delete", via: .page, path: "/assignment/exclusions/delete", form: ["staff_no": "B001"]),
        Case(route: "GET api/v1/campaigns", via: .api, path: "/api/v1/campaigns", ownOnly: "the campaigns and their stages are the whole federation's, read by all"),
        Case(route: "GET api/v1/campaigns/:id/quotas", via: .api, path: "/api/v1/campaigns/{campaign}/quotas", ownOnly: "rows of the caller's own subtree only; see AssignmentTests"),
        Case(route: "GET api/v1/assignment", via: .api, path: "/api/v1/assignment"),
        Case(route: "GET api/v1/assignment/explain", via: .api, path: "/api/v1/assignment/explain?code={enterpriseB}"),
        Case(route: "POST api/v1/assignment/solve", via: .api, path: "/api/v1/assignment/solve", json: "{}"),
        Case(route: "POST api/v1/assignment/publish", via: .api, path: "/api/v1/assignment/publish", json: "{}"),
        Case(route: "POST api/v1/assignment/locks", via: .api, path: "/api/v1/assignment/locks", json: #"{"credit_code": "{enterpriseB}", "staff_no": "A001"}"#),
        Case(route: "POST api/v1/assignment/locks/delete", via: .api, path: "/api/v1/assignment/locks/delete", json: #"{"credit_code": "{enterpriseB}"}"#),
        Case(route: "POST api/v1/assignment/exclusions", via: .api, path: "/api/v1/assignment/exclusions", json: #"{"staff_no": "B001", "reason": "越权"}"#),
        Case(route: "POST api/v1/assignment/exclusions/delete", via: .api, path: "/api/v1/assignment/exclusions/delete", json: #"{"staff_no": "B001"}"#),
    ]

    @Test func everyRouteHasACase() async throws {
        try await withApp(.sqlite) { app in
            let routes = Set(app.routes.all.map { "\($0.method.rawValue) " + $0.path.map(\.description).joined(separator: "/") })
            let covered = Set(Self.cases.map(\.route))
            #expect(routes.subtracting(covered).isEmpty, "routes without a scoping case: \(routes.subtracting(covered).sorted())")
            #expect(covered.subtracting(routes).isEmpty, "cases for routes that no longer exist: \(covered.subtracting(routes).sorted())")
        }
    }

    @Test(arguments: TestDatabase.all) func aSiblingUnitsAdminIsRefusedEverywhereAndChangesNothing(_ db: TestDatabase) async throws {
        try await withApp(db) { app in
            try await Fixture.load(app)
            let tokenB = try await AuthService(app: app, db: app.db)
                .createToken(userID: try await User.query(on: app.db).filter(\.$username == "adminB").first()!.requireID(),
                             name: "b", by: .system("test")).token.requireID()
            let workerB = try await Worker.query(on: app.db).filter(\.$name == "李工").first()!.id!.uuidString
            var cadreB = TestClient(app, bearer: try await Fixture.token(app, "B001"))
            let visitB = try await cadreB.send(.POST, "/api/v1/visits",
                                               json: VisitTests.body().replacingOccurrences(of: Fixture.enterpriseA, with: Fixture.enterpriseB),
                                               headers: ["Idempotency-Key": "phone-b001-scoping"])
            #expect(visitB.status == .created, "\(visitB.body.string)")
            let visitBID = try visitB.content.decode(VisitReceipt.self).id.uuidString
            let problemB = try visitB.content.decode(VisitReceipt.self).problem_ids[0].uuidString
            let photoB = try await VisitService(app: app, db: app.db, principal: try await AuthService(app: app, db: app.db)
                .principal(bearer: try await Fixture.token(app, "B001"), ip: "t")!).addPhoto(to: UUID(uuidString: visitBID)!, data: VisitTests.photo).sha256
            let orderB = try await SupervisionService(app: app, db: app.db, principal: .system("test")).issue(
                .init(kind: .problem, title: "督办", instruction: "", deadline: ProblemRules.today().adding(5),
                      problemIDs: [UUID(uuidString: problemB)!], targetUnitCode: "340102")).uuidString
            // A campaign whose week-47 reports the sibling tries to reach.
            _ = try await ReportTests.campaign(app)
            var page = TestClient(app)
            try await page.signIn("adminA")
            var api = TestClient(app, bearer: try await Fixture.token(app, "adminA"))
            let before = try await Snapshot(app)
            for c in Self.cases where c.ownOnly == nil {
                let path = c.path.replacingOccurrences(of: "{tokenB}", with: tokenB.uuidString)
                    .replacingOccurrences(of: "{enterpriseB}", with: Fixture.enterpriseB)
                    .replacingOccurrences(of: "{workerB}", with: workerB)
                    .replacingOccurrences(of: "{visitB}", with: visitBID)
                    .replacingOccurrences(of: "{photoB}", with: photoB)
                    .replacingOccurrences(of: "{problemB}", with: problemB)
                    .replacingOccurrences(of: "{orderB}", with: orderB)
                func named(_ text: String) -> String {
                    text.replacingOccurrences(of: "{enterpriseB}", with: Fixture.enterpriseB).replacingOccurrences(of: "{problemB}", with: problemB)
                        .replacingOccurrences(of: "{soon}", with: ProblemRules.today().adding(30).description)
                }
                let form = c.form?.mapValues(named)
                let json = c.json.map(named)
                let res: TestingHTTPResponse
                switch c.via {
                case .page:
                    try await page.open("/")
                    res = try await page.send(c.route.hasPrefix("PUT") ? .PUT : form == nil ? .GET : .POST, path, form: form)
                case .api:
                    let method: HTTPMethod = c.route.hasPrefix("PATCH") ? .PATCH : c.route.hasPrefix("PUT") ? .PUT : (c.json == nil ? .GET : .POST)
                    res = try await api.send(method, path, json: json)
                case .none:
                    continue
                }
                #expect(c.expected.contains(res.status.code), "\(c.route) → \(res.status.code)")
            }
            #expect(try await Snapshot(app) == before)
        }
    }

    @Test(arguments: TestDatabase.all) func listsShowOnlyTheSubtree(_ db: TestDatabase) async throws {
        try await withApp(db) { app in
            try await Fixture.load(app)
            var api = TestClient(app, bearer: try await Fixture.token(app, "adminA"))
            let units = try await api.send(.GET, "/api/v1/org-units?per=200").body.string
            #expect(units.contains("340104001001") && !units.contains("340102") && !units.contains(#""code":"3401""#))
            let users = try await api.send(.GET, "/api/v1/users?per=200").body.string
            #expect(users.contains("A001") && !users.contains("B001") && !users.contains("adminB") && !users.contains("\"office\""))
            var page = TestClient(app)
            try await page.signIn("adminA")
            let export = try await page.send(.GET, "/export/org-units.csv").body.string
            #expect(export.contains("340104001") && !export.contains("340102"))
            #expect(try await page.send(.GET, "/export/enterprises.csv?unit=340102").status == .notFound)
            let cadres = try await page.send(.GET, "/export/cadres.csv").body.string
            #expect(cadres.contains("A001") && !cadres.contains("B001"))
            let people = try await page.send(.GET, "/people").body.string
            #expect(people.contains("张伟") && !people.contains("李娜"))
            let enterprises = try await api.send(.GET, "/api/v1/enterprises?per=200").body.string
            #expect(enterprises.contains(Fixture.enterpriseA) && !enterprises.contains(Fixture.enterpriseB))
            let workers = try await api.send(.GET, "/api/v1/workers?per=200").body.string
            #expect(workers.contains("张工") && !workers.contains("李工"))
            let industry = try await TestClient(app, bearer: try await Fixture.token(app, "office")).sendCopy(.GET, "/api/v1/org-units?per=200")
            #expect(industry.body.string.contains("IND-JX"), "the office sees the whole city")
        }
    }

    @Test(arguments: TestDatabase.all) func uploadsOutsideTheSubtreeAreRejected(_ db: TestDatabase) async throws {
        try await withApp(db) { app in
            try await Fixture.load(app)
            let principal = try await AuthService(app: app, db: app.db).principal(bearer: try await Fixture.token(app, "adminA"), ip: "t")!
            let before = try await Snapshot(app)
            let units = try await OrgUnitService(app: app, db: app.db, principal: principal).importCSV(Array("""
                code,name,kind,parent_code
                340102009,越权街道,street,340102
                340102001,改名,street,340102
                340104,改本单位,district,3401
                """.utf8), mode: .validRows)
            #expect(units.summary.rejected == 3 && units.issues.allSatisfy { $0.reason == .outsideScope })
            let cadres = try await UserService(app: app, db: app.db, principal: principal).importCadres(Array("""
                staff_no,name,unit_code,phone,lat,lon,capacity
                B001,改名,340102001,,,,3
                B002,新人,340102,,,,3
                """.utf8), mode: .validRows)
            #expect(cadres.summary.rejected == 2)
            #expect(try await Snapshot(app) == before)
        }
    }
}

/// Everything a refused request must leave as it was.
struct Snapshot: Equatable {
    var units: [String]
    var users: [String]
    var cadres: [String]
    var enterprises: [String]
    var tokens: [String]
    var writes: Int

    init(_ app: Application) async throws {
        units = try await OrgUnit.query(on: app.db).all()
            .map { "\($0.code)|\($0.name)|\($0.path)|\($0.retiredAt == nil)" }.sorted()
        users = try await User.query(on: app.db).all()
            .map { "\($0.username)|\($0.displayName)|\($0.$unit.id)|\($0.rolesText)|\($0.retiredAt == nil)|\($0.passwordHash ?? "")" }.sorted()
        cadres = try await Cadre.query(on: app.db).all().map { "\($0.staffNo)|\($0.capacity)|\($0.$user.id)" }.sorted()
        enterprises = try await Enterprise.query(on: app.db).all().map { "\($0.creditCode)|\($0.name)|\($0.employees)" }.sorted()
            + (try await Worker.query(on: app.db).all().map { "\($0.name)|\($0.idDigest)|\($0.hardship)" }.sorted())
        tokens = try await ApiToken.query(on: app.db).all().map { "\($0.id!)|\($0.revokedAt == nil)" }.sorted()
        // Sign-ins and token creation are the test's own doing; every other write is audited.
        writes = try await AuditEvent.query(on: app.db).all()
            .filter { !$0.action.hasPrefix("auth.") && $0.action != "token.create" }.count
    }
}

extension TestClient {
    func sendCopy(_ method: HTTPMethod, _ path: String) async throws -> TestingHTTPResponse {
        var copy = self
        return try await copy.send(method, path)
    }
}
