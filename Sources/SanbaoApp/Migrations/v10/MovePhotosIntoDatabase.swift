import Fluent
import Foundation
import SQLKit

/// Photos (visits' and problems' evidence) kept in the database, one row per distinct photo by
/// its SHA-256, instead of files beside the server: behind a load balancer every instance serves
/// every photo, and a backup of the database holds the evidence too. The files already kept
/// under `photoDirectory` are copied in (a photo whose file is missing stays listed and answers
/// "not found", as it did); the files are left where they were, for the operator to remove.
struct MovePhotosIntoDatabase: AsyncMigration {
    let photoDirectory: String

    func prepare(on database: any Database) async throws {
        try await database.schema("photo_files")
            .field("sha256", .string, .identifier(auto: false))
            .field("content_type", .string, .required)
            .field("data", .data, .required)
            .field("created_at", .datetime, .required)
            .create()
        let sql = database as! any SQLDatabase
        struct Kept: Decodable { var sha256: String; var content_type: String }
        let kept = try await sql.raw("""
            SELECT sha256, MIN(content_type) AS content_type FROM
              (SELECT sha256, content_type FROM photos UNION ALL SELECT sha256, content_type FROM problem_evidence) AS p
            GROUP BY sha256
            """).all(decoding: Kept.self)
        for photo in kept {
            let path = photoDirectory + "/" + photo.sha256.prefix(2) + "/" + photo.sha256.dropFirst(2)
            guard let data = FileManager.default.contents(atPath: path) else { continue }
            try await sql.raw("""
                INSERT INTO photo_files (sha256, content_type, data, created_at)
                VALUES (\(bind: photo.sha256), \(bind: photo.content_type), \(bind: data), \(bind: Date()))
                """).run()
        }
    }

    func revert(on database: any Database) async throws {
        try await database.schema("photo_files").delete()
    }
}
