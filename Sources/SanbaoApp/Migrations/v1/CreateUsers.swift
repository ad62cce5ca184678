import Fluent
import SQLKit

struct CreateUsers: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("users")
            .id()
            .field("username", .string, .required)
            .field("display_name", .string, .required)
            .field("unit_id", .uuid, .required, .references("org_units", "id"))
            .field("roles", .string, .required)
            .field("password_hash", .string)
            .field("phone_cipher", .string)
            .field("phone_masked", .string)
            .field("phone_digest", .string)
            .field("failed_attempts", .int, .required)
            .field("locked_until", .datetime)
            .field("retired_at", .datetime)
            .field("created_at", .datetime)
            .field("updated_at", .datetime)
            .unique(on: "username")
            .create()
        try await (database as! any SQLDatabase).create(index: "users_unit").on("users").column("unit_id").run()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("users").delete()
    }
}

struct CreateCadres: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("cadres")
            .id()
            .field("user_id", .uuid, .required, .references("users", "id"))
            .field("staff_no", .string, .required)
            .field("lat", .double)
            .field("lon", .double)
            .field("capacity", .int, .required)
            .field("created_at", .datetime)
            .field("updated_at", .datetime)
            .unique(on: "staff_no")
            .unique(on: "user_id")
            .create()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("cadres").delete()
    }
}
