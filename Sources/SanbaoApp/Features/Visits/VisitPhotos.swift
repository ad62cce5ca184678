@preconcurrency import Crypto
import Fluent
import Foundation
import SanbaoDomain
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
        let stored = try PhotoStore.check(data)
        let sha = stored.sha256
        let dto = PhotoDTO(sha256: sha, content_type: stored.contentType, bytes: stored.bytes, exif_lat: stored.latitude,
                           exif_lon: stored.longitude, exif_taken_at: stored.takenAt)
        if try await !store.hasPhoto(sha, on: id) {
            try await app.serializedTransaction(on: db) { db in
                try await PhotoStore.keep(stored, on: db)
                try await VisitStore(db: db, principal: principal).addPhoto(dto, to: id, now: Date())
                try await VisitEvent(visitID: id, by: principal, action: "photo_added").create(on: db)
                try await AuditLog.record(db, by: principal, action: "visit.photo", subjectType: "visit", subjectID: id.uuidString,
                                          after: ["sha256": sha, "bytes": "\(dto.bytes)", "located": dto.exif_lat == nil ? "no" : "yes"])
            }
        }
        return dto
    }

    func photos(of id: UUID) async throws -> [PhotoDTO] { try await store.photos(of: id) }

    /// The stored bytes of a photo the principal may see: on one of their visible visits, or
    /// evidence on one of their visible problems.
    func photo(_ sha: String) async throws -> (contentType: String, data: Data) {
        guard sha.count == 64, sha.allSatisfy(\.isHexDigit) else { throw AppError(.notFound, "error.not_found") }
        let uses = try await store.uses(ofPhoto: sha)
        var type: String?
        for use in uses.visits where type == nil {
            if (try? await visit(use.owner)) != nil { type = use.content_type }
        }
        let problems = ProblemService(app: app, db: db, principal: principal)
        for use in uses.problems where type == nil {
            if (try? await problems.row(use.owner)) != nil { type = use.content_type }
        }
        if let type, let data = try await PhotoStore.data(sha, on: db) { return (type, data) }
        throw AppError(.notFound, "error.not_found")
    }
}
