import Fluent
import SQLKit

/// What the scheduled scan keeps: how far up the tree an overdue or reworked problem has gone
/// (0: still only its responsible unit's), and the reminders it leaves for units — one per
/// problem, kind and day, so running the scan twice changes nothing.
struct CreateProblemScan: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("problems").field("escalation_level", .int, .required, .sql(.default(0))).update()
        // Counted ids: the scan writes them with INSERT … SELECT, and neither SQLite nor this
        // statement can make a UUID per row.
        try await database.schema("notifications")
            .field("id", .int, .identifier(auto: true))
            .field("unit_id", .uuid, .required, .references("org_units", "id"))
            .field("problem_id", .uuid, .required, .references("problems", "id", onDelete: .cascade))
            .field("kind", .string, .required)
            .field("day", .string, .required)
            .field("detail", .string, .required)
            .field("created_at", .datetime, .required)
            .field("read_at", .datetime)
            .unique(on: "problem_id", "kind", "day", "unit_id")
            .create()
        let sql = database as! any SQLDatabase
        try await sql.create(index: "notifications_unit").on("notifications").column("unit_id").column("read_at").run()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("notifications").delete()
        try await database.schema("problems").deleteField("escalation_level").update()
    }
}
