import Foundation
import SanbaoDomain
import Vapor

/// `/api/v1/supervision`: supervision orders (督办), scoped like the ledger. Issue with
/// `POST /api/v1/supervision`; report back, close or send back with
/// `POST /api/v1/supervision/{id}/{report|close|send-back}` and the revision it is taken on.
struct SupervisionAPI: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.get(APIRoute.supervision, use: list)
        routes.post(APIRoute.supervision, use: issue)
        routes.get(APIRoute.supervisionOrder(":id"), use: show)
        routes.post(APIRoute.supervisionAction(":id", ":step"), use: step)
    }

    private func service(_ req: Request) throws -> SupervisionService {
        SupervisionService(app: req.application, db: req.db, principal: try req.requirePrincipal())
    }

    func list(req: Request) async throws -> Page<SupervisionService.Order> {
        try await service(req).list(try PageRequest(req), view: SupervisionService.View(rawValue: req.query["view"] ?? "") ?? .all)
    }

    func show(req: Request) async throws -> SupervisionService.DTO {
        try await service(req).detail(try req.orderID())
    }

    /// `kind` problem|group|special, `title`, `instruction`, `deadline` (YYYY-MM-DD),
    /// `problem_ids` (problem, group), `target` (a unit code; the problems' responsible unit or
    /// the area when left out), `category` and `area` (a unit code) for special.
    struct IssueBody: Content {
        var kind, title: String
        var instruction: String?
        var deadline: String
        var problem_ids: [UUID]?
        var target, category, area: String?

        func issue() throws -> SupervisionService.Issue {
            var issues: [AppError.FieldIssue] = []
            let kind = SupervisionService.Kind(rawValue: kind)
            if kind == nil { issues.append(AppError.field("kind", "supervision.reason.bad_kind")) }
            let day = Day(deadline.trimmed)
            if day == nil { issues.append(AppError.field("deadline", "problem.reason.bad_date")) }
            else if !day!.isWithin(years: 2, of: ProblemRules.today()) { issues.append(AppError.field("deadline", "problem.reason.date_out_of_range")) }
            var category: ProblemCategory?
            if let text = self.category, !text.isEmpty {
                category = ProblemCategory(rawValue: text)
                if category == nil { issues.append(AppError.field("category", "supervision.reason.bad_category")) }
            }
            guard issues.isEmpty, let kind, let day else { throw AppError.invalid(issues) }
            return SupervisionService.Issue(kind: kind, title: title, instruction: instruction ?? "", deadline: day,
                                            problemIDs: problem_ids ?? [], targetUnitCode: target, category: category, areaUnitCode: area)
        }
    }

    func issue(req: Request) async throws -> Response {
        let body = try req.content.decode(IssueBody.self)
        let s = try service(req)
        let id = try await s.issue(try body.issue())
        let response = try await s.detail(id).encodeResponse(status: .created, for: req)
        response.headers.replaceOrAdd(name: .location, value: APIRoute.supervisionOrder(id.uuidString).path)
        return response
    }

    struct StepBody: Content {
        var revision: Int
        var note: String?
    }

    func step(req: Request) async throws -> SupervisionService.DTO {
        let body = try req.content.decode(StepBody.self)
        guard let step = SupervisionService.Step(rawValue: req.parameters.get("step") ?? "") else { throw AppError(.notFound, "error.not_found") }
        let s = try service(req)
        let id = try req.orderID()
        _ = try await s.step(step, on: id, revision: body.revision, note: body.note ?? "")
        return try await s.detail(id)
    }
}

extension Request {
    func orderID() throws -> UUID {
        guard let id = parameters.get("id", as: UUID.self) else { throw AppError(.notFound, "error.not_found") }
        return id
    }
}
