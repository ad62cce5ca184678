import Fluent
import Foundation
import NIOConcurrencyHelpers
import SanbaoDomain
import SQLKit
import Vapor

/// The official working-day calendar every deadline is counted on. Kept in memory for two
/// seconds (deadlines are computed on every problem page and by the scheduled scan), so that an
/// import on another instance or from the command line is in force here within that; an import
/// replaces the years in its file, in one transaction, and drops this process's copy at once.
struct CalendarService {
    let app: Application
    let db: any Database
    let principal: Principal

    var store: ProblemSettingsStore { ProblemSettingsStore(db: db) }

    func calendar() async throws -> WorkingCalendar {
        try await app.workingCalendar.value { try await store.calendar() }
    }

    /// The calendar as stored (for a migration, which has no application around it).
    static func read(_ sql: any SQLDatabase) async throws -> WorkingCalendar { try await ProblemSettingsStore.calendar(sql) }

    struct YearRow: Content {
        var year, exceptions: Int
        var imported_at: Date
        var imported_by: String
    }

    func years() async throws -> [YearRow] {
        try await store.years()
    }

    /// An official file (`date,kind,name`). All or nothing whatever the mode: half a year's
    /// holidays would make every deadline in that year wrong.
    func importCSV(_ bytes: [UInt8], mode: ImportMode = .allOrNothing) async throws -> ImportOutcome {
        try principal.require(.manageAssignment)
        let file = ImportFile.open(bytes)
        if let refusal = file.refusal { return refusal }
        var summary = file.summary
        let (exceptions, years, issues) = WorkingCalendar.read(file.records)
        let before = try await calendar()
        summary = ImportSummary(actions: exceptions.map { e in
            guard before.years.contains(e.day.year) else { return .create }
            return before.exception(on: e.day) == e ? .unchanged : .update
        }, issues: issues)
        summary.encoding = file.summary.encoding
        let outcome = ImportOutcome(summary: summary, issues: issues)
        guard issues.isEmpty else { return outcome.nothingWritten(rolledBack: !TableHeader.isFatal(issues)) }
        let now = Date()
        try await app.serializedTransaction(on: db) { db in
            for year in years.sorted() {
                try await ProblemSettingsStore(db: db).replace(year: year, with: exceptions.filter { $0.day.year == year }, at: now,
                                                               by: principal.displayName)
                try await AuditLog.record(db, by: principal, action: "calendar.import", subjectType: "calendar", subjectID: "\(year)",
                                          after: ["holidays": "\(exceptions.filter { $0.day.year == year && $0.kind == .holiday }.count)",
                                                  "workdays": "\(exceptions.filter { $0.day.year == year && $0.kind == .workday }.count)"])
            }
        }
        app.workingCalendar.drop()
        return outcome
    }

    func exportRows() async throws -> [[String]] {
        [WorkingCalendar.header.columns.map(\.key)] + (try await calendar()).all.map { [$0.day.description, $0.kind.rawValue, $0.name] }
    }

    /// The official files that ship with the product (Resources/Calendar/*.csv), for the years
    /// the database has none of yet: a new installation counts deadlines right from the start.
    static func loadShipped(_ app: Application) async throws {
        let folder = app.directory.resourcesDirectory + "Calendar/"
        let files = ((try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []).filter { $0.hasSuffix(".csv") }.sorted()
        let service = CalendarService(app: app, db: app.db, principal: .system("calendar"))
        let have = try await service.calendar().years
        for file in files {
            guard let bytes = FileManager.default.contents(atPath: folder + file) else { continue }
            let (records, _, _) = ImportFile.records(Array(bytes))
            guard !WorkingCalendar.read(records).years.isSubset(of: have) else { continue }
            let outcome = try await service.importCSV(Array(bytes))
            if !outcome.issues.isEmpty { app.logger.error("calendar file \(file) refused: \(outcome.issues)") }
        }
    }
}

