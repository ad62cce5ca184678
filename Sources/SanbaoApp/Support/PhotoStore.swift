@preconcurrency import Crypto
import Foundation
import Fluent
import SanbaoDomain
import SQLKit

/// Photos, for visits and for problems' evidence alike: checked (JPEG or PNG, size), the
/// camera's metadata taken out, and named by the SHA-256 of what is served, so the same photo
/// sent twice is kept once (`photo_files`, written by the store of the capability that took it
/// in) and a retried upload changes nothing. The camera's position and time stay in the rows
/// that point at the photo. Kept in the database so that every instance serves every photo.
enum PhotoStore {
    struct Stored: Sendable {
        var sha256, contentType: String
        var bytes: Int
        var latitude, longitude: Double?
        var takenAt: String?
        /// What is kept and served: the photo without the camera's metadata.
        var data: Data
    }

    /// Checks `data` and takes the metadata out; a bad photo is named on `field`.
    static func check(_ data: [UInt8], field: String = "photo") throws -> Stored {
        let photo: PhotoEvidence
        do { photo = try PhotoEvidence(data) } catch {
            let reason = switch error {
            case .notAnImage: "visit.reason.not_an_image"
            case .tooLarge: "visit.reason.too_large"
            case .damaged: "visit.reason.damaged_image"
            }
            throw AppError.invalid([AppError.field(field, reason)])
        }
        return Stored(sha256: SHA256Digest.hex(photo.bytes), contentType: photo.kind.rawValue, bytes: photo.bytes.count,
                      latitude: photo.latitude, longitude: photo.longitude, takenAt: photo.takenAt, data: Data(photo.bytes))
    }

    /// Kept once per photo (the same photo on two visits, or sent twice at once, is one row).
    static func keep(_ photo: Stored, on db: any Database) async throws {
        try await db.sql.raw("""
            INSERT INTO photo_files (sha256, content_type, data, created_at)
            VALUES (\(bind: photo.sha256), \(bind: photo.contentType), \(bind: photo.data), \(bind: Date()))
            ON CONFLICT (sha256) DO NOTHING
            """).run()
    }

    /// The kept photo's bytes.
    static func data(_ sha: String, on db: any Database) async throws -> Data? {
        struct Row: Decodable { var data: Data }
        return try await db.sql.raw("SELECT data FROM photo_files WHERE sha256 = \(bind: sha)").first(decoding: Row.self)?.data
    }
}
