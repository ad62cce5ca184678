import Fluent
import SQLKit

/// Supervision orders (督办): issued by a unit above the one that must act, on one problem, on
/// a group of problems, or as a special inspection (专项督查) of a category in an area; each has
/// its own deadline, a required report-back, a status, and a timeline.
struct CreateSupervision: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("supervision_orders")
            .id()
            .field("kind", .string, .required)
            .field("title", .string, .required)
            .field("instruction", .string, .required)
            .field("issuer_unit_id", .uuid, .required, .references("org_units", "id"))
            .field("issuer_user_id", .uuid, .references("users", "id"))
            .field("target_unit_id", .uuid, .required, .references("org_units", "id"))
            .field("category", .string)
            .field("area_unit_id", .uuid, .references("org_units", "id"))
            .field("issued_on", .string, .required)
            .field("deadline", .string, .required)
            .field("status", .string, .required)
            .field("report", .string)
            .field("reported_on", .string)
            .field("closed_on", .string)
            .field("revision", .int, .required)
            .field("created_at", .datetime, .required)
            .create()
        try await database.schema("supervision_problems")
            .field("order_id", .uuid, .required, .references("supervision_orders", "id", onDelete: .cascade))
            .field("problem_id", .uuid, .required, .references("problems", "id", onDelete: .cascade))
            .unique(on: "order_id", "problem_id")
            .create()
        try await database.schema("supervision_events")
            .id()
            .field("order_id", .uuid, .required, .references("supervision_orders", "id", onDelete: .cascade))
            .field("at", .datetime, .required)
            .field("actor_name", .string, .required)
            .field("actor_unit_id", .uuid)
            .field("step", .string, .required)
            .field("note", .string, .required)
            .create()
        let sql = database as! any SQLDatabase
        try await sql.create(index: "supervision_orders_target").on("supervision_orders").column("target_unit_id").column("status").run()
        try await sql.create(index: "supervision_problems_problem").on("supervision_problems").column("problem_id").run()
        try await sql.create(index: "supervision_events_order").on("supervision_events").column("order_id").run()
    }

    func revert(on database: any Database) async throws {
        for table in ["supervision_events", "supervision_problems", "supervision_orders"] { try await database.schema(table).delete() }
    }
}
