import Foundation
import SanbaoDomain
import SQLKit
import Vapor

extension ProblemService {
    struct EvidenceDTO: Content {
        var sha256, content_type: String
        var bytes: Int
        var exif_lat, exif_lon: Double?
        var exif_taken_at: String?
        /// The problem's status when it was added (reported: found; resolved: what was done).
        var status, uploader_name: String
        var created_at: Date
    }

    /// A photo as evidence on the problem, by either side while it is someone's work (or
    /// resolved, awaiting its callback). The same photo twice is kept once.
    func addEvidence(to id: UUID, data: [UInt8], now: Date = Date()) async throws -> EvidenceDTO {
        let row = try await row(id)
        guard mayAddEvidence(to: row) else {
            let status = ProblemStatus(rawValue: row.status) ?? .reported
            if status.isOpen || status == .resolved { throw AppError(.forbidden, "problem.not_a_side") }
            throw AppError(.conflict, "problem.refused.not_now", [row.status, "evidence"])
        }
        let stored = try PhotoStore.check(data)
        let dto = EvidenceDTO(sha256: stored.sha256, content_type: stored.contentType, bytes: stored.bytes, exif_lat: stored.latitude,
                              exif_lon: stored.longitude, exif_taken_at: stored.takenAt, status: row.status,
                              uploader_name: principal.displayName, created_at: now)
        guard try await !store.hasEvidence(stored.sha256, on: id) else { return dto }
        try await app.serializedTransaction(on: db) { db in
            try await PhotoStore.keep(stored, on: db)
            try await ProblemStore(db: db, principal: principal).addEvidence(dto, to: id, event: [
                UUID(), id, now, principal.userID, principal.displayName, principal.unitID, "evidence", row.status, row.status, nil as UUID?, "",
                nil as String?, nil as String?, nil as String?])
            try await AuditLog.record(db, by: principal, action: "problem.evidence", subjectType: "problem", subjectID: id.uuidString,
                                      after: ["sha256": dto.sha256, "bytes": "\(dto.bytes)", "located": dto.exif_lat == nil ? "no" : "yes"])
        }
        return dto
    }

    /// Either side — the reporting one (its admins and cadres) or the responsible one — while
    /// the problem is someone's work or awaits its callback.
    func mayAddEvidence(to row: Row) -> Bool {
        let status = ProblemStatus(rawValue: row.status) ?? .reported
        guard status.isOpen || status == .resolved else { return false }
        let reporting = scope.contains(path: row.reporter_unit_path) && (principal.can(.dispatchProblems) || principal.can(.recordVisits))
        let responsible = principal.can(.handleProblems) && row.responsible_unit_path.map(scope.contains(path:)) == true
        return reporting || responsible
    }

    func evidence(of id: UUID) async throws -> [EvidenceDTO] { try await store.evidence(of: id) }
}
