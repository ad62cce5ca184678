import Fluent
import SQLKit

/// One row per page form sent with a one-time key (`FormOnce`): the key, who sent it and where
/// its result is, so that the same form sent twice (a double click, a retried post) makes one
/// record and both answers lead to it. Rows older than two days are removed as new ones come.
struct CreateFormSubmissions: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("form_submissions")
            .field("key", .string, .identifier(auto: false))
            .field("user_id", .uuid, .required, .references("users", "id"))
            .field("location", .string)
            .field("created_at", .datetime, .required)
            .create()
        try await (database as! any SQLDatabase).create(index: "form_submissions_created").on("form_submissions")
            .column("created_at").run()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("form_submissions").delete()
    }
}
