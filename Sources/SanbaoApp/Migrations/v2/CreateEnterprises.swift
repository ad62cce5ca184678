import Fluent
import SQLKit

struct CreateEnterprises: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("enterprises")
            .id()
            .field("credit_code", .string, .required)
            .field("name", .string, .required)
            .field("name_key", .string, .required)
            .field("aliases", .string, .required)
            .field("address", .string, .required)
            .field("address_key", .string, .required)
            .field("merged_into_id", .uuid, .references("enterprises", "id"))
            .field("division_code", .string, .required)
            .field("industry_code", .string, .required)
            .field("size_class", .string, .required)
            .field("above_scale", .bool, .required)
            .field("employees", .int, .required)
            .field("migrant_workers", .int, .required)
            .field("union_established", .bool, .required)
            .field("legal_rep", .string, .required)
            .field("contact_cipher", .string)
            .field("contact_masked", .string, .required)
            .field("contact_digest", .string)
            .field("lat", .double)
            .field("lon", .double)
            .field("tags", .string, .required)
            .field("created_at", .datetime)
            .field("updated_at", .datetime)
            .unique(on: "credit_code")
            .create()
        try await database.schema("enterprise_units")
            .id()
            .field("enterprise_id", .uuid, .required, .references("enterprises", "id", onDelete: .cascade))
            .field("unit_id", .uuid, .required, .references("org_units", "id"))
            .unique(on: "enterprise_id", "unit_id")
            .create()
        // A person's decision on a candidate pair: "merged" (the second is the first) or "distinct".
        try await database.schema("enterprise_duplicates")
            .id()
            .field("first_id", .uuid, .required, .references("enterprises", "id"))
            .field("second_id", .uuid, .required, .references("enterprises", "id"))
            .field("decision", .string, .required)
            .field("decided_by", .string, .required)
            .field("decided_at", .datetime, .required)
            .unique(on: "first_id", "second_id")
            .create()
        let sql = database as! any SQLDatabase
        try await sql.create(index: "enterprises_name_key").on("enterprises").column("name_key").column("address_key").run()
        try await sql.create(index: "enterprises_division").on("enterprises").column("division_code").run()
        try await sql.create(index: "enterprise_units_unit").on("enterprise_units").column("unit_id").run()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("enterprise_duplicates").delete()
        try await database.schema("enterprise_units").delete()
        try await database.schema("enterprises").delete()
    }
}
