@preconcurrency import Crypto
import Fluent
import Foundation
import SanbaoDomain
import SQLKit
import Vapor

/// Photos of a visit: added by the cadre who made it, seen by whoever may see the visit (the
/// files are `PhotoStore`'s).
extension VisitService {
    struct PhotoDTO: Content {
        var sha256, content_type: String
        var bytes: Int
        var exif_lat, exif_lon: Double?
        var exif_taken_at: String?
    }

    func addPhoto(to id: UUID, data: [UInt8]) async throws -> PhotoDTO {
        try principal.require(.recordVisits)
        let visit = try await visit(id)
        guard visit.$cadre.id == principal.userID else { throw AppError(.forbidden, "visit.not_yours") }
        let stored = try PhotoStore.store(data, in: app.config.photoDirectory)
        let sha = stored.sha256
        let dto = PhotoDTO(sha256: sha, content_type: stored.contentType, bytes: stored.bytes, exif_lat: stored.latitude,
                           exif_lon: stored.longitude, exif_taken_at: stored.takenAt)
        struct Found: Decodable { var sha256: String }
        let exists = try await sql.raw("SELECT sha256 FROM photos WHERE visit_id = \(bind: id) AND sha256 = \(bind: sha)")
            .first(decoding: Found.self) != nil
        if !exists {
            try await app.serializedTransaction(on: db) { db in
                try await BulkInsert.rows(into: "photos", columns: ["id", "visit_id", "sha256", "content_type", "bytes", "exif_lat", "exif_lon",
                                                                    "exif_taken_at", "uploaded_by", "created_at"],
                                          [[UUID(), id, sha, dto.content_type, dto.bytes, dto.exif_lat, dto.exif_lon, dto.exif_taken_at,
                                            principal.userID, Date()]], on: db)
                try await VisitEvent(visitID: id, by: principal, action: "photo_added").create(on: db)
                try await AuditLog.record(db, by: principal, action: "visit.photo", subjectType: "visit", subjectID: id.uuidString,
                                          after: ["sha256": sha, "bytes": "\(dto.bytes)", "located": dto.exif_lat == nil ? "no" : "yes"])
            }
        }
        return dto
    }

    func photos(of id: UUID) async throws -> [PhotoDTO] {
        try await sql.raw("""
            SELECT sha256, content_type, bytes, exif_lat, exif_lon, exif_taken_at FROM photos WHERE visit_id = \(bind: id) ORDER BY created_at
            """).all(decoding: PhotoDTO.self)
    }

    /// The stored bytes of a photo the principal may see: on one of their visible visits, or
    /// evidence on one of their visible problems.
    func photo(_ sha: String) async throws -> (contentType: String, path: String) {
        guard sha.count == 64, sha.allSatisfy(\.isHexDigit) else { throw AppError(.notFound, "error.not_found") }
        let path = PhotoStore.path(sha, in: app.config.photoDirectory)
        struct Row: Decodable { var visit_id: UUID; var content_type: String }
        for row in try await sql.raw("SELECT visit_id, content_type FROM photos WHERE sha256 = \(bind: sha)").all(decoding: Row.self) {
            if (try? await visit(row.visit_id)) != nil { return (row.content_type, path) }
        }
        struct Evidence: Decodable { var problem_id: UUID; var content_type: String }
        let problems = ProblemService(app: app, db: db, principal: principal)
        for row in try await sql.raw("SELECT problem_id, content_type FROM problem_evidence WHERE sha256 = \(bind: sha)").all(decoding: Evidence.self) {
            if (try? await problems.row(row.problem_id)) != nil { return (row.content_type, path) }
        }
        throw AppError(.notFound, "error.not_found")
    }
}
