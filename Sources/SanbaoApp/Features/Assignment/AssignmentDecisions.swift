import Fluent
import Foundation
import SanbaoDomain
import Vapor

/// The office's decisions that the next solve keeps: this enterprise goes to that cadre
/// (a lock), this cadre is away (an exclusion). Each is audited.
extension AssignmentService {
    func lock(stage: Stage, creditCode: String, staffNo: String) async throws {
        try principal.require(.manageAssignment)
        let enterprise = try await enterpriseID(creditCode)
        let cadre = try await cadreID(staffNo)
        // A visited enterprise stays with the cadre who visited it; a lock could not move it.
        if try await store.isVisited(enterprise, stage: stage.id!) {
            throw AppError.invalid([AppError.field("credit_code", "assignment.already_visited")])
        }
        try await app.serializedTransaction(on: db) { db in
            try await AssignmentStore(db: db).lock(enterprise, to: cadre, stage: stage.id!, by: principal.username)
            try await AuditLog.record(db, by: principal, action: "assignment.lock", subjectType: "enterprise", subjectID: CreditCode.normalise(creditCode),
                                      after: ["cadre": staffNo, "stage": stage.name])
        }
    }

    func unlock(stage: Stage, creditCode: String) async throws {
        try principal.require(.manageAssignment)
        let enterprise = try await enterpriseID(creditCode)
        try await app.serializedTransaction(on: db) { db in
            try await AssignmentStore(db: db).unlock(enterprise, stage: stage.id!)
            try await AuditLog.record(db, by: principal, action: "assignment.unlock", subjectType: "enterprise", subjectID: CreditCode.normalise(creditCode),
                                      after: ["stage": stage.name])
        }
    }

    func exclude(stage: Stage, staffNo: String, reason: String) async throws {
        try principal.require(.manageAssignment)
        let cadre = try await cadreID(staffNo)
        let reason = String(reason.trimmingCharacters(in: .whitespacesAndNewlines).prefix(200))
        guard !reason.isEmpty else { throw AppError.invalid([AppError.field("reason", "assignment.reason_required")]) }
        try await app.serializedTransaction(on: db) { db in
            try await AssignmentStore(db: db).exclude(cadre, stage: stage.id!, reason: reason, by: principal.username)
            try await AuditLog.record(db, by: principal, action: "assignment.exclude", subjectType: "cadre", subjectID: staffNo,
                                      after: ["reason": reason, "stage": stage.name])
        }
    }

    func include(stage: Stage, staffNo: String) async throws {
        try principal.require(.manageAssignment)
        let cadre = try await cadreID(staffNo)
        try await app.serializedTransaction(on: db) { db in
            try await AssignmentStore(db: db).include(cadre, stage: stage.id!)
            try await AuditLog.record(db, by: principal, action: "assignment.include", subjectType: "cadre", subjectID: staffNo,
                                      after: ["stage": stage.name])
        }
    }

    private func enterpriseID(_ creditCode: String) async throws -> UUID {
        guard let id = try await store.enterpriseID(creditCode: CreditCode.normalise(creditCode)) else {
            throw AppError.invalid([AppError.field("credit_code", "assignment.no_enterprise")])
        }
        return id
    }

    private func cadreID(_ staffNo: String) async throws -> UUID {
        guard let cadre = try await Cadre.query(on: db).filter(\.$staffNo == staffNo.trimmingCharacters(in: .whitespaces)).first() else {
            throw AppError.invalid([AppError.field("staff_no", "assignment.no_cadre")])
        }
        return cadre.id!
    }
}
