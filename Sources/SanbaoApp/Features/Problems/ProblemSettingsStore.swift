import Fluent
import Foundation
import SanbaoDomain
import SQLKit

/// The SQL of what the ledger's deadlines are counted by: the working days and referral rule per
/// category, the escalation thresholds, and the official working-day calendar. No unit scope:
/// these are the federation's; `ProblemSettingsService` and `CalendarService` check the right to
/// change them.
struct ProblemSettingsStore {
    let db: any Database
    var sql: any SQLDatabase { db.sql }

    struct CategoryRow: Decodable { var category: String; var working_days: Int; var pause_on_referral: Bool }
    struct ThresholdRow: Decodable { var key: String; var value: Int }

    func categories() async throws -> [CategoryRow] {
        try await sql.raw("SELECT category, working_days, pause_on_referral FROM problem_settings ORDER BY category").all(decoding: CategoryRow.self)
    }

    func thresholds() async throws -> [ThresholdRow] {
        try await sql.raw("SELECT key, value FROM ledger_settings ORDER BY key").all(decoding: ThresholdRow.self)
    }

    func setCategory(_ category: ProblemCategory, workingDays days: Int, pauseOnReferral pause: Bool) async throws {
        try await sql.raw("""
            UPDATE problem_settings SET working_days = \(bind: days), pause_on_referral = \(bind: pause)
            WHERE category = \(bind: category.rawValue)
            """).run()
    }

    func setThreshold(_ key: String, to value: Int) async throws {
        try await sql.raw("UPDATE ledger_settings SET value = \(bind: value) WHERE key = \(bind: key)").run()
    }

    // MARK: The calendar

    /// The calendar as stored (static for a migration, which has no application around it).
    func calendar() async throws -> WorkingCalendar { try await Self.calendar(sql) }

    static func calendar(_ sql: any SQLDatabase) async throws -> WorkingCalendar {
        struct Row: Decodable { var day: String; var kind: String; var name: String }
        struct Year: Decodable { var year: Int }
        let rows = try await sql.raw("SELECT day, kind, name FROM calendar_days").all(decoding: Row.self)
        let years = try await sql.raw("SELECT year FROM calendar_years").all(decoding: Year.self)
        return WorkingCalendar(rows.compactMap { r in
            Day(r.day).flatMap { day in WorkingCalendar.Kind(rawValue: r.kind).map { .init(day: day, kind: $0, name: r.name) } }
        }, years: Set(years.map(\.year)))
    }

    func years() async throws -> [CalendarService.YearRow] {
        try await sql.raw("SELECT year, exceptions, imported_at, imported_by FROM calendar_years ORDER BY year").all(decoding: CalendarService.YearRow.self)
    }

    /// A year's exceptions replaced by those of an official file.
    func replace(year: Int, with exceptions: [WorkingCalendar.Exception], at now: Date, by name: String) async throws {
        try await sql.raw("DELETE FROM calendar_days WHERE year = \(bind: year)").run()
        try await sql.raw("DELETE FROM calendar_years WHERE year = \(bind: year)").run()
        let rows: [[any Encodable & Sendable]] = exceptions.map { [$0.day.description, year, $0.kind.rawValue, $0.name] }
        try await BulkInsert.rows(into: "calendar_days", columns: ["day", "year", "kind", "name"], rows, on: db)
        try await BulkInsert.rows(into: "calendar_years", columns: ["year", "exceptions", "imported_at", "imported_by"],
                                  [[year, rows.count, now, name]], on: db)
    }
}
