import Fluent
import SanbaoDomain
import SQLKit
import Vapor

/// The campaign: its stages and the task decomposition table of one stage, with the rows
/// where a unit's figures do not cover its sub-units' marked. Everyone sees the rows of their
/// own subtree; the office imports the table from a file.
struct CampaignPages: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.get(Site.campaign, use: show)
        routes.post(Site.campaignQuotas, use: save)
    }

    /// The office edits the table as a grid: the form's cells become the rows of a quota file
    /// and go through the same import (checks, audit, one transaction).
    func save(req: Request) async throws -> Response {
        let principal = try req.requirePrincipal()
        try principal.require(.manageAssignment)
        let form = try req.content.decode([String: String].self)
        guard let stage = form["stage"], !stage.isEmpty else { throw AppError(.badRequest, "error.bad_request") }
        let fields = ["enterprises", "workers", "questionnaires", "problems"]
        var rows: [[String]] = [["unit_code", "stage"] + fields]
        let codes = Set(form.keys.compactMap { key -> String? in
            guard key.hasPrefix("q."), let dot = key.lastIndex(of: ".") , dot > key.index(key.startIndex, offsetBy: 1) else { return nil }
            return String(key[key.index(key.startIndex, offsetBy: 2)..<dot])
        })
        for code in codes.sorted() { rows.append([code, stage] + fields.map { form["q.\(code).\($0)"] ?? "" }) }
        let service = CampaignService(app: req.application, db: req.db, principal: principal)
        let current = try await service.stage(of: try await service.campaign(nil), stage)
        try EditBasis.check(form[EditBasis.field], current: CampaignService.basis(try await service.quotaTable(stageID: current.requireID())))
        let outcome = try await CampaignService(app: req.application, db: req.db, principal: principal)
            .importQuotas(Array(CSVWriter.document(rows).utf8), mode: .allOrNothing)
        if outcome.hasRejections {
            let reasons = outcome.issues.map { issue in
                (rows.indices.contains(issue.row - 1) ? rows[issue.row - 1][0] + " " : "") + req.t("campaign.field." + issue.column) + ": "
                    + req.t("import.reason.\(issue.reason.rawValue)", issue.value, issue.detail)
            }
            throw AppError.invalid(reasons.map { AppError.field("quotas", "campaign.cell_error", [$0]) })
        }
        return req.redirect(to: Site.campaign.with(["stage": "\(stage)", "flash": "saved"]))
    }

    struct Page: PageModel {

        static let template = "campaign"
        var shell: Shell
        var name, period: String
        var stages: [StageRow]
        var stage: String
        var rows: [QuotaRow]
        var gaps: [String]
        var canImport: Bool
        var stagePosition: Int
        /// The working-day calendar the problem deadlines are counted on, a line per year.
        var calendarYears: [String]
        /// The table this page shows, as an `EditBasis`.
        var basis: String
    }

    struct StageRow: Codable { var position: Int; var name: String; var dates: String; var goals: String; var active: Bool }
    struct QuotaRow: Codable {
        var code: String; var name: String; var depth: Int; var enterprises: Int; var workers: Int; var questionnaires: Int
        var problems: Int; var gap: Bool
    }

    func show(req: Request) async throws -> Response {
        let principal = try req.requirePrincipal()
        let service = CampaignService(app: req.application, db: req.db, principal: principal)
        let campaign = try await service.campaign(nil)
        let stages = try await service.stages(of: campaign)
        let stage = try await service.stage(of: campaign, req.query["stage"])
        // The whole table decides the gaps; the page lists the principal's part of it.
        let all = try await service.quotaTable(stageID: stage.requireID())
        let figures = Dictionary(uniqueKeysWithValues: all.map {
            ($0.code, QuotaFigures(enterprises: $0.enterprises, workers: $0.workers, questionnaires: $0.questionnaires, problems: $0.problems))
        })
        let parentOf = try await service.parentCodes()
        let gaps = QuotaGap.find(parentOf: parentOf, quotas: figures)
        // Tree order by codes: a unit, then its sub-units in code order.
        func treeKey(_ code: String) -> String { parentOf[code].map { treeKey($0) + "/" + code } ?? code }
        let visible = Set(try await principal.scope.query(OrgUnit.self, on: req.db).all().map(\.code))
        let gapUnits = Set(gaps.map(\.unit))
        let names = Dictionary(uniqueKeysWithValues: all.map { ($0.code, $0.name) })
        let years = try await calendarYears(req, principal)
        let page = Page(shell: Shell(req, title: req.t("campaign.title")), name: campaign.name,
                        period: "\(campaign.startsOn) – \(campaign.endsOn)",
                        stages: stages.map { StageRow(position: $0.position, name: $0.name, dates: "\($0.startsOn) – \($0.endsOn)",
                                                      goals: $0.goals, active: $0.id == stage.id) },
                        stage: stage.name,
                        rows: all.filter { visible.contains($0.code) }.sorted { treeKey($0.code) < treeKey($1.code) }.map {
                            QuotaRow(code: $0.code, name: $0.name, depth: $0.depth, enterprises: $0.enterprises, workers: $0.workers,
                                     questionnaires: $0.questionnaires, problems: $0.problems, gap: gapUnits.contains($0.code))
                        },
                        gaps: gaps.filter { visible.contains($0.unit) }.map {
                            req.t("campaign.gap", names[$0.unit] ?? $0.unit, req.t("campaign.field." + $0.field.rawValue), "\($0.own)", "\($0.children)")
                        },
                        canImport: principal.can(.manageAssignment), stagePosition: stage.position,
                        calendarYears: years,
                        basis: CampaignService.basis(all))
        return try await req.render(page)
    }


    /// "2026: 29 holidays, 10 weekend days worked" for each year the calendar has.
    private func calendarYears(_ req: Request, _ principal: Principal) async throws -> [String] {
        let calendar = try await CalendarService(app: req.application, db: req.db, principal: principal).calendar()
        return calendar.years.sorted().map { year in
            let days = calendar.all.filter { $0.day.year == year }
            return req.t("campaign.calendar_year", "\(year)", "\(days.filter { $0.kind == .holiday }.count)",
                         "\(days.filter { $0.kind == .workday }.count)")
        }
    }
}
