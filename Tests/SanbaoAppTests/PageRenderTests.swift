import Foundation
import Testing
import Vapor
@testable import SanbaoApp

/// Every page drawn from a recorded model (`Fixtures/Pages`, made by `Tests/record-pages.py`)
/// with no database: the model decodes, the template draws it in both languages, the page
/// shows the model's key content, and every link on it goes to a route the app registers.
@Suite struct PageRenderTests {
    @Test func home() async throws {
        try await check(HomePage.Page.self) { p in [p.unit.name] + p.tasks.prefix(1).map(\.name) + p.work.map(\.label) }
    }
    @Test func signIn() async throws { try await check(SignInPages.Page.self) { p in [p.username] } }
    @Test func error() async throws { try await check(ErrorPage.self) { p in [p.message] } }
    @Test func dashboard() async throws {
        try await check(DashboardPages.Page.self) { p in [p.unitName, "\(p.problemsFound)", "dashboard-waiting"] + p.children.prefix(1).map(\.name) }
    }
    @Test func assignmentReview() async throws {
        try await check(AssignmentPages.Page.self) { p in [p.campaign, p.district] + p.cadres.prefix(1).map(\.name) }
    }
    @Test func assignmentExplain() async throws { try await check(AssignmentPages.ExplainPage.self) { p in [p.outcome] } }
    @Test func campaign() async throws { try await check(CampaignPages.Page.self) { p in [p.name, p.stage] + p.rows.prefix(1).map(\.name) } }
    @Test func units() async throws { try await check(OrgUnitPages.Page.self) { p in [p.unit.name] + p.children.prefix(1).map(\.name) } }
    @Test func people() async throws {
        try await check(PeoplePages.IndexPage.self) { p in p.people.items.prefix(1).map(\.displayName) }
    }
    @Test func person() async throws {
        try await check(PeoplePages.ShowPage.self) { p in [p.person.displayName, p.person.phone ?? ""] }
    }
    @Test func enterprises() async throws {
        try await check(EnterprisePages.IndexPage.self) { p in ["\(p.total)"] + p.items.prefix(1).map(\.name) }
    }
    @Test func enterprise() async throws { try await check(EnterprisePages.ShowPage.self) { p in [p.e.name, p.e.creditCode, p.size] } }
    @Test func duplicates() async throws {
        try await check(DuplicatePages.Page.self) { p in p.candidates.prefix(1).flatMap { [$0.first_name, $0.second_name] } }
    }
    @Test func workers() async throws { try await check(WorkerPages.IndexPage.self) { p in p.items.prefix(1).flatMap { [$0.name, $0.idMasked] } } }
    @Test func worker() async throws { try await check(WorkerPages.ShowPage.self) { p in [p.w.name, p.phoneMasked] } }
    @Test func tokens() async throws { try await check(TokenPages.Page.self) { p in p.tokens.prefix(1).map(\.name) } }
    @Test func audit() async throws { try await check(AuditPages.Page.self) { p in p.rows.prefix(1).flatMap { [$0.actor, $0.action] } } }
    @Test func visits() async throws { try await check(VisitPages.ListPage.self) { p in p.visits.prefix(1).map(\.enterprise_name) } }
    @Test func visitForm() async throws {
        try await check(VisitPages.FormPage.self) { p in [p.enterpriseName, p.address] }
    }
    @Test func visit() async throws { try await check(VisitPages.ShowPage.self) { p in [p.visit.enterprise_name, p.statusLabel, p.whereabouts] } }
    @Test func problems() async throws {
        try await check(ProblemPages.ListPage.self) { p in [p.total] + p.rows.prefix(1).map(\.enterprise) + p.figures.prefix(1).map(\.unit) }
    }
    @Test func newProblem() async throws { try await check(ProblemPages.NewPage.self) { p in p.categories.prefix(1).map(\.label) } }
    @Test func problemsOverview() async throws {
        try await check(ProblemPages.OverviewPage.self) { p in [p.week] + p.proposals.prefix(1).map(\.enterprise) }
    }
    @Test func problem() async throws {
        try await check(ProblemPages.ShowPage.self) { p in [p.problem.enterprise_name, p.problem.description] }
    }
    @Test func problemSettings() async throws {
        try await check(ProblemSettingsPages.Page.self) { p in p.rows.prefix(1).map { "\($0.days)" } }
    }
    @Test func supervisionList() async throws {
        try await check(SupervisionPages.ListPage.self) { p in p.rows.prefix(1).map(\.order.title) }
    }
    @Test func newSupervision() async throws { try await check(SupervisionPages.NewPage.self) { p in [p.deadline, p.problem?.enterprise_name ?? ""] } }
    @Test func supervisionOrder() async throws {
        try await check(SupervisionPages.ShowPage.self) { p in [p.order.instruction] + p.problems.prefix(1).map(\.enterprise) }
    }
    @Test func reports() async throws { try await check(ReportPages.IndexPage.self) { p in [p.campaign] + p.awaiting.prefix(1).map(\.unitName) } }
    @Test func report() async throws { try await check(ReportPages.ShowPage.self) { p in [p.label] + p.lines.prefix(1).map(\.label) } }
    @Test func reportPrint() async throws { try await check(ReportPages.PrintPage.self) { p in [p.title, p.label, p.status] } }
    @Test func completeness() async throws {
        try await check(ReportPages.CompletenessPage.self) { p in [p.campaign] + p.rows.prefix(1).map(\.name) }
    }
    @Test func statistics() async throws {
        try await check(StatisticsPages.Page.self) { p in [p.unitName, "\(p.responses)"] + p.cards.prefix(1).map(\.title) }
    }
    @Test func statisticsTexts() async throws { try await check(StatisticsPages.TextsPage.self) { p in [p.question] + p.rows.prefix(1).map(\.text) } }
    @Test func questionnaires() async throws {
        try await check(QuestionnairePages.ListPage.self) { p in p.questionnaires.prefix(1).map(\.title) }
    }
    @Test func questionnaire() async throws { try await check(QuestionnairePages.ShowPage.self) { p in [p.key, p.next] } }
    @Test func importFile() async throws { try await check(TransferPages.Page.self) { p in [p.header] } }

