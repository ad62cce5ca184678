import Fluent
import SQLKit

/// The campaign's progress kept as it happens, so that a dashboard reads a few rows whatever
/// the number of visits: for every unit and everything below it, per stage and day, the visits
/// that count, the workers, the questionnaires and the problems found on them; per stage, the
/// enterprises visited, with which units' subtrees have visited which enterprise (so an
/// enterprise visited twice counts once at every level); and the visit tasks per unit and stage.
struct CreateVisitTallies: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("visit_tallies")
            .field("unit_id", .uuid, .required, .references("org_units", "id"))
            // A stage's id, or "" for visits outside every stage.
            .field("stage_key", .string, .required)
            .field("day", .string, .required)
            .field("visits", .int, .required)
            .field("workers", .int, .required)
            .field("questionnaires", .int, .required)
            // Problems found on those visits.
            .field("problems", .int, .required)
            .unique(on: "unit_id", "stage_key", "day")
            .create()
        try await database.schema("visited_enterprises")
            .field("stage_key", .string, .required)
            .field("enterprise_id", .uuid, .required)
            .field("unit_id", .uuid, .required)
            .unique(on: "stage_key", "enterprise_id", "unit_id")
            .create()
        try await database.schema("enterprise_tallies")
            .field("unit_id", .uuid, .required, .references("org_units", "id"))
            .field("stage_key", .string, .required)
            .field("enterprises", .int, .required)
            .unique(on: "unit_id", "stage_key")
            .create()
        try await database.schema("task_tallies")
            .field("unit_id", .uuid, .required, .references("org_units", "id"))
            .field("stage_id", .uuid, .required)
            .field("tasks", .int, .required)
            .unique(on: "unit_id", "stage_id")
            .create()
        // Answers, for the statistics of big subtrees (`AnswerTally`): counted by value, by the
        // visited enterprise's industry section and size class; numbers by value.
        try await database.schema("answer_tallies")
            .field("unit_id", .uuid, .required, .references("org_units", "id"))
            .field("stage_key", .string, .required)
            .field("questionnaire_key", .string, .required)
            .field("question_key", .string, .required)
            .field("value", .string, .required)
            .field("section", .string, .required)
            .field("size_class", .string, .required)
            .field("n", .int, .required)
            .unique(on: "unit_id", "stage_key", "questionnaire_key", "question_key", "value", "section", "size_class")
            .create()
        try await database.schema("number_tallies")
            .field("unit_id", .uuid, .required, .references("org_units", "id"))
            .field("stage_key", .string, .required)
            .field("questionnaire_key", .string, .required)
            .field("question_key", .string, .required)
            .field("value", .double, .required)
            .field("n", .int, .required)
            .unique(on: "unit_id", "stage_key", "questionnaire_key", "question_key", "value")
            .create()
        // Filled by the last tally migration (`CreatePairTallies`), once every table exists.
    }

    func revert(on database: any Database) async throws {
        for table in ["number_tallies", "answer_tallies", "task_tallies", "enterprise_tallies", "visited_enterprises", "visit_tallies"] { try await database.schema(table).delete() }
    }
}
