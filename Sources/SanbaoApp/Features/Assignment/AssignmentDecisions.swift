import Fluent
import Foundation
import SanbaoDomain
import SQLKit
import Vapor

/// The office's decisions that the next solve keeps: this enterprise goes to that cadre
/// (a lock), this cadre is away (an exclusion). Each is audited.
extension AssignmentService {
    func lock(stage: Stage, creditCode: String, staffNo: String) async throws {
        try principal.require(.manageAssignment)
        let enterprise = try await enterpriseID(creditCode)
        let cadre = try await cadreID(staffNo)
        // A visited enterprise stays with the cadre who visited it; a lock could not move it.
        struct Done: Decodable { var status: String }
        if try await (db as! any SQLDatabase).raw("""
            SELECT status FROM visit_tasks WHERE stage_id = \(bind: stage.id!) AND enterprise_id = \(bind: enterprise) AND status = 'done'
            """).first(decoding: Done.self) != nil {
            throw AppError.invalid([AppError.field("credit_code", "assignment.already_visited")])
        }
        try await app.serializedTransaction(on: db) { db in
            let sql = db as! any SQLDatabase
            try await sql.raw("DELETE FROM assignment_locks WHERE stage_id = \(bind: stage.id!) AND enterprise_id = \(bind: enterprise)").run()
            try await sql.raw("""
                INSERT INTO assignment_locks (id, stage_id, enterprise_id, cadre_id, created_by)
                VALUES (\(bind: UUID()), \(bind: stage.id!), \(bind: enterprise), \(bind: cadre), \(bind: principal.username))
                """).run()
            try await AuditLog.record(db, by: principal, action: "assignment.lock", subjectType: "enterprise", subjectID: CreditCode.normalise(creditCode),
                                      after: ["cadre": staffNo, "stage": stage.name])
        }
    }

    func unlock(stage: Stage, creditCode: String) async throws {
        try principal.require(.manageAssignment)
        let enterprise = try await enterpriseID(creditCode)
        try await app.serializedTransaction(on: db) { db in
            try await (db as! any SQLDatabase).raw("DELETE FROM assignment_locks WHERE stage_id = \(bind: stage.id!) AND enterprise_id = \(bind: enterprise)").run()
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
            let sql = db as! any SQLDatabase
            try await sql.raw("DELETE FROM assignment_exclusions WHERE stage_id = \(bind: stage.id!) AND cadre_id = \(bind: cadre)").run()
            try await sql.raw("""
                INSERT INTO assignment_exclusions (id, stage_id, cadre_id, reason, created_by)
                VALUES (\(bind: UUID()), \(bind: stage.id!), \(bind: cadre), \(bind: reason), \(bind: principal.username))
                """).run()
            try await AuditLog.record(db, by: principal, action: "assignment.exclude", subjectType: "cadre", subjectID: staffNo,
                                      after: ["reason": reason, "stage": stage.name])
        }
    }

    func include(stage: Stage, staffNo: String) async throws {
        try principal.require(.manageAssignment)
        let cadre = try await cadreID(staffNo)
        try await app.serializedTransaction(on: db) { db in
            try await (db as! any SQLDatabase).raw("DELETE FROM assignment_exclusions WHERE stage_id = \(bind: stage.id!) AND cadre_id = \(bind: cadre)").run()
            try await AuditLog.record(db, by: principal, action: "assignment.include", subjectType: "cadre", subjectID: staffNo,
                                      after: ["stage": stage.name])
        }
    }

    private func enterpriseID(_ creditCode: String) async throws -> UUID {
        struct Row: Decodable { var id: UUID }
        guard let row = try await sql.raw("SELECT id FROM enterprises WHERE credit_code = \(bind: CreditCode.normalise(creditCode)) AND merged_into_id IS NULL")
            .first(decoding: Row.self) else { throw AppError.invalid([AppError.field("credit_code", "assignment.no_enterprise")]) }
        return row.id
    }

    private func cadreID(_ staffNo: String) async throws -> UUID {
        guard let cadre = try await Cadre.query(on: db).filter(\.$staffNo == staffNo.trimmingCharacters(in: .whitespaces)).first() else {
            throw AppError.invalid([AppError.field("staff_no", "assignment.no_cadre")])
        }
        return cadre.id!
    }
}