    /// Every page the app declares (`static let template = "…"` in `Sources`) has a fixture and is
    /// in the list of pages the tests above draw: a new page without them fails here.
    @Test func everyPageHasAFixtureAndATest() throws {
        let sources = Self.root.appendingPathComponent("Sources/SanbaoApp")
        let files = FileManager.default.enumerator(atPath: sources.path)!.compactMap { $0 as? String }.filter { $0.hasSuffix(".swift") }
        let pattern = try Regex(#"static let template = "([^"]+)""#)
        var declared = Set<String>()
        for file in files {
            let text = try String(contentsOf: sources.appendingPathComponent(file), encoding: .utf8)
            for match in text.matches(of: pattern) { declared.insert(String(match.output[1].substring!)) }
        }
        let fixtures = Set(try FileManager.default.contentsOfDirectory(atPath: Self.fixtures.path))
        #expect(Set(declared.map(PageRecorder.fileName)) == fixtures, "pages without a fixture, or fixtures of no page")
        #expect(declared == Set(Self.pageTemplates), "pages the tests above do not draw: \(declared.subtracting(Self.pageTemplates).sorted())")
    }

    static let pageTemplates: [String] = [
        HomePage.Page.self, SignInPages.Page.self, ErrorPage.self, DashboardPages.Page.self, AssignmentPages.Page.self,
        AssignmentPages.ExplainPage.self, CampaignPages.Page.self, OrgUnitPages.Page.self, PeoplePages.IndexPage.self,
        PeoplePages.ShowPage.self, EnterprisePages.IndexPage.self, EnterprisePages.ShowPage.self, DuplicatePages.Page.self,
        WorkerPages.IndexPage.self, WorkerPages.ShowPage.self, TokenPages.Page.self, AuditPages.Page.self, VisitPages.ListPage.self,
        VisitPages.FormPage.self, VisitPages.ShowPage.self, ProblemPages.ListPage.self, ProblemPages.NewPage.self,
        ProblemPages.OverviewPage.self, ProblemPages.ShowPage.self, ProblemSettingsPages.Page.self, SupervisionPages.ListPage.self,
        SupervisionPages.NewPage.self, SupervisionPages.ShowPage.self, ReportPages.IndexPage.self, ReportPages.ShowPage.self,
        ReportPages.PrintPage.self, ReportPages.CompletenessPage.self, StatisticsPages.Page.self, StatisticsPages.TextsPage.self,
        QuestionnairePages.ListPage.self, QuestionnairePages.ShowPage.self, TransferPages.Page.self,
    ].map { ($0 as any PageModel.Type).template }

    // MARK: Drawing

    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let fixtures = root.appendingPathComponent("Tests/SanbaoAppTests/Fixtures/Pages")

    /// Draws the page's fixture in Chinese and English and checks it; `key` names what the page
    /// must show of its model.
    func check<Page: PageModel>(_ type: Page.Type, key: (Page) -> [String]) async throws {
        let app = try await Application.make(.testing)
        do {
            try configurePages(app, config: AppConfig(database: .sqliteMemory, secret: testSecret, secretSource: "test", bcryptCost: 4))
            try routes(app)
            let data = try Data(contentsOf: Self.fixtures.appendingPathComponent(PageRecorder.fileName(Page.template)))
            let page = try JSONDecoder().decode(Page.self, from: data)
            let zh = try await draw(page, .zhHans, app), en = try await draw(page, .en, app)
            #expect(zh.contains("<html lang=\"\(page.shell.lang)\"") && zh.contains("</html>"), "\(Page.template) is a whole page")
            #expect(en.contains("</html>") && en != zh, "\(Page.template) draws in English too")
            #expect(zh.contains(Self.escaped(page.shell.title)), "\(Page.template) shows its title")
            for text in key(page) where !text.isEmpty {
                #expect(zh.contains(Self.escaped(text)), "\(Page.template) shows \(text)")
            }
            for html in [zh, en] { try Self.checkLinks(html, Page.template, app) }
        } catch {
            try await app.asyncShutdown()
            throw error
        }
        try await app.asyncShutdown()
    }

    private func draw<Page: PageModel>(_ page: Page, _ locale: AppLocale, _ app: Application) async throws -> String {
        let req = Request(application: app, method: .GET, url: URI(path: "/"), on: app.eventLoopGroup.next())
        req.locale = locale
        let view = try await req.view.render(Page.template, page)
        return String(buffer: view.data)
    }

    /// No empty link, and every path on the page is a registered route or a file in `Public`.
    static func checkLinks(_ html: String, _ template: String, _ app: Application) throws {
        #expect(!html.contains("href=\"\"") && !html.contains("action=\"\"") && !html.contains("src=\"\""), "\(template) has an empty link")
        let routes = app.routes.all.map { $0.path.map(\.description) }
        for match in html.matches(of: try Regex(#"(?:href|action|src)="(/[^"?#]*)"#)) {
            let path = String(match.output[1].substring!)
            let segments = path.split(separator: "/").map(String.init)
            if FileManager.default.fileExists(atPath: root.appendingPathComponent("Public" + path).path) { continue }
            let known = routes.contains { pattern in
                pattern.count == segments.count && zip(pattern, segments).allSatisfy { $0.hasPrefix(":") || $0 == $1 }
            }
            #expect(known, "\(template) links to \(path), which no route takes")
        }
    }

    static func escaped(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;").replacingOccurrences(of: ">", with: "&gt;")
            .replacingOccurrences(of: "\"", with: "&quot;").replacingOccurrences(of: "'", with: "&#39;")
    }
}
