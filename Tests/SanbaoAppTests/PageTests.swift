import Fluent
import Foundation
import Testing
import VaporTesting
@testable import SanbaoApp

@Suite struct PageTests {
    /// Every page renders for the office in both languages, with its form token.
    @Test(arguments: TestDatabase.all) func everyPageRenders(_ db: TestDatabase) async throws {
        try await withApp(db) { app in
            try await Fixture.load(app)
            var page = TestClient(app)
            try await page.signIn("office")
            let expectations: [(String, String, String)] = [
                ("/", "合肥市总工会", "Hello"), ("/units/340104", "直属下级单位", "Units directly below"),
                ("/people", "共 ", "people"), ("/people/A001", "139****5678", "Show full phone"),
                ("/tokens", "接口令牌", "API tokens"), ("/audit", "审计日志", "Audit log"),
                ("/import/org-units", "导入组织架构", "Import org units"), ("/import/cadres", "导入走访干部", "Import cadres"),
            ]
            for (path, zh, en) in expectations {
                let res = try await page.send(.GET, path + "?lang=zh-Hans")
                #expect(res.status == .ok, "\(path)")
                #expect(res.body.string.contains(zh), "\(path) zh")
                #expect(res.body.string.contains("name=\"_csrf\""), "\(path) has forms with a token")
                let english = try await page.send(.GET, path + "?lang=en")
                #expect(english.body.string.contains(en), "\(path) en")
            }
            var anonymous = TestClient(app)
            #expect(try await anonymous.send(.GET, "/sign-in").body.string.contains("登录"))
        }
    }

    @Test(arguments: TestDatabase.all) func theLanguageChoiceSticks(_ db: TestDatabase) async throws {
        try await withApp(db) { app in
            var client = TestClient(app)
            let en = try await client.send(.GET, "/sign-in?lang=en")
            #expect(en.body.string.contains("Sign in") && client.cookies["lang"] == "en")
            #expect(try await client.send(.GET, "/sign-in").body.string.contains("<html lang=\"en\">"))
            #expect(try await client.send(.GET, "/sign-in?lang=zh-Hans").body.string.contains("<html lang=\"zh-Hans\">"))
        }
    }

    @Test(arguments: TestDatabase.all) func markupInDataIsShownNotRun(_ db: TestDatabase) async throws {
        try await withApp(db) { app in
            try await Fixture.load(app)
            var api = TestClient(app, bearer: try await Fixture.token(app, "office"))
            let evil = #"<img src=x onerror=alert(1)>"#
            let res = try await api.send(.PATCH, "/api/v1/org-units/340104001", json: #"{"name":"\#(evil)"}"#)
            #expect(res.status == .ok)
            var page = TestClient(app)
            try await page.signIn("office")
            let html = try await page.send(.GET, "/units/340104001").body.string
            #expect(!html.contains(evil) && html.contains("&lt;img src=x onerror=alert(1)&gt;"))
            let search = try await api.send(.GET, "/api/v1/users?q=%27%20OR%201%3D1%20--")
            #expect(search.status == .ok && search.body.string.contains(#""total":0"#))
        }
    }

    @Test func stringTablesMatchAndCoverEveryTemplateKey() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let localizer = try Localizer.load(from: root.appendingPathComponent("Resources/Locales").path)
        let zh = Set(localizer.tables[.zhHans]!.keys)
        let en = Set(localizer.tables[.en]!.keys)
        #expect(zh == en, "keys only in one table: \(zh.symmetricDifference(en).sorted())")
        let views = root.appendingPathComponent("Resources/Views")
        let files = FileManager.default.enumerator(atPath: views.path)!.compactMap { $0 as? String }.filter { $0.hasSuffix(".leaf") }
        let pattern = try Regex(#"#t\("([a-z0-9_.\-]+)""#)
        for file in files {
            let text = try String(contentsOf: views.appendingPathComponent(file), encoding: .utf8)
            for match in text.matches(of: pattern) {
                let key = String(match.output[1].substring!)
                if key.hasSuffix(".") { continue }
                #expect(zh.contains(key), "\(file) uses \(key), which the tables lack")
            }
        }
        for reason in SanbaoDomainReasons.all { #expect(zh.contains("import.reason.\(reason)"), "\(reason)") }
    }
}

import SanbaoDomain
enum SanbaoDomainReasons {
    static var all: [String] { ImportIssue.Reason.allCases.map(\.rawValue) }
}
