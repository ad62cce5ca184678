import Foundation
import SanbaoDomain
import SQLKit
import Vapor

/// The office's settings for the ledger: the working days each category gets and whether a
/// referral's wait stops its clock, how late or how often reworked a problem must be to go a
/// level up, and the window for proposing merges. A change of working days applies to problems
/// that come in afterwards; deadlines already set stay as they were.
struct ProblemSettingsPages: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.get("problem-settings", use: show)
        routes.post("problem-settings", use: save)
    }

    struct Row: Encodable {
        var category: String
        var days: Int
        var pause: Bool
    }

    struct Threshold: Encodable {
        var key: String
        var value: Int
        var min: Int
        var max: Int
    }

    struct Page: Encodable {
        var shell: Shell
        var rows: [Row]
        var thresholds: [Threshold]
        var mayEdit: Bool
        /// The settings this page shows, as an `EditBasis`.
        var basis: String
    }

    /// The stored settings as one digest, read inside the saving transaction too.
    static func basis(_ sql: any SQLDatabase) async throws -> String {
        struct C: Decodable { var category: String; var working_days: Int; var pause_on_referral: Bool }
        struct T: Decodable { var key: String; var value: Int }
        let categories = try await sql.raw("SELECT category, working_days, pause_on_referral FROM problem_settings ORDER BY category")
            .all(decoding: C.self).map { "\($0.category)=\($0.working_days),\($0.pause_on_referral)" }
        let thresholds = try await sql.raw("SELECT key, value FROM ledger_settings ORDER BY key").all(decoding: T.self).map { "\($0.key)=\($0.value)" }
        return EditBasis.of(categories + thresholds)
    }

    func show(req: Request) async throws -> View {
        let principal = try req.requirePrincipal()
        let rules = try await ProblemRules.current(req.application, req.db)
        let rows = ProblemCategory.allCases.map {
            Row(category: $0.rawValue, days: rules.workingDays[$0] ?? $0.defaultWorkingDays, pause: rules.pausesOnReferral[$0] ?? false)
        }
        let thresholds = LedgerThresholds.keys.map {
            Threshold(key: $0.key, value: rules.thresholds[$0.key] ?? 0, min: $0.range.lowerBound, max: $0.range.upperBound)
        }
        return try await req.view.render("problems/settings", Page(shell: Shell(req, title: req.t("problems.settings")), rows: rows,
                                                                   thresholds: thresholds, mayEdit: principal.can(.manageAssignment),
                                                                   basis: try await Self.basis(req.db as! any SQLDatabase)))
    }

    /// Form fields `days.<category>` for every category, `pause.<category>` (a checkbox: present
    /// means on), and `threshold.<key>` for each of `LedgerThresholds.keys`.
    func save(req: Request) async throws -> Response {
        let principal = try req.requirePrincipal()
        try principal.require(.manageAssignment)
        let form = try req.content.decode([String: String].self)
        var changes: [(ProblemCategory, Int, Bool)] = []
        var thresholds: [(String, Int)] = []
        var issues: [AppError.FieldIssue] = []
        for category in ProblemCategory.allCases {
            guard let days = form["days.\(category.rawValue)"].flatMap({ Int($0.trimmed) }), (1...60).contains(days) else {
                issues.append(AppError.field("days.\(category.rawValue)", "problem.reason.bad_days"))
                continue
            }
            changes.append((category, days, form["pause.\(category.rawValue)"] != nil))
        }
        for (key, range) in LedgerThresholds.keys {
            guard let value = form["threshold.\(key)"].flatMap({ Int($0.trimmed) }), range.contains(value) else {
                issues.append(AppError.field("threshold.\(key)", "problems.reason.bad_setting"))
                continue
            }
            thresholds.append((key, value))
        }
        guard issues.isEmpty else { throw AppError.invalid(issues) }
        let changed = changes
        let newThresholds = thresholds
        let before = try await ProblemRules.current(req.application, req.db)
        let basis = form[EditBasis.field]
        try await req.application.serializedTransaction(on: req.db) { db in
            let sql = db as! any SQLDatabase
            try EditBasis.check(basis, current: try await Self.basis(sql))
            for (category, days, pause) in changed
            where before.workingDays[category] != days || (before.pausesOnReferral[category] ?? false) != pause {
                try await sql.raw("""
                    UPDATE problem_settings SET working_days = \(bind: days), pause_on_referral = \(bind: pause)
                    WHERE category = \(bind: category.rawValue)
                    """).run()
                try await AuditLog.record(db, by: principal, action: "problem.settings", subjectType: "problem_category",
                                          subjectID: category.rawValue,
                                          before: ["working_days": "\(before.workingDays[category] ?? 0)",
                                                   "pause_on_referral": "\(before.pausesOnReferral[category] ?? false)"],
                                          after: ["working_days": "\(days)", "pause_on_referral": "\(pause)"])
            }
            for (key, value) in newThresholds where before.thresholds[key] != value {
                try await sql.raw("UPDATE ledger_settings SET value = \(bind: value) WHERE key = \(bind: key)").run()
                try await AuditLog.record(db, by: principal, action: "problem.settings", subjectType: "ledger_setting", subjectID: key,
                                          before: ["value": "\(before.thresholds[key] ?? 0)"], after: ["value": "\(value)"])
            }
        }
        req.application.problemSettings.withLockedValue { $0 = nil }
        return req.redirect(to: "/problem-settings?flash=problem_settings_saved")
    }
}
