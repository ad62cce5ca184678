import Foundation
import SanbaoDomain
import Vapor

/// `/api/v1/reports`: completeness for a period (`?period=KEY`, the latest begun when left
/// out), one report with its figures, saving or submitting it, and the parent's decision.
struct ReportAPI: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.get(APIRoute.reports, use: list)
        routes.get(APIRoute.report(unit: ":unit", period: ":period"), use: show)
        routes.post(APIRoute.report(unit: ":unit", period: ":period"), use: save)
        routes.post(APIRoute.reportAction(unit: ":unit", period: ":period", "decide"), use: decide)
    }

    struct Entry: Content {
        var unit_code, unit_name, period, due_on: String
        var status: String?
        var timeliness: String
        var first_submitted_on: String?
    }

    func list(req: Request) async throws -> [Entry] {
        let (s, campaign) = try await ReportService.context(req)
        let today = ProblemRules.today()
        let period: ReportPeriod
        if let key = req.query[String.self, at: "period"] {
            guard let p = ReportPeriod(key: key), ReportService.periods(of: campaign).contains(p) else {
                throw AppError.invalid([AppError.field("period", "report.reason.bad_period")])
            }
            period = p
        } else {
            guard let latest = ReportService.periodsSoFar(of: campaign, today: today).first else { return [] }
            period = latest
        }
        let (units, cells, due) = try await s.completeness(campaign, periods: [period], today: today)
        return units.map { u in
            let c = cells[u.id]?[period.key]
            return Entry(unit_code: u.code, unit_name: u.name, period: period.key, due_on: due[period.key]?.description ?? "",
                         status: c?.status?.rawValue, timeliness: c?.timeliness.rawValue ?? "not_due", first_submitted_on: c?.firstSubmittedOn)
        }
    }

    struct DTO: Content {
        var unit_code, period, starts_on, ends_on, due_on: String
        var status: String?
        var revision: Int
        var first_submitted_on: String?
        var comment: String
        var narrative: ReportNarrative
        /// Kept as submitted once submitted; live while a draft.
        var figures: ReportFigures
        var frozen: Bool
    }

    func show(req: Request) async throws -> DTO {
        let (s, subject) = try await ReportService.subject(req)
        let report = try await s.report(subject)
        return DTO(subject, report, figures: try await s.figures(subject, report))
    }

    struct SaveBody: Content {
        var narrative: ReportNarrative
        var revision: Int
        var submit: Bool?
    }

    func save(req: Request) async throws -> DTO {
        let (s, subject) = try await ReportService.subject(req)
        let body = try req.content.decode(SaveBody.self)
        let report = try await s.save(subject, narrative: body.narrative, revision: body.revision, submit: body.submit ?? false)
        return DTO(subject, report, figures: try await s.figures(subject, report))
    }

    struct DecideBody: Content {
        var action: String
        var comment: String?
        var revision: Int
    }

    func decide(req: Request) async throws -> DTO {
        let (s, subject) = try await ReportService.subject(req)
        let body = try req.content.decode(DecideBody.self)
        guard let decision = ReportService.Decision(rawValue: body.action) else { throw AppError.invalid([AppError.field("action", "report.reason.bad_action")]) }
        let report = try await s.decide(subject, decision, comment: body.comment ?? "", revision: body.revision)
        return DTO(subject, report, figures: try await s.figures(subject, report))
    }
}

extension ReportAPI.DTO {
    init(_ s: ReportService.Subject, _ report: Report?, figures: ReportFigures) {
        self.init(unit_code: s.unit.code, period: s.period.key, starts_on: s.period.start.description, ends_on: s.period.end.description,
                  due_on: s.due.description, status: report?.status, revision: report?.revision ?? 0, first_submitted_on: report?.firstSubmittedOn,
                  comment: report?.comment ?? "", narrative: report?.narrative ?? .empty,
                  figures: figures, frozen: report?.isFrozen ?? false)
    }
}
