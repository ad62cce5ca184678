import Fluent
import SQLKit

struct CreateWorkers: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("workers")
            .id()
            .field("name", .string, .required)
            .field("id_cipher", .string, .required)
            .field("id_masked", .string, .required)
            .field("id_digest", .string, .required)
            .field("phone_cipher", .string)
            .field("phone_masked", .string, .required)
            .field("phone_digest", .string)
            .field("gender", .string, .required)
            .field("birth_year", .int, .required)
            .field("enterprise_id", .uuid, .required, .references("enterprises", "id"))
            .field("job", .string, .required)
            .field("migrant", .bool, .required)
            .field("household_cipher", .string)
            .field("private_digest", .string, .required)
            .field("hardship", .string, .required)
            .field("created_at", .datetime)
            .field("updated_at", .datetime)
            .unique(on: "id_digest")
            .create()
        try await (database as! any SQLDatabase).create(index: "workers_enterprise").on("workers").column("enterprise_id").run()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("workers").delete()
    }
}
