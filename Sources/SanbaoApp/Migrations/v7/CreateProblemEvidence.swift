import Fluent
import SQLKit

/// Evidence on a problem itself — a photo of the notice on the factory gate when it is
/// entered, of the signed pay sheet when it is resolved — beside what its visit holds. The file
/// is `PhotoStore`'s; the row keeps who added it, at which step of the problem's life, and where
/// the camera was.
struct CreateProblemEvidence: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("problem_evidence")
            .id()
            .field("problem_id", .uuid, .required, .references("problems", "id", onDelete: .cascade))
            .field("sha256", .string, .required)
            .field("content_type", .string, .required)
            .field("bytes", .int, .required)
            .field("exif_lat", .double)
            .field("exif_lon", .double)
            .field("exif_taken_at", .string)
            .field("status", .string, .required)
            .field("uploaded_by", .uuid, .references("users", "id"))
            .field("uploader_name", .string, .required)
            .field("created_at", .datetime, .required)
            .unique(on: "problem_id", "sha256")
            .create()
        try await (database as! any SQLDatabase).create(index: "problem_evidence_sha").on("problem_evidence").column("sha256").run()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("problem_evidence").delete()
    }
}
