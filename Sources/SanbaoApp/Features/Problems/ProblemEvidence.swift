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
        let stored = try PhotoStore.store(data, in: app.config.photoDirectory)
        let dto = EvidenceDTO(sha256: stored.sha256, content_type: stored.contentType, bytes: stored.bytes, exif_lat: stored.latitude,
                              exif_lon: stored.longitude, exif_taken_at: stored.takenAt, status: row.status,
                              uploader_name: principal.displayName, created_at: now)
        struct Found: Decodable { var sha256: String }
        guard try await sql.raw("SELECT sha256 FROM problem_evidence WHERE problem_id = \(bind: id) AND sha256 = \(bind: stored.sha256)")
            .first(decoding: Found.self) == nil else { return dto }
        try await app.serializedTransaction(on: db) { db in
            try await BulkInsert.rows(into: "problem_evidence", columns: [
                "id", "problem_id", "sha256", "content_type", "bytes", "exif_lat", "exif_lon", "exif_taken_at", "status", "uploaded_by",
                "uploader_name", "created_at",
            ], [[UUID(), id, dto.sha256, dto.content_type, dto.bytes, dto.exif_lat, dto.exif_lon, dto.exif_taken_at, dto.status,
                 principal.userID, dto.uploader_name, now]], on: db)
            try await BulkInsert.rows(into: "problem_events", columns: Self.eventColumns,
                                      [[UUID(), id, now, principal.userID, principal.displayName, principal.unitID, "evidence", row.status,
                                        row.status, nil as UUID?, "", nil as String?, nil as String?, nil as String?]], on: db)
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

    func evidence(of id: UUID) async throws -> [EvidenceDTO] {
        try await sql.raw("""
            SELECT sha256, content_type, bytes, exif_lat, exif_lon, exif_taken_at, status, uploader_name, created_at
            FROM problem_evidence WHERE problem_id = \(bind: id) ORDER BY created_at
            """).all(decoding: EvidenceDTO.self)
    }
}
