import Foundation
import SanbaoDomain
import SQLKit
import Vapor

/// Supervision orders on pages: the list (to report on, issued by us), the form that issues one
/// (from a problem's page, or from a hotspot as a special inspection), and an order with its
/// problems, timeline, report-back and the issuer's decision.
struct SupervisionPages: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.get(Site.supervision, use: index)
        routes.get(Site.newSupervision, use: new)
        routes.post(Site.supervision, use: issue)
        routes.get(Site.supervisionOrder(":id"), use: show)
        routes.post(Site.supervisionAction(":id", ":step"), use: step)
    }

    private func service(_ req: Request) throws -> SupervisionService {
        SupervisionService(app: req.application, db: req.db, principal: try req.requirePrincipal())
    }

    struct Row: Codable {
        var order: SupervisionService.Order
        var overdue: Bool
    }

    struct ListPage: PageModel {

        static let template = "supervision/index"
        var shell: Shell
        var view: String
        var views: [String]
        var rows: [Row]
        var total: Int
    }

    func index(req: Request) async throws -> Response {
        let view = SupervisionService.View(rawValue: req.query["view"] ?? "") ?? .all
        let page = try await service(req).list(try PageRequest(req), view: view)
        let today = ProblemRules.today()
        return try await req.render(ListPage(
            shell: Shell(req, title: req.t("supervision.title")), view: view.rawValue,
            views: SupervisionService.View.allCases.map(\.rawValue),
            rows: page.items.map { Row(order: $0, overdue: SupervisionService.isOverdue($0, today: today)) }, total: page.total))
    }

    struct NewPage: PageModel {

        static let template = "supervision/new"
        var shell: Shell
        var kind: String
        var problem: ProblemService.Row?
        var category, area, title, deadline, today: String
        var categories, units: [Choice]
    }

    /// `?problem=ID` (one problem) or `?category=C&area=CODE` (a special inspection).
    func new(req: Request) async throws -> Response {
        let principal = try req.requirePrincipal()
        try principal.require(.superviseProblems)
        let problems = ProblemService(app: req.application, db: req.db, principal: principal)
        var problem: ProblemService.Row?
        if let id = req.query[UUID.self, at: "problem"] { problem = try await problems.row(id) }
        let rules = try await ProblemRules.current(req.application, req.db)
        let today = ProblemRules.today()
        let category = req.query[String.self, at: "category"] ?? ""
        let area = req.query[String.self, at: "area"] ?? ""
        var title = req.query[String.self, at: "title"] ?? ""
        if title.isEmpty, let problem { title = "\(req.t("problem.category." + problem.category))：\(problem.enterprise_name)" }
        if title.isEmpty, !category.isEmpty, !area.isEmpty, let unit = try? await principal.scope.unit(code: area, on: req.db) {
            title = req.t("supervision.special_title", unit.name, req.t("problem.category." + category))
        }
        // The units below the issuer's own: an order goes down the tree.
        let units = problem == nil ? try await OrgUnitService(app: req.application, db: req.db, principal: principal).choices(below: true) : []
        return try await req.render(NewPage(
            shell: Shell(req, title: req.t("supervision.issue")), kind: problem == nil ? "special" : "problem", problem: problem,
            category: category, area: area, title: title, deadline: rules.calendar.adding(workingDays: 5, to: today).description,
            today: today.description, categories: ProblemCategory.allCases.map { Choice(value: $0.rawValue, label: req.t("problem.category." + $0.rawValue)) },
            units: units))
    }

    struct IssueForm: Content {
        var kind, title: String
        var instruction: String?
        var deadline: String
        var problem: UUID?
        var category, area, target: String?
    }

    func issue(req: Request) async throws -> Response {
        let form = try req.content.decode(IssueForm.self)
        let body = SupervisionAPI.IssueBody(kind: form.kind, title: form.title, instruction: form.instruction, deadline: form.deadline,
                                            problem_ids: form.problem.map { [$0] }, target: form.target, category: form.category, area: form.area)
        return try await FormOnce.run(req) {
            let id = try await service(req).issue(try body.issue())
            return Site.supervisionOrder(id.uuidString).flash("supervision_issued")
        }
    }

    struct ShowPage: PageModel {

        static let template = "supervision/show"
        var shell: Shell
        var order: SupervisionService.Order
        var overdue: Bool
        var problems: [ProblemPages.ListRow]
        var timeline: [ProblemPages.Event]
        var canReport, canDecide: Bool
    }

    func show(req: Request) async throws -> Response {
        let s = try service(req)
        let dto = try await s.detail(try req.orderID())
        let p = s.principal
        let rules = try await ProblemRules.current(req.application, req.db)
        let today = ProblemRules.today()
        let order = dto.order
        return try await req.render(ShowPage(
            shell: Shell(req, title: order.title), order: order, overdue: dto.overdue,
            problems: dto.problems.map { ProblemPages.ListRow($0, rules: rules, today: today) },
            timeline: dto.timeline.map {
                ProblemPages.Event(at: VisitPages.local($0.at.formatted(.iso8601)), actor: $0.actor_name, step: $0.step, unit: "", department: "",
                                   replyBy: "", satisfaction: "", note: $0.note)
            },
            canReport: order.status == "open" && p.can(.handleProblems) && p.scope.contains(path: order.target_unit_path),
            canDecide: order.status == "reported" && p.can(.superviseProblems) && p.scope.contains(path: order.issuer_unit_path)))
    }

    struct StepForm: Content {
        var revision: Int
        var note: String?
    }

    func step(req: Request) async throws -> Response {
        let id = try req.orderID()
        let form = try req.content.decode(StepForm.self)
        guard let step = SupervisionService.Step(rawValue: req.parameters.get("step") ?? "") else { throw AppError(.notFound, "error.not_found") }
        _ = try await service(req).step(step, on: id, revision: form.revision, note: form.note ?? "")
        return req.redirect(to: Site.supervisionOrder(id.uuidString).flash("supervision_updated"))
    }
}
