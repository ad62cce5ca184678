import Fluent
import Foundation
import SanbaoDomain
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
    static func basis(_ store: ProblemSettingsStore) async throws -> String {
        let categories = try await store.categories().map { "\($0.category)=\($0.working_days),\($0.pause_on_referral)" }
        let thresholds = try await store.thresholds().map { "\($0.key)=\($0.value)" }
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
            let store = ProblemSettingsStore(db: db)
            try EditBasis.check(basis, current: try await Self.basis(store))
            for (category, days, pause) in changed
            where before.workingDays[category] != days || (before.pausesOnReferral[category] ?? false) != pause {
                try await store.setCategory(category, workingDays: days, pauseOnReferral: pause)
                try await AuditLog.record(db, by: principal, action: "problem.settings", subjectType: "problem_category",
                                          subjectID: category.rawValue,
                                          before: ["working_days": "\(before.workingDays[category] ?? 0)",
                                                   "pause_on_referral": "\(before.pausesOnReferral[category] ?? false)"],
                                          after: ["working_days": "\(days)", "pause_on_referral": "\(pause)"])
            }
            for (key, value) in newThresholds where before.thresholds[key] != value {
                try await store.setThreshold(key, to: value)
                try await AuditLog.record(db, by: principal, action: "problem.settings", subjectType: "ledger_setting", subjectID: key,
                                          before: ["value": "\(before.thresholds[key] ?? 0)"], after: ["value": "\(value)"])
            }
        }
        app.problemSettings.drop()
    }
}
