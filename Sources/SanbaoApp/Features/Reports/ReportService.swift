import Fluent
import Foundation
import SanbaoDomain
import Vapor

/// Periodic reports: which units report (every active unit from one to `report_depth` levels
/// below the office, grassroots enterprise unions aside), a report's figures and narrative,
/// submission, the parent unit's decision, and the office's view of who has reported on time.
struct ReportService {
    let app: Application
    let db: any Database
    let principal: Principal

    var store: ReportStore { ReportStore(app: app, db: db, principal: principal) }
    var scope: Scope { principal.scope }

    /// A unit and a period of a campaign: what a report is about.
    struct Subject: Sendable {
        var campaign: Campaign
        var unit: OrgUnit
        var period: ReportPeriod
        var due: Day
    }

    enum Decision: String, CaseIterable {
        case accept, `return`, reopen
    }

    // MARK: Reading

    /// The report of unit `code` for period `key`: 404 for a unit outside the user's reach, one
    /// that does not report, or a period that is not one of the campaign's.
    func subject(campaign: Campaign, unitCode: String, periodKey: String) async throws -> Subject {
        let unit = try await scope.unit(code: unitCode, on: db)
        guard Self.reports(unit, campaign), let period = ReportPeriod(key: periodKey), period.cadence == campaign.cadence,
              Self.periods(of: campaign).contains(period) else { throw AppError(.notFound, "error.not_found") }
        let rules = try await ProblemRules.current(app, db)
        return Subject(campaign: campaign, unit: unit, period: period, due: period.due(after: campaign.reportDueDays, on: rules.calendar))
    }

    static func reports(_ unit: OrgUnit, _ campaign: Campaign) -> Bool {
        unit.retiredAt == nil && (1...max(1, campaign.reportDepth)).contains(unit.depth) && unit.kindKey != OrgUnitKind.enterpriseUnion.rawValue
    }

    /// The campaign's periods, oldest first.
    static func periods(of campaign: Campaign) -> [ReportPeriod] {
        guard let first = Day(campaign.startsOn), let last = Day(campaign.endsOn) else { return [] }
        return ReportPeriod.all(campaign.cadence, from: first, through: last)
    }

    /// The periods that have begun, newest first.
    static func periodsSoFar(of campaign: Campaign, today: Day) -> [ReportPeriod] {
        periods(of: campaign).filter { $0.start <= today }.reversed()
    }

    func report(_ s: Subject) async throws -> Report? {
        try await Report.query(on: db).filter(\.$campaignID == s.campaign.id!).filter(\.$unitID == s.unit.id!)
            .filter(\.$periodKey == s.period.key).first()
    }

    /// The figures a report shows: as kept when it was submitted, live while it is a draft.
    func figures(_ s: Subject, _ report: Report?) async throws -> ReportFigures {
        if let report, report.isFrozen, let kept = try? JSONDecoder().decode(ReportFigures.self, from: Data(report.figuresJSON.utf8)) {
            return kept
        }
        return try await ReportStore.fresh(app, db, principal)
            .figures(unitID: s.unit.id!, path: s.unit.path, campaign: s.campaign, period: s.period)
    }

    func events(_ report: Report?) async throws -> [ReportEvent] {
        guard let id = report?.id else { return [] }
        return try await ReportEvent.query(on: db).filter(\.$reportID == id).sort(\.$at).sort(\.$id).all()
    }

    /// The unit's own admin writes and submits its report.
    func mayWrite(_ s: Subject) -> Bool { principal.unitID == s.unit.id && principal.can(.writeReports) }

    /// The admin of the unit directly above decides on it.
    func mayDecide(_ s: Subject) -> Bool { principal.unitID != nil && principal.unitID == s.unit.$parent.id && principal.can(.writeReports) }

    // MARK: Writing

