import Fluent
import SQLKit

/// Visits, what was answered on them, the problems found and each visit's review timeline.
struct CreateVisits: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("visits")
            .id()
            // The phone's own id for the submission (the Idempotency-Key): sent again after a
            // timeout, it finds this visit instead of making a second.
            .field("client_id", .string, .required)
            .field("request_digest", .string, .required)
            .field("cadre_user_id", .uuid, .required, .references("users", "id"))
            .field("unit_id", .uuid, .required, .references("org_units", "id"))
            .field("enterprise_id", .uuid, .required, .references("enterprises", "id"))
            .field("task_id", .uuid, .references("visit_tasks", "id", onDelete: .setNull))
            .field("ad_hoc_reason", .string, .required)
            .field("started_at", .datetime, .required)
            .field("finished_at", .datetime, .required)
            .field("lat", .double)
            .field("lon", .double)
            .field("accuracy_m", .double)
            .field("people_met", .string, .required)
            // submitted → accepted, or returned → (resubmitted) submitted …
            .field("status", .string, .required)
            .field("review_comment", .string, .required)
            // Raised by every change: a change made against an older revision is a conflict.
            .field("revision", .int, .required)
            .field("created_at", .datetime)
            .field("updated_at", .datetime)
            .unique(on: "cadre_user_id", "client_id")
            // A task is fulfilled by one visit (NULL, an ad-hoc visit, may repeat).
            .unique(on: "task_id")
            .create()
        try await database.schema("responses")
            .id()
            .field("visit_id", .uuid, .required, .references("visits", "id", onDelete: .cascade))
            .field("questionnaire_id", .uuid, .required, .references("questionnaires", "id"))
            .field("questionnaire_key", .string, .required)
            .field("version", .int, .required)
            .field("worker_id", .uuid, .references("workers", "id", onDelete: .setNull))
            .field("position", .int, .required)
            .field("answers", .string, .required)
            .create()
        // One row per answer value (a multiple choice gives one per choice): what statistics read,
        // following a question by its key across versions.
        try await database.schema("answers")
            .id()
            .field("response_id", .uuid, .required, .references("responses", "id", onDelete: .cascade))
            .field("visit_id", .uuid, .required, .references("visits", "id", onDelete: .cascade))
            .field("questionnaire_key", .string, .required)
            .field("question_key", .string, .required)
            .field("number_value", .double)
            .field("text_value", .string)
            .create()
        try await database.schema("problems")
            .id()
            .field("visit_id", .uuid, .references("visits", "id", onDelete: .setNull))
            .field("enterprise_id", .uuid, .required, .references("enterprises", "id"))
            .field("worker_id", .uuid, .references("workers", "id", onDelete: .setNull))
            .field("unit_id", .uuid, .required, .references("org_units", "id"))
            .field("reporter_user_id", .uuid, .required, .references("users", "id"))
            .field("category", .string, .required)
            .field("description", .string, .required)
            .field("severity", .string, .required)
            .field("status", .string, .required)
            .field("created_at", .datetime)
            .field("updated_at", .datetime)
            .create()
        try await database.schema("visit_events")
            .id()
            .field("visit_id", .uuid, .required, .references("visits", "id", onDelete: .cascade))
            .field("at", .datetime, .required)
            .field("actor_user_id", .uuid, .references("users", "id"))
            .field("actor_name", .string, .required)
            .field("action", .string, .required)
            .field("comment", .string, .required)
            .create()
        let sql = database as! any SQLDatabase
        try await sql.create(index: "visits_unit").on("visits").column("unit_id").run()
        try await sql.create(index: "visits_enterprise").on("visits").column("enterprise_id").run()
        try await sql.create(index: "responses_visit").on("responses").column("visit_id").run()
        try await sql.create(index: "answers_question").on("answers").column("questionnaire_key").column("question_key").run()
        try await sql.create(index: "answers_visit").on("answers").column("visit_id").run()
        try await sql.create(index: "problems_unit").on("problems").column("unit_id").run()
        try await sql.create(index: "problems_visit").on("problems").column("visit_id").run()
        try await sql.create(index: "visit_events_visit").on("visit_events").column("visit_id").run()
    }

    func revert(on database: any Database) async throws {
        for table in ["visit_events", "problems", "answers", "responses", "visits"] {
            try await database.schema(table).delete()
        }
    }
}
