import Fluent
import SanbaoDomain
import SQLKit

/// The problem ledger (问题诉求台账): each problem gets a responsible unit, a deadline counted
/// in working days (settable per category), its rework count and first-resolution figures, a
/// revision against lost updates, and a timeline of every step.
struct CreateProblemLedger: AsyncMigration {
    func prepare(on database: any Database) async throws {
        // One column at a time: SQLite adds one per ALTER TABLE.
        let columns: [(String, DatabaseSchema.DataType, [DatabaseSchema.FieldConstraint])] = [
            ("responsible_unit_id", .uuid, [.references("org_units", "id")]),
            ("dispatcher_unit_id", .uuid, [.references("org_units", "id")]),
            ("reported_on", .string, []),
            ("deadline", .string, []),
            ("rework_count", .int, [.required, .sql(.default(0))]),
            ("first_resolved_on", .string, []),
            ("first_on_time", .bool, []),
            ("resolved_on", .string, []),
            ("satisfaction", .string, []),
            ("revision", .int, [.required, .sql(.default(1))]),
        ]
        for (name, type, constraints) in columns {
            try await database.schema("problems").field(.definition(name: .key(.string(name)), dataType: type, constraints: constraints)).update()
        }
        let sql = database as! any SQLDatabase
        try await sql.create(index: "problems_responsible").on("problems").column("responsible_unit_id").column("status").run()
        try await sql.create(index: "problems_deadline").on("problems").column("status").column("deadline").run()

        try await database.schema("problem_events")
            .id()
            .field("problem_id", .uuid, .required, .references("problems", "id", onDelete: .cascade))
            .field("at", .datetime, .required)
            .field("actor_user_id", .uuid, .references("users", "id"))
            .field("actor_name", .string, .required)
            .field("actor_unit_id", .uuid)
            .field("step", .string, .required)
            .field("from_status", .string, .required)
            .field("to_status", .string, .required)
            .field("unit_id", .uuid)
            .field("note", .string, .required)
            .field("department", .string)
            .field("reply_by", .string)
            .field("satisfaction", .string)
            .create()
        try await sql.create(index: "problem_events_problem").on("problem_events").column("problem_id").run()

        // Working days to solve, per category; the defaults are the (an office setting).
        try await database.schema("problem_settings")
            .field("category", .string, .required)
            .field("working_days", .int, .required)
            .field("pause_on_referral", .bool, .required)
            .unique(on: "category")
            .create()
        try await BulkInsert.rows(into: "problem_settings", columns: ["category", "working_days", "pause_on_referral"],
                                  ProblemCategory.allCases.map { [$0.rawValue, $0.defaultWorkingDays, $0.pausesOnReferral] }, on: database)
    }

    func revert(on database: any Database) async throws {
        try await database.schema("problem_settings").delete()
        try await database.schema("problem_events").delete()
        let sql = database as! any SQLDatabase
        try await sql.drop(index: "problems_responsible").run()
        try await sql.drop(index: "problems_deadline").run()
        for name in ["responsible_unit_id", "dispatcher_unit_id", "reported_on", "deadline", "rework_count", "first_resolved_on",
                     "first_on_time", "resolved_on", "satisfaction", "revision"] {
            try await database.schema("problems").deleteField(.string(name)).update()
        }
    }
}
