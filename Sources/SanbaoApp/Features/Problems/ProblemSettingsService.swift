import Fluent
import Foundation
import SanbaoDomain
import SQLKit
import Vapor

/// The ledger's settings as a form sends them: text to be checked.
struct LedgerSettings: Sendable {
    var days: [ProblemCategory: String]
    var pauses: Set<ProblemCategory>
    var thresholds: [String: String]
}

/// The office's settings for the ledger: working days per category and whether a referral's wait
/// stops the clock, the escalation thresholds, the merge window. Checked, saved against the
/// basis the page showed, audited per changed value; the kept copy is dropped after a save.
struct ProblemSettingsService {
    let app: Application
    let db: any Database
    let principal: Principal

    /// The stored settings as one digest (`EditBasis`), read inside the saving transaction too.
    static func basis(_ sql: any SQLDatabase) async throws -> String {
        struct C: Decodable { var category: String; var working_days: Int; var pause_on_referral: Bool }
        struct T: Decodable { var key: String; var value: Int }
        let categories = try await sql.raw("SELECT category, working_days, pause_on_referral FROM problem_settings ORDER BY category")
            .all(decoding: C.self).map { "\($0.category)=\($0.working_days),\($0.pause_on_referral)" }
        let thresholds = try await sql.raw("SELECT key, value FROM ledger_settings ORDER BY key").all(decoding: T.self).map { "\($0.key)=\($0.value)" }
        return EditBasis.of(categories + thresholds)
    }

    func save(_ settings: LedgerSettings, basis: String?) async throws {
        try principal.require(.manageAssignment)
        var changes: [(ProblemCategory, Int, Bool)] = []
        var thresholds: [(String, Int)] = []
        var issues: [AppError.FieldIssue] = []
        for category in ProblemCategory.allCases {
            guard let days = settings.days[category].flatMap({ Int($0.trimmed) }), (1...60).contains(days) else {
                issues.append(AppError.field("days.\(category.rawValue)", "problem.reason.bad_days"))
                continue
            }
            changes.append((category, days, settings.pauses.contains(category)))
        }
        for (key, range) in LedgerThresholds.keys {
            guard let value = settings.thresholds[key].flatMap({ Int($0.trimmed) }), range.contains(value) else {
                issues.append(AppError.field("threshold.\(key)", "problems.reason.bad_setting"))
                continue
            }
            thresholds.append((key, value))
        }
        guard issues.isEmpty else { throw AppError.invalid(issues) }
        let (changed, newThresholds, principal) = (changes, thresholds, principal)
        let before = try await ProblemRules.current(app, db)
        try await app.serializedTransaction(on: db) { db in
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
        app.problemSettings.withLockedValue { $0 = nil }
    }
}
