import Fluent
import SQLKit

/// Photos of visits: the stored bytes (metadata removed) live in files named by their SHA-256;
/// the camera's position and time are kept here as evidence.
struct CreatePhotos: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("photos")
            .id()
            .field("visit_id", .uuid, .required, .references("visits", "id", onDelete: .cascade))
            .field("sha256", .string, .required)
            .field("content_type", .string, .required)
            .field("bytes", .int, .required)
            .field("exif_lat", .double)
            .field("exif_lon", .double)
            .field("exif_taken_at", .string)
            .field("uploaded_by", .uuid, .references("users", "id"))
            .field("created_at", .datetime)
            .unique(on: "visit_id", "sha256")
            .create()
        try await (database as! any SQLDatabase).create(index: "photos_sha").on("photos").column("sha256").run()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("photos").delete()
    }
}
