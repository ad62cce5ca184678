import Fluent
import SQLKit

/// Periodic reports (定期报告): the campaign says how often (weekly or monthly), how many
/// working days after a period its report is due, and how many levels below the office report
/// (1: the counties, districts and industry unions). One report per unit and period, with its
/// timeline and the reminders sent to units that are late.
struct CreateReports: AsyncMigration {
    func prepare(on database: any Database) async throws {
        // One column per statement: SQLite adds one column at a time.
        try await database.schema("campaigns").field("report_cadence", .string, .required, .sql(.default("weekly"))).update()
        try await database.schema("campaigns").field("report_due_days", .int, .required, .sql(.default(2))).update()
        try await database.schema("campaigns").field("report_depth", .int, .required, .sql(.default(1))).update()
        try await database.schema("reports")
            .id()
            .field("campaign_id", .uuid, .required, .references("campaigns", "id"))
            .field("unit_id", .uuid, .required, .references("org_units", "id"))
            .field("period_key", .string, .required)
            .field("starts_on", .string, .required)
            .field("ends_on", .string, .required)
            .field("due_on", .string, .required)
            .field("status", .string, .required)
            .field("work_done", .string, .required)
            .field("difficulties", .string, .required)
            .field("next_steps", .string, .required)
            .field("experience", .string, .required)
            // The figures as submitted (JSON); empty while a draft shows live figures.
            .field("figures", .string, .required)
            .field("first_submitted_on", .string)
            .field("submitted_at", .datetime)
            .field("decided_at", .datetime)
            .field("comment", .string, .required)
            .field("revision", .int, .required)
            .field("created_at", .datetime)
            .field("updated_at", .datetime)
            .unique(on: "campaign_id", "unit_id", "period_key")
            .create()
        let sql = database as! any SQLDatabase
        try await sql.create(index: "reports_period").on("reports").column("campaign_id").column("period_key").column("status").run()
        try await database.schema("report_events")
            .id()
            .field("report_id", .uuid, .required, .references("reports", "id", onDelete: .cascade))
            .field("at", .datetime, .required)
            .field("actor_user_id", .uuid)
            .field("actor_name", .string, .required)
            .field("action", .string, .required)
            .field("comment", .string, .required)
            .create()
        try await sql.create(index: "report_events_report").on("report_events").column("report_id").run()
        try await database.schema("report_reminders")
            .id()
            .field("campaign_id", .uuid, .required, .references("campaigns", "id"))
            .field("unit_id", .uuid, .required, .references("org_units", "id"))
            .field("period_key", .string, .required)
            .field("day", .string, .required)
            .field("from_unit_name", .string, .required)
            .field("created_at", .datetime, .required)
            .unique(on: "campaign_id", "unit_id", "period_key", "day")
            .create()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("report_reminders").delete()
        try await database.schema("report_events").delete()
        try await database.schema("reports").delete()
        try await database.schema("campaigns").deleteField("report_depth").update()
        try await database.schema("campaigns").deleteField("report_due_days").update()
        try await database.schema("campaigns").deleteField("report_cadence").update()
    }
}
