import Fluent
import Foundation
import NIOConcurrencyHelpers
import SanbaoDomain
import Vapor

/// What a problem's deadline is counted by: the official calendar and the working days each
/// category gets. Kept in memory for two seconds (every visit with problems and every ledger page
/// needs it): a change on another instance is in force here within that.
struct ProblemRules: Sendable {
    var calendar: WorkingCalendar
    var workingDays: [ProblemCategory: Int]
    var pausesOnReferral: [ProblemCategory: Bool]
    var thresholds: LedgerThresholds = .standard

    static func current(_ app: Application, _ db: any Database) async throws -> ProblemRules {
        let calendar = try await CalendarService(app: app, db: db, principal: .system("rules")).calendar()
        let kept = try await app.problemSettings.value {
            let store = ProblemSettingsStore(db: db)
            var days: [ProblemCategory: Int] = [:]
            var pauses: [ProblemCategory: Bool] = [:]
            for row in try await store.categories() {
                guard let category = ProblemCategory(rawValue: row.category) else { continue }
                days[category] = row.working_days
                pauses[category] = row.pause_on_referral
            }
            var thresholds = LedgerThresholds.standard
            for row in try await store.thresholds() { thresholds[row.key] = row.value }
            return KeptSettings(days: days, pauses: pauses, thresholds: thresholds)
        }
        return ProblemRules(calendar: calendar, workingDays: kept.days, pausesOnReferral: kept.pauses, thresholds: kept.thresholds)
    }

    static func today(_ now: Date = Date()) -> Day { ShanghaiTime.day(now) }

    /// The day a problem of this category that came in on `day` must be solved by.
    func deadline(_ category: ProblemCategory, from day: Day) -> Day {
        calendar.adding(workingDays: workingDays[category] ?? category.defaultWorkingDays, to: day)
    }
}

/// The office's ledger settings as last read.
struct KeptSettings: Sendable {
    var days: [ProblemCategory: Int]
    var pauses: [ProblemCategory: Bool]
    var thresholds: LedgerThresholds
}