    /// Saves the narrative, and with `submit` freezes the figures and sends it up. `revision`
    /// is the one the page was shown with (0 before the first save).
    func save(_ s: Subject, narrative: ReportNarrative, revision: Int, submit: Bool, now: Date = Date()) async throws -> Report {
        guard mayWrite(s) else { throw AppError(.forbidden, "report.not_yours") }
        let today = ProblemRules.today(now)
        guard s.period.start <= today else { throw AppError(.conflict, "report.not_started") }
        let text = narrative.trimmed
        let issues = text.issues(submitting: submit)
        guard issues.isEmpty else { throw AppError.invalid(issues) }
        let existing = try await report(s)
        if let existing {
            guard existing.revision == revision else { throw AppError(.conflict, "report.conflict", ["\(existing.revision)"]) }
            guard existing.state == .draft || existing.state == .returned else { throw AppError(.conflict, "report.locked") }
        } else if revision != 0 {
            throw AppError(.conflict, "report.conflict", ["0"])
        }
        let frozen: String? = submit ? String(decoding: try JSONEncoder.sorted.encode(try await figures(s, nil)), as: UTF8.self) : nil
        let report = existing ?? Report(campaignID: s.campaign.id!, unitID: s.unit.id!, period: s.period, due: s.due)
        let before = existing.map { ["status": $0.status] }
        let actor = self.principal
        let wasReturned = existing?.state == .returned
        return try await app.serializedTransaction(on: db) { db in
            var set: [(String, any Encodable & Sendable)] = [
                ("work_done", text.workDone), ("difficulties", text.difficulties), ("next_steps", text.nextSteps),
                ("experience", text.experience), ("revision", revision + 1), ("updated_at", now),
            ]
            report.narrativeFields(text)
            if let frozen {
                report.status = Report.Status.submitted.rawValue
                report.figuresJSON = frozen
                report.submittedAt = now
                report.dueOn = s.due.description
                if report.firstSubmittedOn == nil { report.firstSubmittedOn = today.description }
                set += [("status", report.status), ("figures", frozen), ("submitted_at", now), ("due_on", report.dueOn),
                        ("first_submitted_on", report.firstSubmittedOn!)]
            }
            if existing == nil {
                report.revision = 1
                try await report.create(on: db)
            } else {
                try await ReportStore(app: app, db: db, principal: actor).update(report.id!, revision: revision, set: set)
                report.revision = revision + 1
            }
            if submit {
                try await ReportEvent(reportID: report.id!, by: actor, action: wasReturned ? "resubmitted" : "submitted", at: now).create(on: db)
            }
            try await AuditLog.record(db, by: actor, action: submit ? "report.submit" : "report.save", subjectType: "report",
                                      subjectID: report.id!.uuidString, before: before,
                                      after: ["status": report.status, "unit": s.unit.code, "period": s.period.key])
            return report
        }
    }

    /// The parent's decision: accept (locks it), return with a comment, or reopen an accepted
    /// one with a comment so that the unit can correct it.
    func decide(_ s: Subject, _ decision: Decision, comment: String, revision: Int, now: Date = Date()) async throws -> Report {
        guard mayDecide(s) else { throw AppError(.forbidden, "report.not_parent") }
        guard let report = try await report(s) else { throw AppError(.notFound, "error.not_found") }
        guard report.revision == revision else { throw AppError(.conflict, "report.conflict", ["\(report.revision)"]) }
        let note = comment.trimmed
        switch decision {
        case .accept, .return: guard report.state == .submitted else { throw AppError(.conflict, "report.not_submitted") }
        case .reopen: guard report.state == .accepted else { throw AppError(.conflict, "report.not_accepted") }
        }
        if decision != .accept && note.isEmpty { throw AppError.invalid([AppError.field("comment", "report.reason.comment_required")]) }
        guard note.count <= 1_000 else { throw AppError.invalid([AppError.field("comment", "report.reason.too_long", ["1000"])]) }
        let before = report.status
        report.status = (decision == .accept ? Report.Status.accepted : .returned).rawValue
        report.comment = decision == .accept ? "" : note
        report.decidedAt = now
        let actor = self.principal
        try await app.serializedTransaction(on: db) { db in
            try await ReportStore(app: app, db: db, principal: actor).update(report.id!, revision: revision, set: [
                ("status", report.status), ("comment", report.comment), ("decided_at", now), ("revision", revision + 1), ("updated_at", now),
            ])
            let action = switch decision { case .accept: "accepted"; case .return: "returned"; case .reopen: "reopened" }
            try await ReportEvent(reportID: report.id!, by: actor, action: action, comment: note, at: now).create(on: db)
            try await AuditLog.record(db, by: actor, action: "report.\(decision.rawValue)", subjectType: "report", subjectID: report.id!.uuidString,
                                      before: ["status": before], after: ["status": report.status, "comment": note])
        }
        report.revision = revision + 1
        return report
    }

