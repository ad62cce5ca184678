import Fluent
import SQLKit

/// A referral's wait may stop a problem's clock (where its category allows): the day it
/// stopped, and the working days it has stood still so far (the deadline moves by them when
/// the department answers). A problem merged into another (并单) keeps its row, reporter and
/// evidence and points at the one it joined. The office's escalation and merge thresholds.
struct AddProblemPauseAndMerge: AsyncMigration {
    static let columns: [(String, DatabaseSchema.DataType, [DatabaseSchema.FieldConstraint])] = [
        ("paused_since", .string, []),
        ("paused_days", .int, [.required, .sql(.default(0))]),
        ("merged_into_id", .uuid, [.references("problems", "id")]),
    ]

    func prepare(on database: any Database) async throws {
        // One column at a time: SQLite adds one per ALTER TABLE.
        for (name, type, constraints) in Self.columns {
            try await database.schema("problems").field(.definition(name: .key(.string(name)), dataType: type, constraints: constraints)).update()
        }
        let sql = database as! any SQLDatabase
        // Merge proposals look for the same enterprise and category; hotspots count by week.
        try await sql.create(index: "problems_enterprise_category").on("problems").column("enterprise_id").column("category").run()
        try await sql.create(index: "problems_reported_on").on("problems").column("reported_on").run()

        try await database.schema("ledger_settings")
            .field("key", .string, .required)
            .field("value", .int, .required)
            .unique(on: "key")
            .create()
        // The defaults as they stood when this landed (`LedgerThresholds.standard`).
        try await BulkInsert.rows(into: "ledger_settings", columns: ["key", "value"],
                                  [["overdue_days_per_level", 2], ["reworks_per_level", 2], ["merge_window_days", 30]], on: database)
    }

    func revert(on database: any Database) async throws {
        try await database.schema("ledger_settings").delete()
        let sql = database as! any SQLDatabase
        try await sql.drop(index: "problems_enterprise_category").run()
        try await sql.drop(index: "problems_reported_on").run()
        for (name, _, _) in Self.columns.reversed() { try await database.schema("problems").deleteField(.string(name)).update() }
    }
}
