import Foundation
import SanbaoDomain
import SQLKit
import Vapor

/// The office's settings for the ledger: the working days each category gets. A change applies
/// to problems that come in afterwards; deadlines already set stay as they were. (Whether a
/// referral's wait may stop a category's clock is stored too, but nothing stops the clock yet,
/// so the page does not offer it.)
struct ProblemSettingsPages: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.get("problem-settings", use: show)
        routes.post("problem-settings", use: save)
    }

    struct Row: Encodable {
        var category: String
        var days: Int
    }

    struct Page: Encodable {
        var shell: Shell
        var rows: [Row]
        var mayEdit: Bool
    }

    func show(req: Request) async throws -> View {
        let principal = try req.requirePrincipal()
        let rules = try await ProblemRules.current(req.application, req.db)
        let rows = ProblemCategory.allCases.map {
            Row(category: $0.rawValue, days: rules.workingDays[$0] ?? $0.defaultWorkingDays)
        }
        return try await req.view.render("problems/settings", Page(shell: Shell(req, title: req.t("problems.settings")), rows: rows,
                                                                   mayEdit: principal.can(.manageAssignment)))
    }

    /// Form fields `days.<category>`, one for every category.
    func save(req: Request) async throws -> Response {
        let principal = try req.requirePrincipal()
        try principal.require(.manageAssignment)
        let form = try req.content.decode([String: String].self)
        var changes: [(ProblemCategory, Int)] = []
        var issues: [AppError.FieldIssue] = []
        for category in ProblemCategory.allCases {
            guard let days = form["days.\(category.rawValue)"].flatMap({ Int($0.trimmed) }), (1...60).contains(days) else {
                issues.append(AppError.field("days.\(category.rawValue)", "problem.reason.bad_days"))
                continue
            }
            changes.append((category, days))
        }
        guard issues.isEmpty else { throw AppError.invalid(issues) }
        let changed = changes
        let before = try await ProblemRules.current(req.application, req.db)
        try await req.application.serializedTransaction(on: req.db) { db in
            let sql = db as! any SQLDatabase
            for (category, days) in changed where before.workingDays[category] != days {
                try await sql.raw("UPDATE problem_settings SET working_days = \(bind: days) WHERE category = \(bind: category.rawValue)").run()
                try await AuditLog.record(db, by: principal, action: "problem.settings", subjectType: "problem_category",
                                          subjectID: category.rawValue, before: ["working_days": "\(before.workingDays[category] ?? 0)"],
                                          after: ["working_days": "\(days)"])
            }
        }
        req.application.problemSettings.withLockedValue { $0 = nil }
        return req.redirect(to: "/problem-settings?flash=problem_settings_saved")
    }
}