    // MARK: Completeness and timeliness

    struct ReportingUnit: Decodable, Sendable {
        var id: UUID
        var code, name: String
        var parent_id: UUID?
    }

    /// The reporting units the user sees, in the tree's order.
    func reportingUnits(_ campaign: Campaign) async throws -> [ReportingUnit] {
        try await store.reportingUnits(depth: campaign.reportDepth)
    }

    struct Cell: Sendable {
        var status: Report.Status?
        var timeliness: ReportTimeliness
        var firstSubmittedOn: String?
    }

    /// For each reporting unit the user sees and each of `periods`: the report's state and
    /// whether it came on time.
    func completeness(_ campaign: Campaign, periods: [ReportPeriod], today: Day) async throws -> (units: [ReportingUnit], cells: [UUID: [String: Cell]], due: [String: Day]) {
        let units = try await reportingUnits(campaign)
        let rules = try await ProblemRules.current(app, db)
        let due = Dictionary(uniqueKeysWithValues: periods.map { ($0.key, $0.due(after: campaign.reportDueDays, on: rules.calendar)) })
        var kept: [UUID: [String: ReportStore.StatusRow]] = [:]
        for row in try await store.statuses(campaign: campaign.id!, periods: periods.map(\.key)) {
            kept[row.unit_id, default: [:]][row.period_key] = row
        }
        var cells: [UUID: [String: Cell]] = [:]
        for unit in units {
            for period in periods {
                let row = kept[unit.id]?[period.key]
                cells[unit.id, default: [:]][period.key] = Cell(
                    status: row.flatMap { Report.Status(rawValue: $0.status) },
                    timeliness: ReportTimeliness(firstSubmitted: row?.first_submitted_on.flatMap(Day.init), due: due[period.key]!, today: today),
                    firstSubmittedOn: row?.first_submitted_on)
            }
        }
        return (units, cells, due)
    }

    /// Reminds every reporting unit the user sees (below their own) whose report for `period`
    /// is past due and not submitted; once a day per unit. Returns how many were reminded.
    func remindLate(_ campaign: Campaign, period: ReportPeriod, now: Date = Date()) async throws -> Int {
        guard principal.can(.writeReports) else { throw AppError(.forbidden, "error.forbidden") }
        let today = ProblemRules.today(now)
        let (units, cells, _) = try await completeness(campaign, periods: [period], today: today)
        let late = units.filter { $0.id != principal.unitID && cells[$0.id]?[period.key]?.timeliness == .missing }
        guard !late.isEmpty else { return 0 }
        let already = try await store.remindedToday(campaign: campaign.id!, period: period.key, today: today)
        let fresh = late.filter { !already.contains($0.id) }
        guard !fresh.isEmpty else { return 0 }
        let from = principal.unitName.isEmpty ? principal.displayName : principal.unitName
        let rows: [[any Encodable & Sendable]] = fresh.map { [UUID(), campaign.id!, $0.id, period.key, today.description, from, now] }
        let actor = self.principal
        try await app.serializedTransaction(on: db) { db in
            try await ReportStore(app: app, db: db, principal: actor).addReminders(rows)
            try await AuditLog.record(db, by: actor, action: "report.remind", subjectType: "campaign", subjectID: campaign.id!.uuidString,
                                      after: ["period": period.key, "units": fresh.map(\.code).joined(separator: ",")])
        }
        return fresh.count
    }

