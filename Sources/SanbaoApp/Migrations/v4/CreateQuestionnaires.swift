import Fluent
import Foundation
import SanbaoDomain

/// Questionnaire versions: one row per published version, the definition kept whole as JSON
/// (it is read and written whole; answers, which statistics query, get their own tables).
/// The two default questionnaires are published as version 1 here, so every database has them.
struct CreateQuestionnaires: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("questionnaires")
            .id()
            .field("key", .string, .required)
            .field("version", .int, .required)
            .field("subject", .string, .required)
            .field("title", .string, .required)
            .field("definition", .string, .required)
            .field("published_at", .datetime, .required)
            .field("published_by", .string, .required)
            .unique(on: "key", "version")
            .create()
        for q in DefaultQuestionnaires.all {
            try await QuestionnaireVersion(q, by: "sanbao").create(on: database)
        }
    }

    func revert(on database: any Database) async throws {
        try await database.schema("questionnaires").delete()
    }
}
