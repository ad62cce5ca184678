import Fluent
import Foundation
import SanbaoDomain
import Testing
import VaporTesting
@testable import SanbaoApp

/// Each role's home page starts with that role's own work, under a menu of its own sections.
@Suite struct HomeTests {
    static func home(_ app: Application, _ username: String) async throws -> String {
        var client = TestClient(app)
        try await client.signIn(username)
        return try await client.send(.GET, "/").body.string
    }

    /// The section ids of the page in the order they appear.
    static func order(_ html: String, _ ids: [String]) -> [String] {
        ids.compactMap { id in html.range(of: "id=\"\(id)\"").map { (id, $0.lowerBound) } }.sorted { $0.1 < $1.1 }.map(\.0)
    }

    @Test(arguments: TestDatabase.all) func eachRoleSeesItsOwnWorkFirst(_ db: TestDatabase) async throws {
        try await withApp(db) { app in
            try await Fixture.load(app)
            var cadre = TestClient(app, bearer: try await Fixture.token(app, "A001"))
            let returned = try (try await VisitTests.post(&cadre, key: "phone-a001-home-1", VisitTests.body())).content.decode(VisitReceipt.self)
            _ = try await VisitTests.post(&cadre, key: "phone-a001-home-2", VisitTests.body(people: "车间主任"))
            let admin = try await CalendarTests.principal(app, "adminA")
            _ = try await VisitService(app: app, db: app.db, principal: admin).review(returned.id, accept: false, comment: "请补充", revision: 1)

            let a001 = try await Self.home(app, "A001")
            #expect(a001.contains("id=\"work-visits_returned\"") && a001.contains("/visits?status=returned"))
            #expect(!a001.contains("id=\"work-visits_to_review\""))
            let adminA = try await Self.home(app, "adminA")
            #expect(adminA.contains("id=\"work-visits_to_review\"") && adminA.contains("id=\"work-problems_to_dispatch\""))
            #expect(Self.order(adminA, ["role-work", "report-work"]).first == "role-work")
            let helper = try await Self.home(app, "helper")
            #expect(helper.contains("id=\"work-hardship_migrant\"") && helper.contains("/workers?hardship=migrant"))
            #expect(!adminA.contains("work-hardship_"), "hardship is the assistance centre's to know")
            let office = try await Self.home(app, "office")
            #expect(office.contains("id=\"work-problems_overdue\""))
            let viewer = try await Self.home(app, "viewerA")
            #expect(viewer.contains("id=\"role-work\"") && !viewer.contains("id=\"work-"))
        }
    }

    @Test(arguments: TestDatabase.all) func theMenuOffersTheRolesSectionsThenTheRest(_ db: TestDatabase) async throws {
        try await withApp(db) { app in
            try await Fixture.load(app)
            let cadre = try await Self.home(app, "A001")
            let nav = String(cadre[cadre.range(of: "<nav")!.lowerBound..<cadre.range(of: "</nav>")!.lowerBound])
            let main = String(nav[..<(nav.range(of: "id=\"nav-more\"")?.lowerBound ?? nav.endIndex)])
            #expect(main.components(separatedBy: "<a ").count - 1 == Role.cadre.mainSections.count)
            #expect(main.contains("href=\"/visits\"") && !main.contains("href=\"/audit\"") && !main.contains("href=\"/campaign\""))
            #expect(nav.contains("id=\"nav-more\"") && nav.contains("href=\"/campaign\"") && !nav.contains("href=\"/audit\""))
            let office = try await Self.home(app, "office")
            #expect(office.contains("href=\"/audit\"") && office.contains("href=\"/assignment\""))
        }
    }

    @Test func aUserWithSeveralRolesGetsEachSectionOnce() {
        let (main, more) = Role.navigation(for: [.cadre, .unitAdmin])
        #expect(main.first == .home && Set(main).count == main.count && main.contains(.visits) && main.contains(.reports))
        #expect(Set(main).isDisjoint(with: more) && Set(main).union(more) == Set(Section.allCases))
    }
}

@Suite struct SignInGuardTests {
    /// The dummy is written, not computed: it must still be a hash bcrypt checks (at the
    /// configured cost), or the unknown-user path would answer at once.
    @Test func theTimingDummyIsAHashNoPasswordMatches() throws {
        let guardian = SignInGuard(burst: 1, perMinute: 1, bcryptCost: 6)
        defer { try? guardian.hashing.syncShutdownGracefully() }
        #expect(guardian.timingDummy.hasPrefix("$2b$06$"))
        #expect(try Bcrypt.verify("anything", created: guardian.timingDummy) == false)
    }
}