    struct Reminder: Decodable, Sendable {
        var period_key, day, from_unit_name: String
    }

    /// Reminders the user's unit received in the last two weeks for reports it has still not submitted.
    func reminders(_ campaign: Campaign, today: Day) async throws -> [Reminder] {
        guard let unit = principal.unitID else { return [] }
        return try await store.reminders(campaign: campaign.id!, unit: unit, since: today.adding(-14))
    }

    /// Reports of the units directly under the user's unit waiting for its decision.
    func awaitingDecision(_ campaign: Campaign) async throws -> [(report: Report, unitCode: String, unitName: String)] {
        guard let unit = principal.unitID, principal.can(.writeReports) else { return [] }
        let rows = try await store.submitted(campaign: campaign.id!, under: unit)
        let reports = Dictionary(uniqueKeysWithValues: try await Report.query(on: db).filter(\.$id ~~ rows.map(\.id)).all().map { ($0.id!, $0) })
        return rows.compactMap { row in reports[row.id].map { ($0, row.code, row.name) } }
    }

    /// The campaign's report settings (the office's): cadence, working days until due, levels that report.
    func setReporting(_ campaign: Campaign, cadence: ReportCadence, dueDays: Int, depth: Int) async throws {
        try principal.require(.manageAssignment)
        var issues: [AppError.FieldIssue] = []
        if !(0...20).contains(dueDays) { issues.append(AppError.field("due_days", "report.reason.due_days_range")) }
        if !(1...4).contains(depth) { issues.append(AppError.field("depth", "report.reason.depth_range")) }
        guard issues.isEmpty else { throw AppError.invalid(issues) }
        let before = ["cadence": campaign.reportCadence, "due_days": "\(campaign.reportDueDays)", "depth": "\(campaign.reportDepth)"]
        campaign.reportCadence = cadence.rawValue
        campaign.reportDueDays = dueDays
        campaign.reportDepth = depth
        let actor = self.principal
        try await app.serializedTransaction(on: db) { db in
            try await campaign.save(on: db)
            try await AuditLog.record(db, by: actor, action: "campaign.reporting", subjectType: "campaign", subjectID: campaign.id!.uuidString,
                                      before: before, after: ["cadence": cadence.rawValue, "due_days": "\(dueDays)", "depth": "\(depth)"])
        }
    }
}

extension ReportService {
    /// The service for the request's user, and the campaign it asks for (`?campaign=ID`; the latest without).
    static func context(_ req: Request) async throws -> (ReportService, Campaign) {
        let principal = try req.requirePrincipal()
        let campaign = try await CampaignService(app: req.application, db: req.db, principal: principal).campaign(req.query["campaign"])
        return (ReportService(app: req.application, db: req.db, principal: principal), campaign)
    }

    /// …and the report the path names (`:unit/:period`).
    static func subject(_ req: Request) async throws -> (ReportService, Subject) {
        let (s, campaign) = try await context(req)
        return (s, try await s.subject(campaign: campaign, unitCode: req.parameters.get("unit") ?? "", periodKey: req.parameters.get("period") ?? ""))
    }
}

extension Report {
    func narrativeFields(_ n: ReportNarrative) {
        (workDone, difficulties, nextSteps, experience) = (n.workDone, n.difficulties, n.nextSteps, n.experience)
    }
}

extension JSONEncoder {
    /// Keys in a fixed order: what is kept compares byte for byte.
    static var sorted: JSONEncoder {
        let e = JSONEncoder()
        e.outputFormatting = [.sortedKeys]
        return e
    }
}
