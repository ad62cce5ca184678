import Fluent
import Foundation
import SanbaoDomain
import Vapor

/// `/reports`: the unit's periodic reports and those waiting for its decision;
/// `/reports/{unit}/{period}` one report (figures, narrative, decision, timeline) with its
/// printable copy and spreadsheet; `/reports/completeness` who has reported on time.
struct ReportPages: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.get(Site.reports, use: index)
        routes.get(Site.reportsCompleteness, use: completeness)
        routes.post(Site.reportsRemind, use: remind)
        routes.post(Site.reportsSettings, use: settings)
        routes.get(Site.report(unit: ":unit", period: ":period"), use: show)
        routes.post(Site.report(unit: ":unit", period: ":period"), use: save)
        routes.post(Site.reportAction(unit: ":unit", period: ":period", "decide"), use: decide)
        routes.get(Site.reportAction(unit: ":unit", period: ":period", "print"), use: printable)
        routes.get(Site.reportAction(unit: ":unit", period: ":period", "figures.xlsx"), use: workbook)
    }

    // MARK: The list

    struct OwnRow: Codable {
        var period, label, due, status, timeliness: String
    }

    struct AwaitingRow: Codable {
        var unitCode, unitName, period, label, submittedOn: String
    }

    struct ReminderRow: Codable {
        var label, day, from, period: String
    }

    struct IndexPage: PageModel {

        static let template = "reports/index"
        var shell: Shell
        var campaign, unitCode: String
        var reports: Bool
        var own: [OwnRow]
        var awaiting: [AwaitingRow]
        var reminders: [ReminderRow]
    }

    /// The reminders the user's unit got for reports it has not submitted (here and on the home page).
    static func reminderRows(_ s: ReportService, _ campaign: Campaign, _ present: ReportPresentation) async throws -> [ReminderRow] {
        try await s.reminders(campaign, today: ProblemRules.today()).compactMap { r -> ReminderRow? in
            ReportPeriod(key: r.period_key).map { ReminderRow(label: present.label($0), day: r.day, from: r.from_unit_name, period: r.period_key) }
        }
    }

    func index(req: Request) async throws -> Response {
        let (s, campaign) = try await ReportService.context(req)
        let present = ReportPresentation(req: req)
        let today = ProblemRules.today()
        let periods = Array(ReportService.periodsSoFar(of: campaign, today: today).prefix(12))
        var own: [OwnRow] = []
        var reports = false
        if let unitID = s.principal.unitID, let unit = try await OrgUnit.find(unitID, on: req.db), ReportService.reports(unit, campaign) {
            reports = true
            let (_, cells, due) = try await s.completeness(campaign, periods: periods, today: today)
            own = periods.map { p in
                let cell = cells[unitID]?[p.key]
                return OwnRow(period: p.key, label: present.label(p), due: due[p.key]?.description ?? "",
                              status: cell?.status?.rawValue ?? "none", timeliness: cell?.timeliness.rawValue ?? "not_due")
            }
        }
        let awaiting = try await s.awaitingDecision(campaign).compactMap { r -> AwaitingRow? in
            guard let p = ReportPeriod(key: r.report.periodKey) else { return nil }
            return AwaitingRow(unitCode: r.unitCode, unitName: r.unitName, period: p.key, label: present.label(p),
                               submittedOn: r.report.submittedAt.map { ShanghaiTime.day($0).description } ?? "")
        }
        let reminders = try await Self.reminderRows(s, campaign, present)
        return try await req.render(IndexPage(
            shell: Shell(req, title: req.t("reports.title")), campaign: campaign.name, unitCode: s.principal.unitCode,
            reports: reports, own: own, awaiting: awaiting, reminders: reminders))
    }

    // MARK: One report

    struct EventRow: Codable {
        var at, actor, action, comment: String
    }

    struct ShowPage: PageModel {

        static let template = "reports/show"
        var shell: Shell
        var unitCode, unitName, period, label, due, status, timeliness: String
        var revision: Int
        var frozen: Bool
        var takenAt: String
        var lines: [ReportPresentation.Line]
        var categories: [ReportPresentation.CategoryLine]
        var categoryChart: String
        var cases: [ReportPresentation.CaseLine]
        var narrative: ReportNarrative
        var comment: String
        var mayWrite, mayDecide, mayReopen: Bool
        var events: [EventRow]
    }

    func show(req: Request) async throws -> Response {
        let (s, subject) = try await ReportService.subject(req)
        let report = try await s.report(subject)
        let figures = try await s.figures(subject, report)
        let present = ReportPresentation(req: req)
        let state = report?.state
        let today = ProblemRules.today()
        let events = try await Self.timeline(req, s, report)
        return try await req.render(ShowPage(
            shell: Shell(req, title: req.t("reports.title")), unitCode: subject.unit.code, unitName: subject.unit.name,
            period: subject.period.key, label: present.label(subject.period), due: subject.due.description,
            status: state?.rawValue ?? "none",
            timeliness: ReportTimeliness(firstSubmitted: report?.firstSubmittedOn.flatMap(Day.init), due: subject.due, today: today).rawValue,
            revision: report?.revision ?? 0, frozen: report?.isFrozen ?? false, takenAt: figures.takenAt,
            lines: present.lines(figures), categories: present.categories(figures), categoryChart: present.categoryChart(figures),
            cases: present.cases(figures),
            narrative: report?.narrative ?? .empty,
            comment: report?.comment ?? "",
            mayWrite: s.mayWrite(subject) && (state == nil || state == .draft || state == .returned) && subject.period.start <= today,
            mayDecide: s.mayDecide(subject) && state == .submitted,
            mayReopen: s.mayDecide(subject) && state == .accepted, events: events))
    }

    struct SaveForm: Content {
        var work_done, difficulties, next_steps, experience: String?
        var revision: Int
        /// "submit" to send it up; anything else keeps it as a draft.
        var action: String?
    }

    func save(req: Request) async throws -> Response {
        let (s, subject) = try await ReportService.subject(req)
        let form = try req.content.decode(SaveForm.self)
        let submit = form.action == "submit"
        _ = try await s.save(subject, narrative: ReportNarrative(workDone: form.work_done ?? "", difficulties: form.difficulties ?? "",
                                                                 nextSteps: form.next_steps ?? "", experience: form.experience ?? ""),
                             revision: form.revision, submit: submit)
        return req.redirect(to: Site.report(unit: subject.unit.code, period: subject.period.key).flash(submit ? "report_submitted" : "saved"))
    }

    struct DecideForm: Content {
        var action: String
        var comment: String?
        var revision: Int
    }

    func decide(req: Request) async throws -> Response {
        let (s, subject) = try await ReportService.subject(req)
        let form = try req.content.decode(DecideForm.self)
        guard let decision = ReportService.Decision(rawValue: form.action) else { throw AppError.invalid([AppError.field("action", "report.reason.bad_action")]) }
        _ = try await s.decide(subject, decision, comment: form.comment ?? "", revision: form.revision)
        return req.redirect(to: Site.report(unit: subject.unit.code, period: subject.period.key).flash("report_\(decision.rawValue)"))
    }

    // MARK: Print and spreadsheet

    struct PrintPage: PageModel {

        static let template = "reports/print"
        var shell: Shell
        var title, unitName, label, start, end, status, submittedOn, takenAt: String
        var lines: [ReportPresentation.Line]
        var categories: [ReportPresentation.CategoryLine]
        var categoryChart: String
        var cases: [ReportPresentation.CaseLine]
        var narrative: ReportNarrative
        var events: [EventRow]
    }

    /// The report as the federation files it: an A4 page in the official style (chromium's
    /// "Save as PDF" turns it into the PDF sent up the tree).
    func printable(req: Request) async throws -> Response {
        let (s, subject) = try await ReportService.subject(req)
        let report = try await s.report(subject)
        let figures = try await s.figures(subject, report)
        let present = ReportPresentation(req: req)
        let label = present.label(subject.period)
        let events = try await Self.timeline(req, s, report)
        let title = req.t("report.print.title", subject.unit.name, req.t("report.print.kind." + subject.period.cadence.rawValue))
        return try await req.render(PrintPage(
            shell: Shell(req, title: title), title: title,
            unitName: subject.unit.name, label: label, start: subject.period.start.description, end: subject.period.end.description,
            status: req.t("report.status." + (report?.status ?? "none")), submittedOn: report?.firstSubmittedOn ?? "—", takenAt: figures.takenAt,
            lines: present.lines(figures), categories: present.categories(figures), categoryChart: present.categoryChart(figures, width: 600),
            cases: present.cases(figures),
            narrative: report?.narrative ?? .empty, events: events))
    }

    func workbook(req: Request) async throws -> Response {
        let (s, subject) = try await ReportService.subject(req)
        let report = try await s.report(subject)
        let figures = try await s.figures(subject, report)
        let data = try ReportPresentation(req: req).workbook(unit: "\(subject.unit.name)（\(subject.unit.code)）", period: subject.period,
                                                             status: req.t("report.status." + (report?.status ?? "none")), figures)
        return Download.bytes(data, contentType: TableFormat.xlsx.contentType, named: "report-\(subject.unit.code)-\(subject.period.key).xlsx")
    }

    // MARK: Completeness

    struct GridCell: Codable {
        var status, timeliness, href, day: String
    }

    struct GridRow: Codable {
        var code, name: String
        var cells: [GridCell]
    }

    struct Column: Codable {
        var key, label, due: String
        var expected, submitted, onTime, missing: Int
        var completeness, timeliness: String
    }

    struct CompletenessPage: PageModel {

        static let template = "reports/completeness"
        var shell: Shell
        var campaign: String
        var columns: [Column]
        var rows: [GridRow]
        var periods: [Choice]
        var remindPeriod: String
        var mayRemind, maySet: Bool
        var cadence: String
        var dueDays, depth: Int
    }

    func completeness(req: Request) async throws -> Response {
        let (s, campaign) = try await ReportService.context(req)
        let present = ReportPresentation(req: req)
        let today = ProblemRules.today()
        let all = ReportService.periodsSoFar(of: campaign, today: today)
        let shown = Array(all.prefix(8)).reversed() as [ReportPeriod]
        let (units, cells, due) = try await s.completeness(campaign, periods: shown, today: today)
        let rows = units.map { u in
            GridRow(code: u.code, name: u.name, cells: shown.map { p in
                let c = cells[u.id]?[p.key]
                return GridCell(status: c?.status?.rawValue ?? "none", timeliness: c?.timeliness.rawValue ?? "not_due",
                                href: Site.report(unit: u.code, period: p.key).path, day: c?.firstSubmittedOn.map { String($0.dropFirst(5)) } ?? "")
            })
        }
        let columns = shown.map { p in
            let column = units.compactMap { cells[$0.id]?[p.key] }
            let submitted = column.filter { $0.firstSubmittedOn != nil }.count
            let onTime = column.filter { $0.timeliness == .onTime }.count
            let expected = units.count
            func pct(_ n: Int) -> String { expected > 0 ? String(format: "%.0f%%", Double(n) / Double(expected) * 100) : "—" }
            return Column(key: p.key, label: present.label(p), due: due[p.key]?.description ?? "", expected: expected, submitted: submitted,
                          onTime: onTime, missing: column.filter { $0.timeliness == .missing }.count,
                          completeness: pct(submitted), timeliness: pct(onTime))
        }
        // The period to remind about: the latest one already past due.
        let remind = all.first { (due[$0.key] ?? $0.end) < today } ?? all.first
        return try await req.render(CompletenessPage(
            shell: Shell(req, title: req.t("reports.completeness")), campaign: campaign.name, columns: columns, rows: rows,
            periods: all.map { Choice(value: $0.key, label: present.label($0)) }, remindPeriod: remind?.key ?? "",
            mayRemind: s.principal.can(.writeReports), maySet: s.principal.can(.manageAssignment),
            cadence: campaign.reportCadence, dueDays: campaign.reportDueDays, depth: campaign.reportDepth))
    }

    struct RemindForm: Content { var period: String }

    func remind(req: Request) async throws -> Response {
        let (s, campaign) = try await ReportService.context(req)
        let form = try req.content.decode(RemindForm.self)
        guard let period = ReportPeriod(key: form.period), ReportService.periods(of: campaign).contains(period) else {
            throw AppError.invalid([AppError.field("period", "report.reason.bad_period")])
        }
        let n = try await s.remindLate(campaign, period: period)
        return req.redirect(to: Site.reportsCompleteness.flash(n > 0 ? "reports_reminded" : "reports_none_to_remind"))
    }

    struct SettingsForm: Content {
        var cadence: String
        var due_days, depth: Int
    }

    func settings(req: Request) async throws -> Response {
        let (s, campaign) = try await ReportService.context(req)
        let form = try req.content.decode(SettingsForm.self)
        guard let cadence = ReportCadence(rawValue: form.cadence) else { throw AppError.invalid([AppError.field("cadence", "report.reason.bad_cadence")]) }
        try await s.setReporting(campaign, cadence: cadence, dueDays: form.due_days, depth: form.depth)
        return req.redirect(to: Site.reportsCompleteness.flash("saved"))
    }

    static func timeline(_ req: Request, _ s: ReportService, _ report: Report?) async throws -> [EventRow] {
        try await s.events(report).map {
            EventRow(at: ShanghaiTime.minute($0.at), actor: $0.actorName, action: req.t("report.event." + $0.action), comment: $0.comment)
        }
    }

}
