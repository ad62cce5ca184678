import Fluent
import SQLKit

/// The campaign, its stages and the task decomposition table (one quota row per unit and stage).
struct CreateCampaigns: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("campaigns")
            .id()
            .field("name", .string, .required)
            .field("starts_on", .string, .required)
            .field("ends_on", .string, .required)
            .field("status", .string, .required)
            // Fairness of the assignment: share of a cadre's capacity before the penalty starts
            // (0–100 %) and the penalty per further enterprise, in metres; 0 = off.
            .field("fairness_percent", .int, .required)
            .field("fairness_penalty_m", .int, .required)
            .field("created_at", .datetime)
            .field("updated_at", .datetime)
            .create()
        try await database.schema("stages")
            .id()
            .field("campaign_id", .uuid, .required, .references("campaigns", "id", onDelete: .cascade))
            .field("position", .int, .required)
            .field("name", .string, .required)
            .field("starts_on", .string, .required)
            .field("ends_on", .string, .required)
            .field("goals", .string, .required)
            .unique(on: "campaign_id", "position")
            .create()
        try await database.schema("quotas")
            .id()
            .field("stage_id", .uuid, .required, .references("stages", "id", onDelete: .cascade))
            .field("unit_id", .uuid, .required, .references("org_units", "id"))
            .field("enterprises", .int, .required)
            .field("workers", .int, .required)
            .field("questionnaires", .int, .required)
            .field("problems", .int, .required)
            .unique(on: "stage_id", "unit_id")
            .create()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("quotas").delete()
        try await database.schema("stages").delete()
        try await database.schema("campaigns").delete()
    }
}

/// The assignment of a stage: the latest solve (draft), the office's locks and exclusions,
/// and the published visit tasks each cadre sees.
struct CreateAssignments: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("assignment_drafts")
            .id()
            .field("stage_id", .uuid, .required, .references("stages", "id", onDelete: .cascade))
            .field("enterprise_id", .uuid, .required, .references("enterprises", "id", onDelete: .cascade))
            .field("cadre_id", .uuid, .references("cadres", "id"))
            .field("unit_id", .uuid, .references("org_units", "id"))
            .field("distance_m", .int)
            // why an enterprise is not placed: no_unit, no_cadre, all_full
            .field("reason", .string)
            .unique(on: "stage_id", "enterprise_id")
            .create()
        try await database.schema("assignment_locks")
            .id()
            .field("stage_id", .uuid, .required, .references("stages", "id", onDelete: .cascade))
            .field("enterprise_id", .uuid, .required, .references("enterprises", "id", onDelete: .cascade))
            .field("cadre_id", .uuid, .required, .references("cadres", "id"))
            .field("created_by", .string, .required)
            .unique(on: "stage_id", "enterprise_id")
            .create()
        try await database.schema("assignment_exclusions")
            .id()
            .field("stage_id", .uuid, .required, .references("stages", "id", onDelete: .cascade))
            .field("cadre_id", .uuid, .required, .references("cadres", "id"))
            .field("reason", .string, .required)
            .field("created_by", .string, .required)
            .unique(on: "stage_id", "cadre_id")
            .create()
        try await database.schema("visit_tasks")
            .id()
            .field("stage_id", .uuid, .required, .references("stages", "id", onDelete: .cascade))
            .field("enterprise_id", .uuid, .required, .references("enterprises", "id", onDelete: .cascade))
            .field("cadre_id", .uuid, .required, .references("cadres", "id"))
            .field("unit_id", .uuid, .required, .references("org_units", "id"))
            .field("distance_m", .int, .required)
            // open, or done once the visit is recorded (a done task never moves)
            .field("status", .string, .required)
            .field("published_at", .datetime, .required)
            .unique(on: "stage_id", "enterprise_id")
            .create()
        let sql = database as! any SQLDatabase
        try await sql.create(index: "visit_tasks_cadre").on("visit_tasks").column("cadre_id").run()
        try await sql.create(index: "assignment_drafts_unit").on("assignment_drafts").column("unit_id").run()
        try await sql.create(index: "assignment_drafts_cadre").on("assignment_drafts").column("cadre_id").run()
    }

    func revert(on database: any Database) async throws {
        for table in ["visit_tasks", "assignment_exclusions", "assignment_locks", "assignment_drafts"] {
            try await database.schema(table).delete()
        }
    }
}
