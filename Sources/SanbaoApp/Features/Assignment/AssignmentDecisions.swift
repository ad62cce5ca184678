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
        try await record("lock", enterprise: creditCode, after: ["cadre": staffNo, "stage": stage.name]) {
            try await $0.lock(enterprise, to: cadre, stage: stage.id!, by: principal.username)
        }
    }

    func unlock(stage: Stage, creditCode: String) async throws {
        try principal.require(.manageAssignment)
        let enterprise = try await enterpriseID(creditCode)
        try await record("unlock", enterprise: creditCode, after: ["stage": stage.name]) { try await $0.unlock(enterprise, stage: stage.id!) }
    }

    func exclude(stage: Stage, staffNo: String, reason: String) async throws {
        try principal.require(.manageAssignment)
        let cadre = try await cadreID(staffNo)
        let reason = String(reason.trimmingCharacters(in: .whitespacesAndNewlines).prefix(200))
        guard !reason.isEmpty else { throw AppError.invalid([AppError.field("reason", "assignment.reason_required")]) }
        try await record("exclude", cadre: staffNo, after: ["reason": reason, "stage": stage.name]) {
            try await $0.exclude(cadre, stage: stage.id!, reason: reason, by: principal.username)
        }
    }

    func include(stage: Stage, staffNo: String) async throws {
        try principal.require(.manageAssignment)
        let cadre = try await cadreID(staffNo)
        try await record("include", cadre: staffNo, after: ["stage": stage.name]) { try await $0.include(cadre, stage: stage.id!) }
    }

    /// A decision about an enterprise (`enterprise`, its credit code) or a cadre (`cadre`, their
    /// staff number), written with its audit record in one transaction.
    private func record(_ action: String, enterprise: String? = nil, cadre: String? = nil, after: [String: String],
                        _ write: @escaping @Sendable (AssignmentStore) async throws -> Void) async throws {
        let (type, id) = enterprise.map { ("enterprise", CreditCode.normalise($0)) } ?? ("cadre", cadre ?? "")
        try await app.serializedTransaction(on: db) { db in
            try await write(AssignmentStore(db: db))
            try await AuditLog.record(db, by: principal, action: "assignment." + action, subjectType: type, subjectID: id, after: after)
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
