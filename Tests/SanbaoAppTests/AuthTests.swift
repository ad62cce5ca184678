import Fluent
import Foundation
import Testing
import VaporTesting
@testable import SanbaoApp

@Suite struct AuthTests {
    @Test(arguments: TestDatabase.all) func signInSetsASafeCookieAndSignOutEndsTheSession(_ db: TestDatabase) async throws {
        try await withApp(db) { app in
            try await Fixture.load(app)
            var client = TestClient(app)
            let res = try await client.signIn("adminA")
            #expect(res.status == .seeOther)
            let cookie = res.headers[.setCookie].first { $0.hasPrefix("sanbao_session=") } ?? ""
            #expect(cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax"))
            #expect(try await client.send(.GET, "/").body.string.contains("蜀山区总工会"))
            #expect(try await AuditEvent.query(on: app.db).filter(\.$action == "auth.sign_in").count() == 1)
            try await client.send(.POST, "/sign-out", form: [:])
            #expect(try await UserSession.query(on: app.db).count() == 0)
            let after = try await client.send(.GET, "/")
            #expect(after.status == .seeOther)
        }
    }

    @Test(arguments: TestDatabase.all) func wrongPasswordsLockTheAccount(_ db: TestDatabase) async throws {
        try await withApp(db) { app in
            try await Fixture.load(app)
            var client = TestClient(app)
            for _ in 0..<2 {
                let res = try await client.signIn("adminA", "wrong-password")
                #expect(res.status == .unauthorized)
                #expect(res.body.string.contains("用户名或密码错误"))
            }
            let third = try await client.signIn("adminA", "wrong-password")
            #expect(third.status == .tooManyRequests)
            let correct = try await client.signIn("adminA")
            #expect(correct.status == .tooManyRequests, "a locked account stays locked even with the right password")
            #expect(try await UserSession.query(on: app.db).count() == 0)
            #expect(try await AuditEvent.query(on: app.db).filter(\.$action == "auth.locked").count() == 1)
            let unknown = try await client.signIn("nobody", "whatever1")
            #expect(unknown.status == .unauthorized)
        }
    }

    @Test(arguments: TestDatabase.all) func formsWithoutTheRightTokenChangeNothing(_ db: TestDatabase) async throws {
        try await withApp(db) { app in
            try await Fixture.load(app)
            var client = TestClient(app)
            try await client.signIn("adminA")
            let before = try await OrgUnit.query(on: app.db).count()
            let missing = try await client.send(.POST, "/units", form: ["parent_code": "340104", "code": "N1", "name": "新", "kind": "street"],
                                                withCSRF: false)
            #expect(missing.status == .forbidden)
            #expect(missing.body.string.contains("表单已失效"))
            let forged = try await client.send(.POST, "/units", form: ["_csrf": "forged", "parent_code": "340104", "code": "N1",
                                                                       "name": "新", "kind": "street"])
            #expect(forged.status == .forbidden)
            #expect(try await OrgUnit.query(on: app.db).count() == before)
            let signIn = try await TestClient(app).signInWithoutToken()
            #expect(signIn.status == .forbidden)
        }
    }

    @Test(arguments: TestDatabase.all) func expiredSessionsSendUsersBackToSignIn(_ db: TestDatabase) async throws {
        try await withApp(db) { app in
            try await Fixture.load(app)
            var client = TestClient(app)
            try await client.signIn("adminA")
            try await UserSession.query(on: app.db).set(\.$lastSeenAt, to: Date().addingTimeInterval(-9 * 3600)).update()
            let res = try await client.send(.GET, "/units")
            #expect(res.status == .seeOther)
            #expect(res.headers.first(name: .location)?.contains("expired=1") == true)
            let page = try await client.send(.GET, "/sign-in?expired=1")
            #expect(page.body.string.contains("会话已过期"))
            let post = try await client.send(.POST, "/units/340104001/rename", form: ["name": "x"])
            #expect(post.status == .forbidden || post.status == .unauthorized)
            #expect(try await OrgUnit.query(on: app.db).filter(\.$name == "x").count() == 0)
        }
    }

    @Test(arguments: TestDatabase.all) func tokensWorkUntilRevokedOrTheirUserRetires(_ db: TestDatabase) async throws {
        try await withApp(db) { app in
            try await Fixture.load(app)
            var page = TestClient(app)
            try await page.signIn("viewerA")
            try await page.open("/tokens")
            let created = try await page.send(.POST, "/tokens", form: ["name": "报表脚本"])
            #expect(created.status == .created)
            let token = created.body.string.components(separatedBy: "id=\"new-token\">").last!.prefix { $0 != "<" }
            #expect(token.hasPrefix("sb_"))
            #expect(try await ApiToken.query(on: app.db).filter(\.$tokenHash == String(token)).count() == 0, "stored hashed")
            var api = TestClient(app, bearer: String(token))
            #expect(try await api.send(.GET, "/api/v1/me").status == .ok)
            let id = try await ApiToken.query(on: app.db).first()!.id!
            try await page.send(.POST, "/tokens/\(id)/revoke", form: [:])
            let revoked = try await api.send(.GET, "/api/v1/me")
            #expect(revoked.status == .unauthorized)
            #expect(revoked.headers.contentType?.description.contains("problem+json") == true)

            let second = try await Fixture.token(app, "viewerA")
            var api2 = TestClient(app, bearer: second)
            #expect(try await api2.send(.GET, "/api/v1/me").status == .ok)
            var admin = TestClient(app)
            try await admin.signIn("adminA")
            try await admin.open("/people/viewerA")
            #expect(try await admin.send(.POST, "/people/viewerA/retire", form: [:]).status == .seeOther)
            #expect(try await api2.send(.GET, "/api/v1/me").status == .unauthorized)
            var fresh = TestClient(app)
            #expect(try await fresh.signIn("viewerA").status == .unauthorized)
        }
    }
}

extension TestClient {
    /// Posts the sign-in form with no token at all, as a cross-site form would.
    func signInWithoutToken() async throws -> TestingHTTPResponse {
        var copy = self
        return try await copy.send(.POST, "/sign-in", form: ["username": "adminA", "password": Fixture.password], withCSRF: false)
    }
}
