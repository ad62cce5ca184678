@preconcurrency import Crypto
import Fluent
import Foundation
import SanbaoDomain
import SQLKit
import Vapor

/// Photos of a visit: added by the cadre who made it, seen by whoever may see the visit.
/// Files are content-addressed (`ab/cdef…`, the SHA-256 of the stripped bytes), so the same
/// photo sent twice is one file and a retried upload changes nothing.
extension VisitService {
    struct PhotoDTO: Content {
        var sha256: String
        var content_type: String
        var bytes: Int
        var exif_lat: Double?
        var exif_lon: Double?
        var exif_taken_at: String?
    }

    func addPhoto(to id: UUID, data: [UInt8]) async throws -> PhotoDTO {
        try principal.require(.recordVisits)
        let visit = try await visit(id)
        guard visit.$cadre.id == principal.userID else { throw AppError(.forbidden, "visit.not_yours") }
        let photo: PhotoEvidence
        do { photo = try PhotoEvidence(data) } catch {
            let reason = switch error {
            case .notAnImage: "visit.reason.not_an_image"
            case .tooLarge: "visit.reason.too_large"
            case .damaged: "visit.reason.damaged_image"
            }
            throw AppError.invalid([AppError.field("photo", reason)])
        }
        let sha = SHA256Digest.hex(photo.bytes)
        let path = Self.photoPath(sha, in: app.config.photoDirectory)
        if !FileManager.default.fileExists(atPath: path) {
            try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            // Written under a temporary name and renamed, so a half-written file is never served.
            let temporary = path + ".part-" + UUID().uuidString
            guard FileManager.default.createFile(atPath: temporary, contents: Data(photo.bytes)) else { throw AppError(.internalServerError, "error.internal") }
            do { try FileManager.default.moveItem(atPath: temporary, toPath: path) } catch {
                // Another upload of the same photo got there first: the same bytes, so keep that one.
                try? FileManager.default.removeItem(atPath: temporary)
                guard FileManager.default.fileExists(atPath: path) else { throw error }
            }
        }
        let dto = PhotoDTO(sha256: sha, content_type: photo.kind.rawValue, bytes: photo.bytes.count, exif_lat: photo.latitude,
                           exif_lon: photo.longitude, exif_taken_at: photo.takenAt)
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

    /// The stored bytes of a photo the principal may see (on one of their visible visits).
    func photo(_ sha: String) async throws -> (contentType: String, path: String) {
        guard sha.count == 64, sha.allSatisfy(\.isHexDigit) else { throw AppError(.notFound, "error.not_found") }
        struct Row: Decodable { var visit_id: UUID; var content_type: String }
        for row in try await sql.raw("SELECT visit_id, content_type FROM photos WHERE sha256 = \(bind: sha)").all(decoding: Row.self) {
            if (try? await visit(row.visit_id)) != nil { return (row.content_type, Self.photoPath(sha, in: app.config.photoDirectory)) }
        }
        throw AppError(.notFound, "error.not_found")
    }

    static func photoPath(_ sha: String, in directory: String) -> String {
        directory + "/" + sha.prefix(2) + "/" + sha.dropFirst(2)
    }
}
