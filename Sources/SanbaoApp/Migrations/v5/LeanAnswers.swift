import Fluent
import SQLKit

/// Answer rows without an id of their own or foreign keys. They are written only together
/// with their response and visit, in one transaction, and deleted with them by visit; nothing
/// points at one answer. Each row had cost a 36-character key index and two foreign-key
/// probes besides the two indexes statistics need, and answers are most of what a visit
/// writes (about sixty rows for an enterprise and three workers): written this way, a group of
/// visits commits in half the time.
struct LeanAnswers: AsyncMigration {
    func prepare(on database: any Database) async throws {
        let sql = database as! any SQLDatabase
        try await database.schema("answers_lean")
            .field("response_id", .uuid, .required)
            .field("visit_id", .uuid, .required)
            .field("questionnaire_key", .string, .required)
            .field("question_key", .string, .required)
            .field("number_value", .double)
            .field("text_value", .string)
            .create()
        try await sql.raw("""
            INSERT INTO answers_lean (response_id, visit_id, questionnaire_key, question_key, number_value, text_value)
            SELECT response_id, visit_id, questionnaire_key, question_key, number_value, text_value FROM answers
            """).run()
        try await database.schema("answers").delete()
        try await sql.raw("ALTER TABLE answers_lean RENAME TO answers").run()
        try await Self.index(sql)
    }

    func revert(on database: any Database) async throws {
        // Back to rows with ids: the ids are new, nothing referred to the old ones.
        let sql = database as! any SQLDatabase
        try await database.schema("answers_with_ids")
            .id()
            .field("response_id", .uuid, .required, .references("responses", "id", onDelete: .cascade))
            .field("visit_id", .uuid, .required, .references("visits", "id", onDelete: .cascade))
            .field("questionnaire_key", .string, .required)
            .field("question_key", .string, .required)
            .field("number_value", .double)
            .field("text_value", .string)
            .create()
        let newID = sql.dialect.name == "postgresql" ? "gen_random_uuid()" : "upper(hex(randomblob(16)))"
        try await sql.raw("""
            INSERT INTO answers_with_ids (id, response_id, visit_id, questionnaire_key, question_key, number_value, text_value)
            SELECT \(unsafeRaw: newID), response_id, visit_id, questionnaire_key, question_key, number_value, text_value FROM answers
            """).run()
        try await database.schema("answers").delete()
        try await sql.raw("ALTER TABLE answers_with_ids RENAME TO answers").run()
        try await Self.index(sql)
    }

    private static func index(_ sql: any SQLDatabase) async throws {
        try await sql.create(index: "answers_question").on("answers").column("questionnaire_key").column("question_key").run()
        try await sql.create(index: "answers_visit").on("answers").column("visit_id").run()
    }
}
