import Fluent
import Foundation
import SanbaoDomain
import Vapor

/// Reading visits, and the review: the cadre's unit admin accepts a submitted visit or returns
/// it with a comment; the cadre corrects it and submits it again. Every change raises the
/// visit's revision, and a change made against an older revision is refused as a conflict, so
/// two people never silently overwrite each other.
extension VisitService {
    /// A visit the principal may see: their own, or one of a unit in their subtree.
    func visit(_ id: UUID) async throws -> Visit {
        guard let visit = try await Visit.query(on: db).filter(\.$id == id).with(\.$unit).first(),
              visit.$cadre.id == principal.userID || scope.contains(visit.unit) else {
            throw AppError(.notFound, "error.not_found")
        }
        return visit
    }

    func review(_ id: UUID, accept: Bool, comment: String, revision: Int) async throws -> Visit {
        try principal.require(.reviewVisits)
        let visit = try await visit(id)
        guard scope.contains(visit.unit) else { throw AppError(.notFound, "error.not_found") }
        guard visit.$cadre.id != principal.userID else { throw AppError(.forbidden, "visit.own_review") }
        guard visit.revision == revision else { throw AppError(.conflict, "visit.conflict", ["\(visit.revision)"]) }
        guard visit.status == Visit.Status.submitted.rawValue else { throw AppError(.conflict, "visit.not_awaiting_review") }
        let note = comment.trimmed
        if !accept && note.isEmpty { throw AppError.invalid([AppError.field("comment", "visit.reason.required")]) }
        guard note.count <= 1_000 else { throw AppError.invalid([AppError.field("comment", "visit.reason.too_long")]) }
        let before = visit.status
        visit.status = (accept ? Visit.Status.accepted : .returned).rawValue
        visit.reviewComment = accept ? "" : note
        visit.revision += 1
        try await app.serializedTransaction(on: db) { db in
            try await Self.claim(id, revision: revision, status: .submitted, on: db)
            // Returned, it stops counting until it is corrected; accepted, it counts as it did.
            if !accept { try await Tallies.stopCounting(visit: id, on: db) }
            try await visit.update(on: db)
            try await VisitEvent(visitID: visit.id!, by: principal, action: accept ? "accepted" : "returned", comment: note).create(on: db)
            try await AuditLog.record(db, by: principal, action: accept ? "visit.accept" : "visit.return", subjectType: "visit",
                                      subjectID: visit.id!.uuidString, before: ["status": before],
                                      after: ["status": visit.status, "comment": note])
        }
        return visit
    }

    /// The cadre's corrected visit after it was returned: the whole submission again, which
    /// replaces what was answered and found. Sent twice, the second finds it already done.
    func resubmit(_ id: UUID, body: [UInt8], revision: Int) async throws -> Visit {
        try principal.require(.recordVisits)
        let visit = try await visit(id)
        guard visit.$cadre.id == principal.userID else { throw AppError(.forbidden, "visit.not_yours") }
        let digest = SHA256Digest.hex(body)
        if visit.status == Visit.Status.submitted.rawValue && visit.requestDigest == digest { return visit }
        guard visit.revision == revision else { throw AppError(.conflict, "visit.conflict", ["\(visit.revision)"]) }
        guard visit.status == Visit.Status.returned.rawValue else { throw AppError(.conflict, "visit.not_returned") }
        let submission: VisitSubmission
        do { submission = try Self.decoder.decode(VisitSubmission.self, from: Data(body)) } catch {
            throw AppError.invalid([AppError.field(QuestionnaireJSON.describe(error), "visit.reason.bad_json")])
        }
        // The enterprise and task stay those of the first submission.
        var sameTarget = submission
        sameTarget.taskID = visit.taskID
        let versions = try await questionnaireVersions(for: sameTarget)
        let (enterpriseAnswers, workerAnswers, found) = sameTarget.check(now: Date()) { versions["\($0) \($1)"]?.questionnaire }
        let issues = found + (try await workerIssues(sameTarget, enterpriseID: visit.$enterprise.id))
        guard issues.isEmpty else { throw AppError.invalid(issues.map { AppError.field($0.field, "visit.reason.\($0.reason)") }) }
        let now = Date()
        let newWorkers = try await registerNewWorkers(in: &sameTarget, enterpriseID: visit.$enterprise.id, visitID: id, now: now)
        let fixed = sameTarget
        visit.requestDigest = digest
        visit.startedAt = fixed.startedAt
        visit.finishedAt = fixed.finishedAt
        visit.lat = fixed.location?.lat
        visit.lon = fixed.location?.lon
        visit.accuracyM = fixed.location?.accuracyM
        visit.peopleMet = fixed.peopleMet.trimmed
        visit.status = Visit.Status.submitted.rawValue
        visit.revision += 1
        let content = try contentRows(of: fixed, visitID: id, enterpriseID: visit.$enterprise.id, unitID: visit.$unit.id,
                                      enterpriseAnswers: enterpriseAnswers, workerAnswers: workerAnswers, versions: versions,
                                      rules: fixed.problems.isEmpty ? nil : try await ProblemRules.current(app, db), now: now)
        try await app.serializedTransaction(on: db) { db in
            try await Self.claim(id, revision: revision, status: .returned, on: db)
            try await visit.update(on: db)
            try await BulkInsert.rows(into: "workers", columns: WorkerStore.columns, newWorkers.rows, on: db)
            try await BulkInsert.rows(into: "audit_events", columns: AuditLog.columns, newWorkers.audits, on: db)
            try await VisitStore(db: db, principal: principal).clearContent(of: id)
            try await BulkInsert.insert(content.responses, on: db)
            try await BulkInsert.insert(content.answers, on: db)
            try await BulkInsert.insert(content.problems, on: db)
            // Counting again, with what it says now.
            try await Tallies.recount(visit: id, on: db)
            try await VisitEvent(visitID: id, by: principal, action: "resubmitted").create(on: db)
            try await AuditLog.record(db, by: principal, action: "visit.resubmit", subjectType: "visit", subjectID: id.uuidString,
                                      after: ["revision": "\(visit.revision)"])
        }
        return visit
    }
}

extension VisitService {
    /// The revision and status a review or correction was decided on, checked again inside its
    /// write: the revision is raised only where both still hold, so of two reviewers (or two
    /// corrections) sent at once the second finds no row and hears 409, and the tallies see one
    /// change, not two. The checks before the write only give the common case a quick answer.
    static func claim(_ id: UUID, revision: Int, status: Visit.Status, on db: any Database) async throws {
        if let now = try await VisitStore.claim(id, revision: revision, status: status, on: db) {
            throw AppError(.conflict, "visit.conflict", ["\(now)"])
        }
    }
}

enum SHA256Digest {
    static func hex(_ bytes: [UInt8]) -> String { Hex.lower(SHA256.hash(data: bytes)) }
}
