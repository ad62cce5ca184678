import Foundation
import SanbaoDomain
import Vapor

/// `/api/v1/problems`: the ledger, scoped like the rest. Each step is
/// `POST /api/v1/problems/{id}/{step}` with the revision it is taken on.
struct ProblemAPI: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.get(APIRoute.problems, use: list)
        routes.post(APIRoute.problems, use: report)
        routes.get(APIRoute.problemFigures, use: figures)
        routes.get(APIRoute.problem(":id"), use: show)
        routes.on(.POST, APIRoute.problemAction(":id", "evidence"), upTo: "9mb", use: addEvidence)
        routes.post(APIRoute.problemAction(":id", ":step"), use: step)
    }

    private func service(_ req: Request) throws -> ProblemService {
        ProblemService(app: req.application, db: req.db, principal: try req.requirePrincipal())
    }

    private func id(_ req: Request) throws -> UUID { try req.problemID() }

    func list(req: Request) async throws -> Page<ProblemService.Row> {
        try await service(req).store.list(try PageRequest(req), status: req.query["status"])
    }

    /// A problem entered directly: `enterprise` (credit code), `category`, `severity`, `description`,
    /// and, when it is one worker's, `worker` (a registry worker's id) or `worker_id_number`.
    struct ReportBody: Content {
        var enterprise, category, severity, description: String?
        var worker: UUID?
        var worker_id_number: String?

        var report: ProblemService.Report {
            .init(enterpriseCode: enterprise ?? "", category: category ?? "", description: description ?? "", severity: severity ?? "medium",
                  workerID: worker, workerIDNumber: worker_id_number ?? "")
        }
    }

    func report(req: Request) async throws -> Response {
        let s = try service(req)
        let id = try await s.report(try req.content.decode(ReportBody.self).report)
        let response = try await s.detail(id).encodeResponse(status: .created, for: req)
        response.headers.replaceOrAdd(name: .location, value: APIRoute.problem(id.uuidString).path)
        return response
    }

    /// `POST /api/v1/problems/{id}/evidence` with a JPEG or PNG as the body.
    func addEvidence(req: Request) async throws -> Response {
        try await service(req).addEvidence(to: try id(req), data: req.bodyBytes).encodeResponse(status: .created, for: req)
    }

    /// `GET /api/v1/problems/figures?unit=CODE`: the unit's figures over its subtree (the
    /// caller's own unit when left out), then each unit directly under it.
    func figures(req: Request) async throws -> [ProblemService.UnitFigures] {
        let s = try service(req)
        return try await s.figureTable(code: req.query["unit"], rules: try await ProblemRules.current(req.application, req.db),
                                       today: ProblemRules.today())
    }

    func show(req: Request) async throws -> ProblemService.DTO {
        try await service(req).detail(try id(req))
    }

    struct StepBody: Content {
        var revision: Int
        var unit, reason, note, department, reply_by, summary, satisfaction: String?
        var days: Int?
        var into: UUID?
    }

    /// `dispatch` {unit}, `accept`, `give-back` {reason}, `note` {note}, `refer` {department,
    /// reply_by, note}, `referral-answered` {note}, `merge` {into}, `resolve` {summary}, `callback` {satisfaction, note},
    /// `request-extension` {days, reason}, `approve-extension` / `refuse-extension` {note}.
    func step(req: Request) async throws -> ProblemService.DTO {
        let body = try req.content.decode(StepBody.self)
        return try await service(req).take(try Self.request(req.parameters.get("step") ?? "", body), on: try id(req), revision: body.revision)
    }

    static func request(_ step: String, _ body: StepBody) throws -> ProblemService.Action {
        switch step {
        case "dispatch": return .dispatch(unitCode: body.unit ?? "")
        case "accept": return .accept
        case "give-back": return .giveBack(reason: body.reason ?? "")
        case "note": return .note(body.note ?? "")
        case "refer":
            var replyBy: Day?
            if let text = body.reply_by, !text.isEmpty {
                guard let day = Day(text) else { throw AppError.invalid([AppError.field("reply_by", "problem.reason.bad_date")]) }
                guard day.isWithin(years: 2, of: ProblemRules.today()) else {
                    throw AppError.invalid([AppError.field("reply_by", "problem.reason.date_out_of_range")])
                }
                replyBy = day
            }
            return .refer(department: body.department ?? "", replyBy: replyBy, note: body.note ?? "")
        case "referral-answered": return .referralAnswered(note: body.note ?? "")
        case "merge":
            guard let into = body.into else { throw AppError.invalid([AppError.field("into", "problem.reason.required")]) }
            return .merge(into: into)
        case "resolve": return .resolve(summary: body.summary ?? "")
        case "callback":
            guard let satisfaction = Satisfaction(rawValue: body.satisfaction ?? "") else {
                throw AppError.invalid([AppError.field("satisfaction", "problem.reason.bad_satisfaction")])
            }
            return .callback(satisfaction, note: body.note ?? "")
        case "request-extension": return .requestExtension(workingDays: body.days ?? 0, reason: body.reason ?? "")
        case "approve-extension": return .decideExtension(approve: true, note: body.note ?? "")
        case "refuse-extension": return .decideExtension(approve: false, note: body.note ?? "")
        default: throw AppError(.notFound, "error.not_found")
        }
    }
}

extension Request {
    /// The problem named by the `:id` in the path; a malformed one is simply not found.
    func problemID() throws -> UUID {
        guard let id = parameters.get("id", as: UUID.self) else { throw AppError(.notFound, "error.not_found") }
        return id
    }
}
