import Fluent
import SQLKit

struct CreateOrgUnits: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("org_units")
            .id()
            .field("code", .string, .required)
            .field("name", .string, .required)
            .field("kind", .string, .required)
            .field("parent_id", .uuid, .references("org_units", "id"))
            .field("path", .string, .required)
            .field("depth", .int, .required)
            .field("territory", .string, .required)
            .field("sectors", .string, .required)
            .field("lat", .double)
            .field("lon", .double)
            .field("retired_at", .datetime)
            .field("created_at", .datetime)
            .field("updated_at", .datetime)
            .unique(on: "code")
            .create()
        let sql = database as! any SQLDatabase
        try await sql.create(index: "org_units_path").on("org_units").column("path").run()
        try await sql.create(index: "org_units_parent").on("org_units").column("parent_id").run()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("org_units").delete()
    }
}
