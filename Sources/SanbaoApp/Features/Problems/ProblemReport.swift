import Fluent
import Foundation
import SanbaoDomain
import Vapor

extension ProblemService {
    /// A problem entered directly by a unit (a phone call, a letter, a worker at the door), not
    /// found on a visit: the same record and deadline as a visit's problem.
    struct Report: Sendable {
        var enterpriseCode, category, description, severity: String
        /// The worker it is about, if one: a registry worker of that enterprise, by id or by the
        /// ID number the worker gives (found through its keyed digest, never by decrypting).
        var workerID: UUID? = nil
        var workerIDNumber: String = ""
    }

    /// Records it for the principal's unit; the new problem's id. Each field's problem is named.
    func report(_ r: Report, now: Date = Date()) async throws -> UUID {
        guard principal.can(.dispatchProblems) || principal.can(.recordVisits) else { throw AppError(.forbidden, "error.forbidden") }
        guard let userID = principal.userID, let unitID = principal.unitID else { throw AppError(.forbidden, "error.forbidden") }
        var issues: [AppError.FieldIssue] = []
        let category = ProblemCategory(rawValue: r.category)
        if category == nil { issues.append(AppError.field("category", "supervision.reason.bad_category")) }
        let severity = ProblemSeverity(rawValue: r.severity)
        if severity == nil { issues.append(AppError.field("severity", "problem.reason.bad_severity")) }
        let text = r.description.trimmed
        if text.isEmpty { issues.append(AppError.field("description", "problem.reason.required")) }
        if text.count > 2_000 { issues.append(AppError.field("description", "problem.reason.too_long")) }
        let enterprises = EnterpriseService(app: app, db: db, principal: principal)
        var enterpriseID: UUID?
        if r.enterpriseCode.trimmed.isEmpty {
            issues.append(AppError.field("enterprise", "problem.reason.required"))
        } else {
            enterpriseID = try? await enterprises.detail(creditCode: r.enterpriseCode).0.requireID()
            if enterpriseID == nil { issues.append(AppError.field("enterprise", "problem.reason.unknown_enterprise")) }
        }
        var workerID: UUID?
        if let enterpriseID, r.workerID != nil || !r.workerIDNumber.trimmed.isEmpty {
            var digest: String?
            if r.workerID == nil {
                if case .success(let resident) = ResidentID.check(CreditCode.normalise(r.workerIDNumber), today: ResidentID.day(of: now)) {
                    digest = app.fieldCipher.digest(resident.value)
                } else {
                    issues.append(AppError.field("worker_id_number", "problem.reason.bad_id_number"))
                }
            }
            if r.workerID != nil || digest != nil {
                workerID = try await store.worker(at: enterpriseID, id: r.workerID, idDigest: digest)
                if workerID == nil { issues.append(AppError.field(r.workerID != nil ? "worker" : "worker_id_number", "problem.reason.unknown_worker")) }
            }
        }
        guard issues.isEmpty, let category, let severity, let enterpriseID else { throw AppError.invalid(issues) }
        let rules = try await ProblemRules.current(app, db)
        let today = ProblemRules.today(now)
        let id = UUID()
        let row = NewProblemRow(id: id, visit: nil, enterprise: enterpriseID, worker: workerID, unit: unitID, reporter: userID,
                                category: category.rawValue, description: text, severity: severity.rawValue, now: now,
                                reportedOn: today.description, deadline: rules.deadline(category, from: today).description)
        try await app.serializedTransaction(on: db) { db in
            try await BulkInsert.insert([row], on: db)
            try await AuditLog.record(db, by: principal, action: "problem.report", subjectType: "problem", subjectID: id.uuidString,
                                      before: [:], after: ["category": category.rawValue, "enterprise": r.enterpriseCode.trimmed])
        }
        return id
    }
}
